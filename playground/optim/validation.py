"""Hyperparameter checks that raise exactly what torch.optim raises, with its messages.

Each constructor calls these in the order torch.optim's class of the same name checks, so the
first invalid value reported is the same one torch would report. The refusals a page can cause
are :class:`HyperparameterError` (a ValueError whose English text is torch's, said by key so a
page can say it in its own language).
"""

from __future__ import annotations

import torch

from playground.i18n import SaidError


class HyperparameterError(SaidError):
    """A hyperparameter torch.optim refuses; ``str()`` is torch's own message."""


def check_lr(lr: float | torch.Tensor, *, nan_passes: bool = False) -> None:
    if isinstance(lr, torch.Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    check_non_negative("learning rate", lr, nan_passes=nan_passes)


def check_non_negative(name: str, value: float | torch.Tensor, *, nan_passes: bool = False) -> None:
    """``0 <= value``. torch.optim.SGD tests ``value < 0`` instead, which lets NaN through:
    ``nan_passes=True`` reproduces that."""
    invalid = value < 0.0 if nan_passes else not 0.0 <= value
    if invalid:
        raise HyperparameterError("optim.invalid", name=name, value=value)


def check_unit_interval(name: str, value: float) -> None:
    """``0 <= value <= 1`` (Adadelta's rho)."""
    if not 0.0 <= value <= 1.0:
        raise HyperparameterError("optim.invalid", name=name, value=value)


def check_beta_ranges(betas: tuple[float | torch.Tensor, float | torch.Tensor]) -> None:
    """``0 <= beta < 1`` for both coefficients."""
    for index, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise HyperparameterError("optim.invalid_beta", index=index, beta=beta)


def check_beta_types(betas: tuple[float | torch.Tensor, float | torch.Tensor], *, foreach: bool | None,
                     capturable: bool) -> None:
    """Adam/AdamW only: both betas Python floats or both 1-element tensors."""
    both_floats = all(isinstance(beta, float) for beta in betas)
    both_tensors = all(isinstance(beta, torch.Tensor) for beta in betas)
    if not (both_floats or both_tensors):
        raise ValueError("betas must be either both floats or both Tensors")
    for index, beta in enumerate(betas):
        if isinstance(beta, torch.Tensor):
            if foreach and not capturable:
                raise ValueError(
                    f"betas[{index}] as a Tensor is not supported for capturable=False and foreach=True")
            if beta.numel() != 1:
                raise ValueError(f"Tensor betas[{index}] must be 1-element")


def as_scalar(x: float | torch.Tensor) -> float | torch.Tensor:
    """A 1-element tensor hyperparameter as a 0-d tensor; anything else unchanged."""
    return x.squeeze() if isinstance(x, torch.Tensor) and x.dim() != 0 else x
