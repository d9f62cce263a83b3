r"""Adadelta, written from scratch."""

from __future__ import annotations

from typing import Any

import torch

from playground.optim import arrays
from playground.optim.base import Params, ScratchOptimizer
from playground.optim.validation import check_lr, check_non_negative, check_unit_interval


def adadelta(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array, rho: float,
             eps: float, weight_decay: float, maximize: bool) -> None:
    r"""One Adadelta step, in place.

    .. math::
        g_t &\leftarrow \pm\nabla_\theta f(\theta_{t-1}) + \lambda\,\theta_{t-1}
            \quad(\text{minus when maximizing}) \\
        v_t &\leftarrow \rho\, v_{t-1} + (1-\rho)\, g_t^2 \\
        \Delta_t &\leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        u_t &\leftarrow \rho\, u_{t-1} + (1-\rho)\, \Delta_t^2 \\
        \theta_t &\leftarrow \theta_{t-1} - \eta\, \Delta_t

    As in PyTorch, :math:`\epsilon` sits *inside* both square roots, and the learning rate
    :math:`\eta` (default 1) scales the unit-consistent step (state: ``square_avg`` :math:`v`,
    ``acc_delta`` :math:`u`).
    """
    arrays.next_step(state, param)
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    v = arrays.buffer(state, "square_avg", param)
    u = arrays.buffer(state, "acc_delta", param)
    v *= rho
    v += (1 - rho) * g * g
    delta = arrays.sqrt(u + eps)
    delta /= arrays.sqrt(v + eps)
    delta *= g
    u *= rho
    u += (1 - rho) * delta * delta
    param -= lr * delta


class Adadelta(ScratchOptimizer):
    """Same constructor, defaults and validation as ``torch.optim.Adadelta``; the math is :func:`adadelta`."""

    rule = staticmethod(adadelta)
    hyperparameters = ("lr", "rho", "eps", "weight_decay", "maximize")

    def __init__(self, params: Params, lr: float | torch.Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        check_unit_interval("rho value", rho)
        check_non_negative("epsilon value", eps)
        check_non_negative("weight_decay value", weight_decay)
        defaults: dict[str, Any] = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)
