"""The same run through ``torch.optim`` in a plain Python loop: the yardstick for our engine.

A 2-element float64 tensor is the parameter; its ``.grad`` is set from the surface's analytic
gradient (plus the same seeded noise, clipped by ``torch.nn.utils.clip_grad_norm_``), and the
learning rate of each step is written into the param group. If our engine reproduces this
path, our from-scratch rules and our batching both do what torch.optim does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from playground.optim import METHODS
from playground.schedules import ReduceOnPlateau
from playground.surfaces import Surface
from playground.trajectories.engine import RunOptions, Trajectory, as_starts, configure


def torch_path(surface: Surface, method: str, start: Sequence[float], steps: int,
               options: RunOptions | None = None, **hyperparameters: Any) -> np.ndarray:
    """Positions (steps + 1, 2) of ``torch.optim``'s ``method`` from one start. No divergence
    handling: compare it with our trajectory only up to where that one froze."""
    options = options or RunOptions()
    (start,) = as_starts(start)
    hyper = configure(surface, method, hyperparameters)
    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = METHODS[method].make([param], backend="torch", **hyper)
    group, factors = optimizer.param_groups[0], options.schedule.factors(steps)
    plateau = ReduceOnPlateau(options.plateau_factor, options.plateau_patience) if options.plateau else None
    rng, multiplier = np.random.default_rng(options.seed), 1.0
    path = np.empty((steps + 1, 2))
    path[0] = start
    with np.errstate(all="ignore"):
        for t in range(steps):
            x, y = param.detach().numpy()
            g = np.array(surface.grad(x, y), dtype=float)
            if options.noise > 0:
                g += options.noise * rng.standard_normal((1, 2))[0]
            param.grad = torch.from_numpy(g)
            if options.clip > 0:
                torch.nn.utils.clip_grad_norm_([param], options.clip)
            group["lr"] = hyper["lr"] * factors[t] * multiplier
            optimizer.step()
            path[t + 1] = param.detach().numpy()
            if plateau is not None:
                multiplier = plateau.update(float(surface.value(*path[t + 1])))
    return path


def max_difference(ours: Trajectory, theirs: np.ndarray, index: int = 0) -> float:
    """Largest coordinate difference between our path from start ``index`` and torch's, over the
    steps before ours froze (diverged or stopped), where both are defined."""
    last = ours.steps + 1
    if ours.diverged_at[index] >= 0:
        last = ours.diverged_at[index]  # from that step on ours is frozen and torch's is not finite
    elif ours.stopped_at[index] >= 0:
        last = ours.stopped_at[index] + 1
    with np.errstate(invalid="ignore"):
        gap = np.abs(ours.positions[:last, index] - theirs[:last])
    return float(gap.max()) if np.isfinite(gap).all() and last > 0 else (0.0 if last == 0 else float("inf"))
