"""Copy as PyTorch for the race: the generated torch.optim script ends where the race ends."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from types import ModuleType

import numpy as np
import pytest
import torch

from playground.optim import METHODS
from playground.schedules import Schedule
from playground.surfaces import SURFACES, parse
from playground.trajectories import RunOptions, Trajectory, race
from playground.trajectories.export import formula_code, pytorch_code, settings_json

TOL = 1e-9
NONE = RunOptions()  # no schedule, noise, clipping or stopping
BOWL, RAVINE, TANG = SURFACES["bowl"], SURFACES["ravine"], SURFACES["styblinski_tang"]
TYPED = parse("0.5*x**2 + y**2 + 0.3*sin(3*x)*cos(2*y) + softplus(x - y)/4 - e^(-x^2)")
EVERY = {name: {} for name in METHODS}
FEW = {"SGD": {}, "Momentum": {}, "Adam": {"lr": 0.3, "betas": (0.8, 0.99)}, "RMSprop": {"centered": True}}


def run_script(code: str) -> ModuleType:
    """Define the generated script's names without running its ``__main__`` block. Only our own
    generated code is executed here, never user text."""
    module = ModuleType("generated_race")
    sys.modules[module.__name__] = module
    exec(compile(code, "generated_race.py", "exec"), module.__dict__)  # noqa: S102
    return module


def replay(surface, methods, start, steps, options=NONE):
    """The race and the script's results for it."""
    paths = race(surface, methods, start, steps, options)
    return paths, run_script(pytorch_code(surface, methods, start, steps, options)).race()


def ending(t: Trajectory) -> str:
    if t.diverged_at[0] >= 0:
        return "diverged at the start" if t.diverged_at[0] == 0 else f"diverged at step {t.diverged_at[0]}"
    if t.stopped_at[0] >= 0:
        return "stopped at the start" if t.stopped_at[0] == 0 else f"stopped at step {t.stopped_at[0]}"
    return f"ran all {t.steps} steps"


def assert_replays(surface, methods, start, steps, options=NONE) -> dict[str, Trajectory]:
    paths, script = replay(surface, methods, start, steps, options)
    assert list(script) == list(methods)
    for name, t in paths.items():
        point, loss, how = script[name]
        np.testing.assert_allclose(point.numpy(), t.positions[-1, 0], rtol=0, atol=TOL, err_msg=name)
        assert how == ending(t), name
        if t.diverged_at[0] != 0:
            assert float(loss) == pytest.approx(t.losses[-1, 0], rel=1e-9, abs=TOL)
    return paths


def finals(paths: dict[str, Trajectory]) -> np.ndarray:
    return np.array([t.positions[-1, 0] for t in paths.values()])


def test_every_method_ends_where_the_race_ends_with_the_surfaces_tuned_learning_rates():
    paths = assert_replays(BOWL, EVERY, BOWL.start, 150)
    code = pytorch_code(BOWL, EVERY, BOWL.start, 150, NONE)
    assert f"lr={BOWL.lrs['AdaGrad']}" in code and "torch.optim.Adagrad" in code and "nesterov=True" in code
    assert paths["AdaGrad"].hyperparameters["lr"] == BOWL.lrs["AdaGrad"]


