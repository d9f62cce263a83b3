import math

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

from playground.schedules import KINDS, ONE_CYCLE_FINAL, SCHEDULES, ReduceOnPlateau, Schedule

LR = 0.3  # a base learning rate other than 1, so multipliers and learning rates are not the same numbers


def _optimizer(lr: float = LR) -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


def _torch_lrs(make, total: int, lr: float = LR) -> np.ndarray:
    """The learning rate a torch scheduler sets at each of ``total`` steps (stepped once per step)."""
    opt = _optimizer(lr)
    scheduler, lrs = make(opt), []
    for _ in range(total):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return np.array(lrs)


def _one_cycle(pct_start: float, final_div_factor: float):
    return lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=TOTAL, pct_start=pct_start,
                                               anneal_strategy="cos", div_factor=25.0,
                                               final_div_factor=final_div_factor, three_phase=False,
                                               cycle_momentum=False)


TOTAL = 97  # odd, so 30% of it (29.1 steps) is not a whole number of steps
TORCH_EQUIVALENTS = {
    "step": (Schedule("step", step_size=10, gamma=0.3), lambda opt: lr_scheduler.StepLR(opt, 10, gamma=0.3)),
    "exponential": (Schedule("exponential", step_size=10, gamma=0.3),
                    lambda opt: lr_scheduler.ExponentialLR(opt, gamma=0.3 ** (1 / 10))),
    "cosine": (Schedule("cosine"), lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=TOTAL)),
    "cosine, eta_min": (Schedule("cosine", min_factor=0.1),
                        lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=TOTAL, eta_min=0.1 * LR)),
    "one_cycle": (Schedule("one_cycle"), _one_cycle(0.3, 1e4)),
    "one_cycle, warmup 40": (Schedule("one_cycle", warmup=40), _one_cycle(40 / TOTAL, 1e4)),
    "one_cycle, warmup 2": (Schedule("one_cycle", warmup=2), _one_cycle(2 / TOTAL, 1e4)),
    "one_cycle, floor 0.01": (Schedule("one_cycle", min_factor=0.01), _one_cycle(0.3, 1 / (25 * 0.01))),
    "one_cycle, floor 0": (Schedule("one_cycle", min_factor=0.0), _one_cycle(0.3, math.inf)),
}


@pytest.mark.parametrize("name", TORCH_EQUIVALENTS)
def test_each_torch_named_schedule_equals_its_torch_class_at_every_step(name):
    schedule, make = TORCH_EQUIVALENTS[name]
    ours = LR * schedule.factors(TOTAL)
    np.testing.assert_allclose(ours, _torch_lrs(make, TOTAL), rtol=0, atol=1e-12)


def test_one_cycle_with_one_warmup_step_peaks_at_step_zero_where_torch_would_divide_by_zero():
    ours = Schedule("one_cycle", warmup=1).factors(TOTAL)
    assert ours[0] == 1.0 and np.all(np.diff(ours) < 0)
    just_under = _torch_lrs(_one_cycle(1 / TOTAL - 1e-12, 1e4), TOTAL) / LR  # the limit from below
    np.testing.assert_allclose(ours, just_under, rtol=0, atol=1e-9)


def test_one_cycle_rises_from_a_25th_to_its_peak_at_step_pct_start_times_total_minus_one():
    f = Schedule("one_cycle").factors(100)
    assert f[0] == pytest.approx(1 / 25, abs=1e-15)
    assert int(np.argmax(f)) == 29 and f[29] == pytest.approx(1.0, abs=1e-15)  # 0.3 * 100 - 1
    assert np.all(np.diff(f[:30]) > 0) and np.all(np.diff(f[29:]) < 0)
    assert f[-1] == pytest.approx(1 / 25 / 1e4, abs=1e-18) == ONE_CYCLE_FINAL
    assert Schedule("one_cycle").factor(100, 100) == Schedule("one_cycle").factor(500, 100) == f[-1]


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


def test_min_factor_defaults_to_torchs_final_value_for_each_kind():
    assert Schedule("cosine").min_factor == Schedule("warmup_cosine").min_factor == 0.0
    assert Schedule("one_cycle").min_factor == 1 / 25 / 1e4
    assert Schedule("one_cycle", min_factor=0.0).min_factor == 0.0


