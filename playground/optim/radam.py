r"""RAdam (rectified Adam), written from scratch."""

from __future__ import annotations

from typing import Any

import torch

from playground.optim import arrays
from playground.optim.base import Params, ScratchOptimizer
from playground.optim.validation import check_beta_ranges, check_lr, check_non_negative


def radam(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array,
          betas: tuple[float, float], eps: float, weight_decay: float, decoupled_weight_decay: bool,
          maximize: bool) -> None:
    r"""One RAdam step, in place.

    .. math::
        g_t &\leftarrow \pm\nabla_\theta f(\theta_{t-1})
            \quad(\text{minus when maximizing}) \\
        &\text{coupled } (\lambda \ne 0):\ g_t \leftarrow g_t + \lambda\,\theta_{t-1}
            \qquad\text{decoupled}:\ \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1} \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\qquad
        v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,\qquad
        \hat m_t \leftarrow \frac{m_t}{1-\beta_1^t} \\
        \rho_\infty &\leftarrow \frac{2}{1-\beta_2} - 1,\qquad
        \rho_t \leftarrow \rho_\infty - \frac{2\,t\,\beta_2^t}{1-\beta_2^t} \\
        \theta_t &\leftarrow \begin{cases}
            \theta_{t-1} - \eta\,\hat m_t\, r_t\,\dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon}
                & \rho_t > 5 \\
            \theta_{t-1} - \eta\,\hat m_t & \text{otherwise} \end{cases},\qquad
        r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\,\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\,\rho_t}}

    :math:`\rho_t` estimates how many gradients the variance average really holds; while it is
    at most 5 the adaptive step's variance is intractable and RAdam takes a plain momentum step.
    As in PyTorch, :math:`\epsilon` is added to :math:`\sqrt{v_t}` *before* the bias correction.
    """
    beta1, beta2 = betas
    t = arrays.next_step(state, param)
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * param

    m = arrays.buffer(state, "exp_avg", param)
    v = arrays.buffer(state, "exp_avg_sq", param)
    m += (1 - beta1) * (g - m)
    v *= beta2
    v += (1 - beta2) * g * g

    bias_correction2 = 1 - beta2 ** t
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2 ** t / bias_correction2
    # torch.optim's order of operations: the bias-corrected m (the parameters' dtype) meets lr
    # first, so a float32 tensor lr never rounds the step size or the rectification term to float32.
    step = m / (1 - beta1 ** t) * lr
    if rho_t > 5:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        denom = arrays.sqrt(v)
        denom += eps
        param -= step * (bias_correction2 ** 0.5 / denom) * rect
    else:
        param -= step


class RAdam(ScratchOptimizer):
    """Same constructor, defaults and validation as ``torch.optim.RAdam``; the math is :func:`radam`."""

    rule = staticmethod(radam)
    hyperparameters = ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay", "maximize")

    def __init__(self, params: Params, lr: float | torch.Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        check_non_negative("epsilon value", eps)
        check_beta_ranges(betas)
        check_non_negative("weight_decay value", weight_decay)
        defaults: dict[str, Any] = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                        maximize=maximize, foreach=foreach, capturable=capturable,
                                        decoupled_weight_decay=decoupled_weight_decay,
                                        differentiable=differentiable)
        super().__init__(params, defaults)
