r"""L1 and L2 weight penalties, as every page applies them.

L2 adds :math:`\lambda\sum w^2` to the loss. L1 comes in two kinds, both offered because the
difference teaches something (:data:`L1_KINDS`): the *penalty* adds :math:`\lambda\sum|w|` to the
loss, whose subgradient λ·sign(w) makes small weights jitter around zero; the *proximal step*
soft-thresholds the weights after each optimizer step (ISTA), which lands them on exactly zero.

No factor ½: the L2 gradient is :math:`2\lambda w`, so an L2 strength λ here equals
``weight_decay = 2λ`` in SGD (whose decay adds :math:`\lambda w` to the gradient, the
gradient of :math:`\tfrac{\lambda}{2}\sum w^2`).

Only weight matrices and convolution kernels are penalised (parameters with two or more
dimensions, nanoGPT's rule), never biases or normalization scales and shifts: shrinking those
does not reduce the model's capacity to fit noise, it only shifts or rescales activations.
"""

from __future__ import annotations

import torch

#: The two ways to apply L1, by the names the pages show.
L1_KINDS = {"proximal": "L1 proximal step (exact zeros)", "penalty": "L1 penalty (subgradient)"}


def penalized_weights(model: torch.nn.Module) -> list[torch.Tensor]:
    """The parameters a penalty applies to: weight matrices and kernels (``ndim >= 2``)."""
    return [p for p in model.parameters() if p.dim() >= 2]


def l1_penalty(model: torch.nn.Module) -> torch.Tensor:
    r""":math:`\sum |w|` over the weight matrices of ``model`` (multiply by λ yourself)."""
    return _total(w.abs().sum() for w in penalized_weights(model))


def l2_penalty(model: torch.nn.Module) -> torch.Tensor:
    r""":math:`\sum w^2` over the weight matrices of ``model`` (no ½; multiply by λ yourself)."""
    return _total(w.pow(2).sum() for w in penalized_weights(model))


def check_l1_kind(kind: str) -> None:
    if kind not in L1_KINDS:
        raise ValueError(f"unknown L1 kind {kind!r}; choose from {', '.join(L1_KINDS)}")


def loss_terms(model: torch.nn.Module, l1: float, l2: float, l1_kind: str) -> torch.Tensor | None:
    r"""What the penalties add to the data loss: :math:`\lambda_2\sum w^2`, plus
    :math:`\lambda_1\sum|w|` for the L1 *penalty*; None when nothing is added."""
    terms = []
    if l2:
        terms.append(l2 * l2_penalty(model))
    if l1 and l1_kind == "penalty":
        terms.append(l1 * l1_penalty(model))
    return sum(terms[1:], terms[0]) if terms else None


def after_step_(model: torch.nn.Module, lr: float, l1: float, l1_kind: str) -> None:
    """What follows each optimizer step: the L1 proximal step at the step's learning rate."""
    if l1 and l1_kind == "proximal":
        soft_threshold_(model, lr * l1)


def _total(terms) -> torch.Tensor:
    # stack keeps the weights' dtype and device; a model without weights has zero penalty
    terms = list(terms)
    return torch.stack(terms).sum() if terms else torch.zeros(())


@torch.no_grad()
def soft_threshold_(model: torch.nn.Module, threshold: float) -> None:
    r"""The proximal step of :math:`\lambda\sum|w|`, in place:
    :math:`w \leftarrow \operatorname{sign}(w)\max(|w| - t, 0)` with :math:`t = \eta\lambda`.

    A plain subgradient step on :math:`\lambda|w|` overshoots zero and makes weights jitter
    around it, so they are never *exactly* zero. Soft-thresholding after each optimizer step
    (proximal gradient descent, ISTA) snaps every weight smaller than the threshold to 0.
    """
    for w in penalized_weights(model):
        w.copy_(w.sign() * (w.abs() - threshold).clamp_min(0.0))