def test_warmup_cosine_rises_linearly_to_one_at_step_warmup_minus_one_then_decays():
    s = Schedule("warmup_cosine", warmup=10)
    assert [s.factor(t, 110) for t in (0, 4, 9)] == pytest.approx([0.1, 0.5, 1.0])
    assert s.factor(10, 110) == 1.0
    assert s.factor(60, 110) == pytest.approx(0.5)
    assert s.factor(110, 110) == pytest.approx(0.0)
    assert Schedule("warmup_cosine", warmup=10, min_factor=0.2).factor(110, 110) == pytest.approx(0.2)


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


def _losses() -> dict[str, list[float]]:
    rng = np.random.default_rng(0)
    falling = 5 * np.exp(-np.arange(120) / 30) + 0.02 * rng.standard_normal(120)
    return {
        "positive plateaus": [5, 4, 3, 3, 3, 3, 3, 2.5, 2.5, 2.5, 2.5, 2.5] + [2.5] * 48,
        "negative flat": [-1.0] * 60,  # a < best * (1 - threshold) holds for a negative flat loss: no cut
        "negative creeping up": list(-78.3 + 0.001 * np.arange(60)),
        "negative rising": list(-10 + 0.01 * np.arange(60)),  # above best*(1 - 1e-4) after a few steps
        "noisy positive": list(falling),
        "noisy negative": list(falling - 6),
        "with NaN and inf": [3.0, math.nan, 2.0, math.inf, 2.0, 2.0, -math.inf, 0.0, 1.0] + [1.0] * 20,
    }


SETTINGS = [dict(factor=0.5, patience=3, threshold=1e-4, min_factor=0.1, cooldown=0, eps=1e-8),
            dict(factor=0.5, patience=0, threshold=1e-2, min_factor=0.01, cooldown=2, eps=1e-8),
            dict(factor=0.9, patience=2, threshold=0.0, min_factor=0.3, cooldown=1, eps=0.05),
            dict(factor=0.1, patience=1, threshold=1.0, min_factor=0.0, cooldown=0, eps=0.0)]


def _torch_plateau(losses, lr: float, factor, patience, threshold, min_factor, cooldown, eps) -> list[float]:
    """The learning rate after each loss under torch's ReduceLROnPlateau, as a multiplier of ``lr``."""
    opt = _optimizer(lr)
    theirs = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=factor, patience=patience,
                                            threshold=threshold, threshold_mode="rel", cooldown=cooldown,
                                            min_lr=min_factor * lr, eps=eps * lr)
    out = []
    for loss in losses:
        theirs.step(loss)
        out.append(opt.param_groups[0]["lr"] / lr)
    return out


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("name", list(_losses()))
def test_plateau_matches_torch_on_positive_and_negative_losses(name, settings):
    losses = _losses()[name]
    ours = ReduceOnPlateau(**settings)
    theirs = _torch_plateau(losses, LR, **settings)
    np.testing.assert_allclose([ours.update(loss) for loss in losses], theirs, rtol=0, atol=1e-12)


def test_plateau_never_cuts_a_flat_negative_loss_as_torch_and_cuts_a_flat_positive_one():
    flat_negative, flat_positive = ReduceOnPlateau(patience=3), ReduceOnPlateau(patience=3)
    for _ in range(50):
        negative, positive = flat_negative.update(-78.0), flat_positive.update(78.0)
    assert negative == 1.0 and positive < 1e-2


def test_plateau_vectorized_over_runs_equals_one_torch_scheduler_per_run():
    series = np.array([losses[:60] for losses in list(_losses().values())[:6]]).T  # (60 steps, 6 runs)
    settings = SETTINGS[1]
    ours = ReduceOnPlateau(**settings)
    got = np.array([ours.update(row) for row in series])
    expected = np.array([_torch_plateau(series[:, k], LR, **settings) for k in range(series.shape[1])]).T
    assert got.shape == series.shape and len(np.unique(got[-1])) > 1
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_plateau_vectorized_runs_independently():
    plateau = ReduceOnPlateau(factor=0.5, patience=1)
    for t in range(4):
        out = plateau.update(np.array([1.0, 1.0 - t, np.nan]))
    assert out.tolist() == [0.5, 1.0, 0.25]  # a NaN loss never counts as improving


@pytest.mark.parametrize("kwargs", [dict(factor=1.0), dict(patience=-1), dict(threshold=-1),
                                    dict(min_factor=-0.1), dict(cooldown=-1), dict(eps=-1.0)])
def test_plateau_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        ReduceOnPlateau(**kwargs)
