"""What the home page's ready-made experiments tell students to look for is what the pages show."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from playground.datasets.toy import make_toy
from playground.regularization.config import LabConfig
from playground.regularization.trainer import train
from playground.surfaces import SURFACES
from playground.trajectories import race
from playground.trajectories.basins import basins
from playground.ui.home.experiments import EXPERIMENTS
from playground.ui.pages import PAGES


def _final_losses(surface: str, methods: list[str]) -> dict[str, float]:
    s = SURFACES[surface]
    return {name: float(t.losses[-1][0]) for name, t in race(s, methods, s.start, 300).items()}


def test_adaptive_methods_beat_sgd_on_the_axis_aligned_ravine_and_trail_it_on_the_rotated_one():
    adaptive = ["AdaGrad", "RMSprop", "Adam"]
    aligned = _final_losses("ravine", ["SGD", *adaptive])
    rotated = _final_losses("rotated_ravine", ["SGD", *adaptive])
    assert all(aligned[m] < aligned["SGD"] for m in adaptive)
    assert all(rotated[m] > rotated["SGD"] for m in adaptive)


def test_momentum_zig_zags_across_the_rotated_ravine_and_nesterov_damps_it():
    s = SURFACES["rotated_ravine"]
    paths = race(s, ["SGD", "Momentum", "NAG"], s.start, 300)
    turns = {m: int((np.diff(np.sign(paths[m].updates[:, 0, 1])) != 0).sum()) for m in ("Momentum", "NAG")}
    assert turns["Momentum"] > 5 * turns["NAG"]
    assert paths["SGD"].losses[-1][0] > 1e3 * paths["Momentum"].losses[-1][0]  # SGD crawls


def test_momentum_ends_in_another_basin_than_sgd_for_about_one_start_in_six():
    maps = basins(SURFACES["himmelblau"], ["SGD", "Momentum"], grid=50, steps=500)
    differ = float((np.asarray(maps["SGD"].label) != np.asarray(maps["Momentum"].label)).mean())
    assert 0.1 < differ < 0.25


def test_dropout_at_one_half_closes_the_default_labs_generalization_gap():
    moons = make_toy("moons", 60, 0.45, 0.5, seed=0)  # the lab's default data and network

    def gap(dropout: float) -> float:
        final = train(moons, LabConfig(hidden=(128, 128), dropout=dropout, epochs=400)).final
        return final["val_loss"] - final["train_loss"]

    assert gap(0.5) < gap(0.0) / 5


def test_every_page_and_experiment_names_a_script_that_exists():
    root = Path(__file__).resolve().parents[3]
    assert all((root / spec.path).is_file() for spec in PAGES.values())
    assert all(e.page in PAGES for e in EXPERIMENTS)
