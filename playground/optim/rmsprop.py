r"""RMSprop (plain, centered, with momentum), written from scratch."""

from __future__ import annotations

from typing import Any

import torch

from playground.optim import arrays
from playground.optim.base import Params, ScratchOptimizer
from playground.optim.validation import check_lr, check_non_negative


def rmsprop(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array, alpha: float,
            eps: float, weight_decay: float, momentum: float, centered: bool, maximize: bool) -> None:
    r"""One RMSprop step, in place.

    .. math::
        g_t &\leftarrow \pm\nabla_\theta f(\theta_{t-1}) + \lambda\,\theta_{t-1}
            \quad(\text{minus when maximizing}) \\
        v_t &\leftarrow \alpha\, v_{t-1} + (1-\alpha)\, g_t^2 \\
        \tilde v_t &\leftarrow \begin{cases} v_t - \bar g_t^2,\ \
            \bar g_t \leftarrow \alpha\,\bar g_{t-1} + (1-\alpha)\, g_t & \text{centered} \\
            v_t & \text{otherwise} \end{cases} \\
        b_t &\leftarrow \mu\, b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon},\qquad
        \theta_t \leftarrow \theta_{t-1} - \eta\, b_t \quad(\mu > 0) \\
        \theta_t &\leftarrow \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}
            \quad(\mu = 0)

    As in PyTorch, :math:`\epsilon` is added outside the square root, there is no bias
    correction, and the momentum buffer :math:`b` accumulates the *normalized* step
    (state: ``square_avg`` :math:`v`, ``grad_avg`` :math:`\bar g`, ``momentum_buffer`` :math:`b`).
    """
    arrays.next_step(state, param)

    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    v = arrays.buffer(state, "square_avg", param)
    v *= alpha
    v += (1 - alpha) * g * g
    if centered:
        g_avg = arrays.buffer(state, "grad_avg", param)
        g_avg += (1 - alpha) * (g - g_avg)
        denom = arrays.sqrt(v - g_avg * g_avg)
    else:
        denom = arrays.sqrt(v)
    denom += eps
    if momentum > 0:
        buf = arrays.buffer(state, "momentum_buffer", param)
        buf *= momentum
        buf += g / denom
        param -= lr * buf
    else:
        param -= lr * g / denom


class RMSprop(ScratchOptimizer):
    """Same constructor, defaults and validation as ``torch.optim.RMSprop``; the math is :func:`rmsprop`."""

    rule = staticmethod(rmsprop)
    hyperparameters = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")

    def __init__(self, params: Params, lr: float | torch.Tensor = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        check_lr(lr)
        check_non_negative("epsilon value", eps)
        check_non_negative("momentum value", momentum)
        check_non_negative("weight_decay value", weight_decay)
        check_non_negative("alpha value", alpha)
        defaults: dict[str, Any] = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)
