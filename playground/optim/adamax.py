r"""Adamax (Adam with an infinity norm), written from scratch."""

from __future__ import annotations

from typing import Any

import torch

from playground.optim import arrays
from playground.optim.base import Params, ScratchOptimizer
from playground.optim.validation import check_beta_ranges, check_lr, check_non_negative


def adamax(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array,
           betas: tuple[float, float], eps: float, weight_decay: float, maximize: bool) -> None:
    r"""One Adamax step, in place.

    .. math::
        g_t &\leftarrow \pm\nabla_\theta f(\theta_{t-1}) + \lambda\,\theta_{t-1}
            \quad(\text{minus when maximizing}) \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        u_t &\leftarrow \max(\beta_2\, u_{t-1},\ |g_t| + \epsilon) \\
        \theta_t &\leftarrow \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\, \frac{m_t}{u_t}

    As in PyTorch, :math:`\epsilon` goes *inside* the max, so :math:`u_t > 0` and the division
    is safe (state: ``exp_avg`` :math:`m`, ``exp_inf`` :math:`u`).
    """
    beta1, beta2 = betas
    t = arrays.next_step(state, param)
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    m = arrays.buffer(state, "exp_avg", param)
    u = arrays.buffer(state, "exp_inf", param)
    m += (1 - beta1) * (g - m)
    u *= beta2
    arrays.maximum(u, arrays.abs(g) + eps, out=u)
    param -= lr / (1 - beta1 ** t) * m / u


class Adamax(ScratchOptimizer):
    """Same constructor, defaults and validation as ``torch.optim.Adamax``; the math is :func:`adamax`."""

    rule = staticmethod(adamax)
    hyperparameters = ("lr", "betas", "eps", "weight_decay", "maximize")

    def __init__(self, params: Params, lr: float | torch.Tensor = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 foreach: bool | None = None, *, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        check_lr(lr)
        check_non_negative("epsilon value", eps)
        check_beta_ranges(betas)
        check_non_negative("weight_decay value", weight_decay)
        defaults: dict[str, Any] = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                                        capturable=capturable)
        super().__init__(params, defaults)
