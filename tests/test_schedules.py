import math

import numpy as np
import pytest
import torch

from playground.schedules import KINDS, SCHEDULES, ReduceOnPlateau, Schedule


def test_constant_is_one_everywhere():
    assert Schedule().factors(50).tolist() == [1.0] * 50


def test_step_halves_every_step_size():
    s = Schedule("step", step_size=10, gamma=0.5)
    assert [s.factor(t, 100) for t in (0, 9, 10, 19, 20, 35)] == [1, 1, 0.5, 0.5, 0.25, 0.125]


def test_exponential_is_smooth_step():
    s = Schedule("exponential", step_size=10, gamma=0.5)
    assert s.factor(0, 100) == 1.0
    assert s.factor(5, 100) == pytest.approx(2 ** -0.5)
    assert s.factor(10, 100) == pytest.approx(0.5)
    assert np.all(np.diff(s.factors(100)) < 0)


def test_cosine_ends_at_min_factor_and_is_half_way_in_the_middle():
    s = Schedule("cosine", min_factor=0.1)
    assert s.factor(0, 100) == 1.0
    assert s.factor(50, 100) == pytest.approx(0.55)
    assert s.factor(100, 100) == pytest.approx(0.1)
    assert s.factor(500, 100) == pytest.approx(0.1)  # past the end: stays at the final value


def test_warmup_cosine_rises_linearly_then_decays():
    s = Schedule("warmup_cosine", warmup=10)
    assert [s.factor(t, 110) for t in (0, 4, 9)] == pytest.approx([0.1, 0.5, 1.0])
    assert s.factor(10, 110) == 1.0
    assert s.factor(60, 110) == pytest.approx(0.5)
    assert s.factor(110, 110) == pytest.approx(0.0)


def test_one_cycle_peaks_after_thirty_percent():
    f = Schedule("one_cycle").factors(100)
    assert f[0] == pytest.approx(1 / 25)
    assert int(np.argmax(f)) == 30 and f[30] == pytest.approx(1.0)
    assert np.all(np.diff(f[:31]) > 0) and np.all(np.diff(f[30:]) < 0)
    assert Schedule("one_cycle").factor(100, 100) == pytest.approx(0.0)


def test_drives_torch_lambda_lr():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.2)
    s = Schedule("step", step_size=2, gamma=0.5)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: s.factor(t, 10))
    lrs = []
    for _ in range(5):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert lrs == pytest.approx([0.2, 0.2, 0.1, 0.1, 0.05])


@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="linear"), "unknown schedule 'linear'"),
    (dict(step_size=0), "step_size"),
    (dict(gamma=1.5), "gamma must be in"),
    (dict(gamma=math.nan), "gamma must be in"),
    (dict(warmup=-1), "warmup"),
    (dict(min_factor=2.0), "min_factor"),
])
def test_bad_arguments_say_which(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Schedule(**kwargs)


def test_factor_rejects_bad_steps():
    with pytest.raises(ValueError, match="total"):
        Schedule().factor(0, 0)
    with pytest.raises(ValueError, match="step must be"):
        Schedule().factor(-1, 10)


def test_kinds_alias():
    assert KINDS == SCHEDULES and len(SCHEDULES) == 6


def test_plateau_matches_torch():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=3, threshold=1e-4,
                                                        min_lr=0.1)
    ours = ReduceOnPlateau(factor=0.5, patience=3, min_factor=0.1)
    losses = [5, 4, 3, 3, 3, 3, 3, 2.5, 2.5, 2.5, 2.5, 2.5] + [2.5] * 20
    for loss in losses:
        theirs.step(loss)
        assert ours.update(loss) == pytest.approx(opt.param_groups[0]["lr"])
    assert ours.update(2.5) == pytest.approx(0.1)  # clamped at min_factor


def test_plateau_vectorized_runs_independently():
    plateau = ReduceOnPlateau(factor=0.5, patience=1)
    for t in range(4):
        out = plateau.update(np.array([1.0, 1.0 - t, np.nan]))
    assert out.tolist() == [0.5, 1.0, 0.25]  # a NaN loss never counts as improving


@pytest.mark.parametrize("kwargs", [dict(factor=1.0), dict(patience=-1), dict(threshold=-1),
                                    dict(min_factor=-0.1)])
def test_plateau_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        ReduceOnPlateau(**kwargs)
