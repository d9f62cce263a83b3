r"""L1 and L2 weight penalties, added to the loss as :math:`\lambda\sum|w|` and :math:`\lambda\sum w^2`.

No factor ½: the L2 gradient is :math:`2\lambda w`, so an L2 strength λ here equals
``weight_decay = 2λ`` in SGD (whose decay adds :math:`\lambda w` to the gradient, the
gradient of :math:`\tfrac{\lambda}{2}\sum w^2`).

Only weight matrices and convolution kernels are penalised (parameters with two or more
dimensions, nanoGPT's rule), never biases or normalization scales and shifts: shrinking those
does not reduce the model's capacity to fit noise, it only shifts or rescales activations.
"""

from __future__ import annotations

import torch


def penalized_weights(model: torch.nn.Module) -> list[torch.Tensor]:
    """The parameters a penalty applies to: weight matrices and kernels (``ndim >= 2``)."""
    return [p for p in model.parameters() if p.dim() >= 2]


def l1_penalty(model: torch.nn.Module) -> torch.Tensor:
    r""":math:`\sum |w|` over the weight matrices of ``model`` (multiply by λ yourself)."""
    return _total(w.abs().sum() for w in penalized_weights(model))


def l2_penalty(model: torch.nn.Module) -> torch.Tensor:
    r""":math:`\sum w^2` over the weight matrices of ``model`` (no ½; multiply by λ yourself)."""
    return _total(w.pow(2).sum() for w in penalized_weights(model))


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
