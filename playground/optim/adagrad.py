r"""AdaGrad, written from scratch."""

from __future__ import annotations

from typing import Any

import torch

from playground.optim import arrays
from playground.optim.base import Params, ScratchOptimizer
from playground.optim.validation import check_lr, check_non_negative


def _init_state(param: arrays.Array, state: dict, initial_accumulator_value: float) -> None:
    state["step"] = arrays.step_counter(param)
    state["sum"] = arrays.full_like(param, initial_accumulator_value)


def adagrad(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array,
            lr_decay: float, weight_decay: float, initial_accumulator_value: float, eps: float,
            maximize: bool) -> None:
    r"""One AdaGrad step, in place.

    .. math::
        g_t &\leftarrow \pm\nabla_\theta f(\theta_{t-1}) + \lambda\,\theta_{t-1}
            \quad(\text{minus when maximizing}) \\
        \tilde\eta_t &\leftarrow \frac{\eta}{1 + (t-1)\,\delta}
            \quad(\delta = \text{lr\_decay}) \\
        s_t &\leftarrow s_{t-1} + g_t^2,\qquad s_0 = \text{initial\_accumulator\_value} \\
        \theta_t &\leftarrow \theta_{t-1} - \tilde\eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}

    As in PyTorch, :math:`\epsilon` is added outside the square root (state ``sum`` is :math:`s`).
    """
    if not state:
        _init_state(param, state, initial_accumulator_value)
    t = arrays.next_step(state, param)

    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    s = state["sum"]
    s += g * g
    denom = arrays.sqrt(s)
    denom += eps
    param -= lr / (1 + (t - 1) * lr_decay) * g / denom


class Adagrad(ScratchOptimizer):
    """Same constructor, defaults and validation as ``torch.optim.Adagrad``; the math is :func:`adagrad`."""

    rule = staticmethod(adagrad)
    hyperparameters = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize")

    def __init__(self, params: Params, lr: float | torch.Tensor = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0, eps: float = 1e-10,
                 foreach: bool | None = None, *, maximize: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        check_lr(lr)
        check_non_negative("lr_decay value", lr_decay)
        check_non_negative("weight_decay value", weight_decay)
        check_non_negative("initial_accumulator_value value", initial_accumulator_value)
        check_non_negative("epsilon value", eps)
        defaults: dict[str, Any] = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                        initial_accumulator_value=initial_accumulator_value,
                                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                                        fused=fused)
        super().__init__(params, defaults)
        if fused and differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Like torch.optim.Adagrad, create the accumulators up front (so they appear in
        state_dict before the first step), filled with the *constructor's*
        initial_accumulator_value whatever a param group says."""
        super().add_param_group(param_group)
        initial = self.defaults["initial_accumulator_value"]
        for param in self.param_groups[-1]["params"]:
            if not self.state[param]:
                _init_state(param, self.state[param], initial)

    def share_memory(self) -> None:
        """Put the accumulators in shared memory (for multiprocess training), as torch.optim.Adagrad."""
        for group in self.param_groups:
            for param in group["params"]:
                self.state[param]["sum"].share_memory_()
