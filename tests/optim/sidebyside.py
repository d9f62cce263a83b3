"""Run one of our optimizers and torch.optim's class of the same name side by side.

Both start from identical parameters and are fed identical gradients: each step the loss's
gradient is taken at torch.optim's parameters and copied to ours. So the parameters can only
drift apart through a difference in the update rules. (Had each taken the gradient at its own
parameters, last-bit rounding differences, say a fused multiply-add in one kernel, would be
amplified by the loss landscape wherever an adaptive method hovers near a minimum: on the MLP
in float32 a 1-ulp nudge of the start grows to ~1e-5 within 200 RMSprop steps, torch
against torch.)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

import playground.optim

TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-5}


@dataclass(frozen=True)
class Problem:
    """Parameter tensors (rebuilt identically on every call) and the gradient of a loss."""

    name: str
    make_params: Callable[[torch.dtype], list[torch.Tensor]]
    loss: Callable[[list[torch.Tensor], int], torch.Tensor]  # (params, step index)

    def gradients(self, params: list[torch.Tensor], step: int) -> list[torch.Tensor]:
        return list(torch.autograd.grad(self.loss(params, step), params))


def _tensors(dtype: torch.dtype) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return [torch.randn(shape, generator=generator, dtype=dtype).requires_grad_()
            for shape in ((3, 4), (5,), ())]


def _tensors_loss(params: list[torch.Tensor], step: int) -> torch.Tensor:
    """Non-convex (a ripple on a slope) and coupled, but with no stationary point along the
    way: an optimizer that converged would oscillate around the minimum, where the last-bit
    rounding differences any two implementations have grow chaotically."""
    w, b, s = params
    ripple = sum((p + 0.3 * torch.sin(3 * p)).sum() for p in params)
    return ripple + 0.05 * s * (w.mean() - b.mean())


def _mlp(dtype: torch.dtype) -> list[torch.Tensor]:
    torch.manual_seed(0)
    layers = [torch.nn.Linear(4, 16), torch.nn.Linear(16, 3)]
    return [p.detach().to(dtype).requires_grad_() for layer in layers for p in layer.parameters()]


_X = {dtype: torch.randn(256, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64).to(dtype)
      for dtype in (torch.float64, torch.float32)}
_Y = torch.randint(0, 3, (256,), generator=torch.Generator().manual_seed(2))
_BATCHES = torch.randint(0, 256, (1000, 16), generator=torch.Generator().manual_seed(3))


def _mlp_loss(params: list[torch.Tensor], step: int) -> torch.Tensor:
    """Cross-entropy on a minibatch of 16 fixed random points: stochastic gradients, as in
    real training. (Full-batch gradients change so slowly that centered RMSprop's variance
    estimate v - m^2 is mostly rounding error, and no two implementations agree on it.)"""
    w1, b1, w2, b2 = params
    batch = _BATCHES[step % len(_BATCHES)]
    hidden = torch.tanh(torch.addmm(b1, _X[w1.dtype][batch], w1.T))
    return torch.nn.functional.cross_entropy(torch.addmm(b2, hidden, w2.T), _Y[batch])


TENSORS = Problem("tensors", _tensors, _tensors_loss)
MLP = Problem("mlp", _mlp, _mlp_loss)

#: Called with (step index, ours, theirs) after each step, and with step -1 before the first;
#: returns the optimizers to carry on with.
Hook = Callable[[int, torch.optim.Optimizer, torch.optim.Optimizer],
                tuple[torch.optim.Optimizer, torch.optim.Optimizer]]


@dataclass
class Run:
    ours: torch.optim.Optimizer
    theirs: torch.optim.Optimizer
    ours_params: list[torch.Tensor]
    theirs_params: list[torch.Tensor]

    def max_difference(self) -> float:
        pairs = zip(self.ours_params, self.theirs_params, strict=True)
        return max((a - b).abs().max().item() for a, b in pairs)

    def moved(self, problem: Problem, dtype: torch.dtype) -> float:
        """How far training moved the parameters (so a frozen run cannot pass as a match)."""
        return max((a - b).abs().max().item()
                   for a, b in zip(self.ours_params, problem.make_params(dtype), strict=True))


def param_groups(params: list[torch.Tensor], group_overrides: dict | None) -> list:
    """One group, or two: the first tensor alone, the rest with ``group_overrides``."""
    if group_overrides is None:
        return params
    return [{"params": params[:1]}, {"params": params[1:], **group_overrides}]


def side_by_side(name: str, config: dict, problem: Problem = TENSORS, dtype: torch.dtype = torch.float64,
                 steps: int = 200, group_overrides: dict | None = None, hooks: Sequence[Hook] = ()) -> Run:
    # Maximizing is checked on the negated loss, which has a maximum to climb to.
    sign = -1 if config.get("maximize") else 1
    ours_params, theirs_params = problem.make_params(dtype), problem.make_params(dtype)
    ours = getattr(playground.optim, name)(param_groups(ours_params, group_overrides), **config)
    theirs = getattr(torch.optim, name)(param_groups(theirs_params, group_overrides), **config)
    for hook in hooks:
        ours, theirs = hook(-1, ours, theirs)
    for step in range(steps):
        for mine, reference, grad in zip(ours_params, theirs_params,
                                         problem.gradients(theirs_params, step), strict=True):
            reference.grad = sign * grad
            mine.grad = sign * grad
        ours.step()
        theirs.step()
        for hook in hooks:
            ours, theirs = hook(step, ours, theirs)
    return Run(ours, theirs, ours_params, theirs_params)


def state_layout(optimizer: torch.optim.Optimizer) -> list[dict]:
    """Per parameter: each state key with its tensor's dtype, shape and device."""
    return [{key: (value.dtype, tuple(value.shape), value.device) if torch.is_tensor(value) else type(value)
             for key, value in optimizer.state[p].items()}
            for group in optimizer.param_groups for p in group["params"]]


def reload_at(when: int, transform: Callable[[dict], dict] = copy.deepcopy) -> Hook:
    """A hook that, after step ``when``, replaces both optimizers by fresh ones of the same
    class loaded from ``transform(state_dict())``."""

    def hook(step, ours, theirs):
        if step != when:
            return ours, theirs
        return tuple(_reloaded(optimizer, transform) for optimizer in (ours, theirs))

    return hook


def _reloaded(optimizer: torch.optim.Optimizer, transform: Callable[[dict], dict]) -> torch.optim.Optimizer:
    fresh = type(optimizer)([{"params": group["params"]} for group in optimizer.param_groups])
    fresh.load_state_dict(transform(optimizer.state_dict()))
    return fresh
