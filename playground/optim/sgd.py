r"""Stochastic gradient descent, with (Nesterov) momentum, written from scratch."""

from __future__ import annotations

from typing import Any

from playground.optim import arrays
from playground.optim.base import Params, ScratchOptimizer
from playground.optim.validation import HyperparameterError, check_lr, check_non_negative


def sgd(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array, momentum: float,
        dampening: float, weight_decay: float, nesterov: bool, maximize: bool) -> None:
    r"""One SGD step, in place.

    .. math::
        g_t &\leftarrow \pm\nabla_\theta f(\theta_{t-1}) + \lambda\,\theta_{t-1}
            \quad(\text{minus when maximizing; } \lambda = \text{weight\_decay}) \\
        v_t &\leftarrow \begin{cases} g_t & t = 1 \\
            \mu\, v_{t-1} + (1-\tau)\, g_t & t > 1 \end{cases}
            \quad(\mu = \text{momentum},\ \tau = \text{dampening}) \\
        d_t &\leftarrow \begin{cases} g_t + \mu\, v_t & \text{nesterov} \\
            v_t & \text{otherwise} \end{cases} \\
        \theta_t &\leftarrow \theta_{t-1} - \eta\, d_t

    With ``momentum = 0`` there is no buffer and :math:`d_t = g_t`. As in PyTorch, the first
    buffer is the raw gradient (no dampening), and the Nesterov form evaluates the look-ahead
    through the buffer rather than at a shifted point.
    """
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = arrays.clone(g)
        else:
            buf *= momentum
            buf += (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
    param -= lr * g


class SGD(ScratchOptimizer):
    """Same constructor, defaults and validation as ``torch.optim.SGD``; the math is :func:`sgd`."""

    rule = staticmethod(sgd)
    hyperparameters = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")

    def __init__(self, params: Params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        check_lr(lr, nan_passes=True)
        check_non_negative("momentum value", momentum, nan_passes=True)
        check_non_negative("weight_decay value", weight_decay, nan_passes=True)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise HyperparameterError("optim.nesterov")
        defaults: dict[str, Any] = dict(lr=lr, momentum=momentum, dampening=dampening,
                                        weight_decay=weight_decay, nesterov=nesterov,
                                        maximize=maximize, foreach=foreach,
                                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
