r"""NAdam (Adam with Nesterov momentum), written from scratch."""

from __future__ import annotations

from typing import Any

import torch

from playground.optim import arrays
from playground.optim.base import Params, ScratchOptimizer
from playground.optim.validation import check_beta_ranges, check_lr, check_non_negative


def nadam(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array,
          betas: tuple[float, float], eps: float, weight_decay: float, momentum_decay: float,
          decoupled_weight_decay: bool, maximize: bool) -> None:
    r"""One NAdam step, in place.

    .. math::
        g_t &\leftarrow \pm\nabla_\theta f(\theta_{t-1})
            \quad(\text{minus when maximizing}) \\
        &\text{coupled } (\lambda \ne 0):\ g_t \leftarrow g_t + \lambda\,\theta_{t-1}
            \qquad\text{decoupled}:\ \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1} \\
        \mu_t &\leftarrow \beta_1\,\bigl(1 - \tfrac12\, 0.96^{\,t\,\psi}\bigr)
            \quad(\psi = \text{momentum\_decay}),\qquad \Pi_t \leftarrow \Pi_{t-1}\,\mu_t,\ \Pi_0 = 1 \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\qquad
        v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \theta_t &\leftarrow \theta_{t-1}
            - \eta\,\frac{1-\mu_t}{1-\Pi_t}\,\frac{g_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
            - \eta\,\frac{\mu_{t+1}}{1-\Pi_t\,\mu_{t+1}}\,\frac{m_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}

    The momentum coefficient :math:`\mu_t` warms up towards :math:`\beta_1`; the look-ahead
    weights the current gradient by :math:`1-\mu_t` and the momentum by the *next*
    :math:`\mu_{t+1}`. As in PyTorch, :math:`\epsilon` is added after the bias correction and
    the product :math:`\Pi_t` (state ``mu_product``) is kept at the default dtype's precision.
    """
    beta1, beta2 = betas
    t = arrays.next_step(state, param)
    if "mu_product" not in state:
        state["mu_product"] = arrays.scalar(param, 1.0)
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * param

    mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    state["mu_product"] *= mu
    mu_product = float(state["mu_product"])

    m = arrays.buffer(state, "exp_avg", param)
    v = arrays.buffer(state, "exp_avg_sq", param)
    m += (1 - beta1) * (g - m)
    v *= beta2
    v += (1 - beta2) * g * g
    denom = arrays.sqrt(v / (1 - beta2 ** t))
    denom += eps
    param -= lr * (1 - mu) / (1 - mu_product) * g / denom
    param -= lr * mu_next / (1 - mu_product * mu_next) * m / denom


class NAdam(ScratchOptimizer):
    """Same constructor, defaults and validation as ``torch.optim.NAdam``; the math is :func:`nadam`."""

    rule = staticmethod(nadam)
    hyperparameters = ("lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay",
                       "maximize")

    def __init__(self, params: Params, lr: float | torch.Tensor = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        check_lr(lr)
        check_non_negative("epsilon value", eps)
        check_beta_ranges(betas)
        check_non_negative("weight_decay value", weight_decay)
        check_non_negative("momentum_decay value", momentum_decay)
        defaults: dict[str, Any] = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                        momentum_decay=momentum_decay,
                                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)