def test_a_typed_formula_becomes_torch_code_from_its_parsed_tree():
    assert_replays(TYPED, FEW, TYPED.start, 150)
    body = formula_code(TYPED)
    assert "torch.sin(" in body and "torch.log1p(" in body and "math.e **" in body
    script = run_script(pytorch_code(TYPED, {"SGD": {}}, TYPED.start, 10, NONE))
    xs, ys = np.meshgrid(np.linspace(-3, 3, 7), np.linspace(-3, 3, 7))
    ours = TYPED.value(xs, ys)
    theirs = script.f(torch.from_numpy(xs), torch.from_numpy(ys)).numpy()
    np.testing.assert_allclose(theirs, ours, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("schedule", [
    Schedule("step", step_size=30, gamma=0.3), Schedule("exponential", 40),
    Schedule("cosine", min_factor=0.1), Schedule("warmup_cosine", warmup=20), Schedule("one_cycle"),
], ids=lambda s: s.kind)
def test_the_script_follows_the_races_schedule(schedule):
    options = RunOptions(schedule=schedule)
    paths = assert_replays(RAVINE, FEW, RAVINE.start, 120, options)
    assert np.abs(finals(paths) - finals(race(RAVINE, FEW, RAVINE.start, 120))).max() > 1e-6  # it matters


def test_reduce_on_plateau_is_torchs_reduce_lr_on_plateau_per_method():
    options = RunOptions(plateau=True, plateau_factor=0.3, plateau_patience=5)
    paths = assert_replays(TANG, FEW, TANG.start, 150, options)
    cut = [name for name, t in paths.items() if t.lrs[-1, 0] < t.lrs[0, 0]]
    assert len(cut) >= 2 and np.abs(finals(paths) - finals(race(TANG, FEW, TANG.start, 150))).max() > 1e-6
    assert "torch.optim.lr_scheduler.ReduceLROnPlateau(" in pytorch_code(TANG, FEW, TANG.start, 5, options)
    with pytest.raises(ValueError, match="not both"):
        pytorch_code(TANG, FEW, TANG.start, 5, RunOptions(schedule=Schedule("cosine"), plateau=True))


@pytest.mark.parametrize("options", [RunOptions(noise=0.5, seed=7), RunOptions(clip=0.5, noise=0.2, seed=1),
                                     RunOptions(tol=1e-3)], ids=["noise", "clip", "tolerance"])
def test_noise_clipping_and_stopping_are_replayed(options):
    methods = {**EVERY, "SGD": {"lr": 0.9}}  # SGD's large steps are the ones clipping cuts
    paths = assert_replays(RAVINE, methods, RAVINE.start, 150, options)
    assert np.abs(finals(paths) - finals(race(RAVINE, methods, RAVINE.start, 150))).max() > 1e-6


def test_a_diverging_path_keeps_its_last_good_point_as_in_the_race():
    paths = assert_replays(BOWL, {"SGD": {"lr": 1.5}, "Adam": {}}, BOWL.start, 60)
    assert paths["SGD"].diverged_at[0] == 12
    undefined = parse("log(x) + y**2")
    assert_replays(undefined, {"SGD": {}}, (-1.0, 0.5), 10)  # log(-1): diverged at the start


def test_the_script_runs_as_a_program_and_prints_the_final_points(tmp_path):
    options = RunOptions(schedule=Schedule("cosine"), noise=0.3, seed=2, clip=2.0)
    code = pytorch_code(TYPED, FEW, TYPED.start, 80, options)
    assert "import playground" not in code and "from playground" not in code
    (tmp_path / "race.py").write_text(code)
    done = subprocess.run([sys.executable, "race.py"], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = {m["name"]: (float(m["x"]), float(m["y"])) for m in re.finditer(
        r"(?P<name>\w+): final point \((?P<x>\S+), (?P<y>\S+)\), loss", done.stdout)}
    paths = race(TYPED, FEW, TYPED.start, 80, options)
    assert list(printed) == list(FEW)
    for name, t in paths.items():
        np.testing.assert_allclose(printed[name], t.positions[-1, 0], rtol=0, atol=TOL)


def test_settings_json_holds_each_methods_full_hyperparameters_and_the_options():
    options = RunOptions(schedule=Schedule("step", step_size=50), noise=0.1, seed=4)
    saved = json.loads(settings_json(RAVINE, FEW, RAVINE.start, 200, options, {"surface": "ravine"}))
    assert saved["surface"] == {"surface": "ravine"} and saved["steps"] == 200
    assert saved["start"] == list(RAVINE.start)
    assert saved["methods"]["SGD"]["lr"] == RAVINE.lrs["SGD"]  # the surface's tuned rate
    assert saved["methods"]["Adam"]["betas"] == [0.8, 0.99]
    assert saved["options"]["schedule"]["step_size"] == 50 and saved["options"]["seed"] == 4
