r"""Adam and AdamW, written from scratch."""

from __future__ import annotations

from typing import Any, ClassVar

import torch

from playground.optim import arrays
from playground.optim.base import Params, ScratchOptimizer, UpdateRule
from playground.optim.validation import as_scalar, check_beta_ranges, check_beta_types, check_non_negative


def adam(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array,
         betas: tuple[float, float], eps: float, weight_decay: float, amsgrad: bool, maximize: bool,
         decoupled_weight_decay: bool) -> None:
    r"""One Adam step, in place.

    .. math::
        g_t &\leftarrow \pm\nabla_\theta f(\theta_{t-1})
            \quad(\text{minus when maximizing}) \\
        &\text{coupled } (\lambda \ne 0):\ g_t \leftarrow g_t + \lambda\,\theta_{t-1}
            \qquad\text{decoupled (AdamW)}:\ \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1} \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        v_t &\leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat v_t &\leftarrow \max(\hat v_{t-1}, v_t)\ \text{(AMSGrad) or } v_t \\
        \theta_t &\leftarrow \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,
            \frac{m_t}{\sqrt{\hat v_t}\,/\sqrt{1-\beta_2^t} + \epsilon}

    As in PyTorch, :math:`\epsilon` is added *after* the bias correction of :math:`\sqrt{v}`,
    and AMSGrad keeps the running maximum of the *uncorrected* :math:`v_t`
    (state ``max_exp_avg_sq``). :math:`m_0 = v_0 = 0`.
    """
    beta1, beta2 = betas
    t = arrays.next_step(state, param)

    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * param

    m, v = arrays.buffer(state, "exp_avg", param), arrays.buffer(state, "exp_avg_sq", param)
    m += (1 - beta1) * (g - m)
    v *= beta2
    v += (1 - beta2) * g * g
    if amsgrad:
        v_max = arrays.buffer(state, "max_exp_avg_sq", param)
        v = arrays.maximum(v_max, v, out=v_max)

    denom = arrays.sqrt(v)
    denom /= (1 - beta2 ** t) ** 0.5
    denom += eps
    param -= lr / (1 - beta1 ** t) * m / denom


def adamw(param: arrays.Array, grad: arrays.Array, state: dict, *, lr: float | arrays.Array,
          betas: tuple[float, float], eps: float, weight_decay: float, amsgrad: bool, maximize: bool) -> None:
    r"""One AdamW step: :func:`adam` with decoupled weight decay,
    :math:`\theta \leftarrow (1 - \eta\lambda)\,\theta` before the Adam step, so the decay never
    enters the moment estimates."""
    adam(param, grad, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
         maximize=maximize, decoupled_weight_decay=True)


class Adam(ScratchOptimizer):
    """Same constructor, defaults and validation as ``torch.optim.Adam``; the math is :func:`adam`."""

    # declared as the base class does, so that AdamW may set another rule and fewer hyperparameters
    rule: ClassVar[UpdateRule] = staticmethod(adam)
    hyperparameters: ClassVar[tuple[str, ...]] = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize",
                                                  "decoupled_weight_decay")

    def __init__(self, params: Params, lr: float | torch.Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 amsgrad: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        if isinstance(lr, torch.Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
            if lr.numel() != 1:
                raise ValueError("Tensor lr must be 1-element")
        check_non_negative("learning rate", lr)
        check_non_negative("epsilon value", eps)
        check_beta_ranges(betas)
        check_non_negative("weight_decay value", weight_decay)
        check_beta_types(betas, foreach=foreach, capturable=capturable)
        defaults: dict[str, Any] = dict(
            lr=lr, betas=tuple(map(as_scalar, betas)), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
            maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
            fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        if fused and differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


class AdamW(Adam):
    """Same constructor, defaults and validation as ``torch.optim.AdamW`` (which, like this
    class, is Adam with ``decoupled_weight_decay=True``); the math is :func:`adamw`."""

    rule = staticmethod(adamw)
    hyperparameters = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")

    def __init__(self, params: Params, lr: float | torch.Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2,
                 amsgrad: bool = False, *, maximize: bool = False, foreach: bool | None = None,
                 capturable: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
