"""The learning rates a race records are torch's: a named schedule gives OneCycleLR's, and the
plateau option gives ReduceLROnPlateau's, fed each start's loss, also on a surface whose losses
are negative (Styblinski–Tang, where a different "better" test cuts the rate to its floor)."""

from __future__ import annotations

import numpy as np
import torch
from torch.optim import lr_scheduler

from playground.schedules import Schedule
from playground.surfaces import SURFACES
from playground.trajectories import RunOptions, run

STEPS = 300


def _sgd(lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


def test_a_one_cycle_race_records_one_cycle_lrs_learning_rates():
    s = SURFACES["rosenbrock"]
    trajectory = run(s, "Adam", s.start, STEPS, RunOptions(schedule=Schedule("one_cycle")))
    lr = trajectory.hyperparameters["lr"]
    opt = _sgd(lr)
    theirs = lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=STEPS, cycle_momentum=False)
    expected = []
    for _ in range(STEPS):
        expected.append(opt.param_groups[0]["lr"])
        opt.step()
        theirs.step()
    np.testing.assert_allclose(trajectory.lrs[:, 0], expected, rtol=0, atol=1e-12)


def test_the_plateau_option_cuts_the_rate_exactly_when_torchs_reduce_lr_on_plateau_does():
    s = SURFACES["styblinski_tang"]
    starts = np.array([s.start, (0.5, -0.5), (-4.0, 3.0)])
    options = RunOptions(plateau=True, plateau_factor=0.5, plateau_patience=10)
    for method in ("SGD", "Adam"):
        trajectory = run(s, method, starts, STEPS, options)
        lr = trajectory.hyperparameters["lr"]
        assert (trajectory.losses[-1] < 0).all()
        for k in range(len(starts)):
            opt = _sgd(lr)
            theirs = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=10, threshold=1e-4,
                                                    threshold_mode="rel", min_lr=1e-3 * lr, eps=1e-8 * lr)
            expected = [lr]
            for loss in trajectory.losses[1:STEPS, k]:  # the loss after step t sets the rate of step t + 1
                theirs.step(float(loss))
                expected.append(opt.param_groups[0]["lr"])
            np.testing.assert_allclose(trajectory.lrs[:, k], expected, rtol=0, atol=1e-12 * lr)
