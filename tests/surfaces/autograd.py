"""The check both surface suites make: value and analytic gradient against torch autograd."""

from __future__ import annotations

import numpy as np
import torch

from playground.surfaces import Surface


def assert_matches_autograd(surface: Surface, x: np.ndarray, y: np.ndarray, atol: float) -> None:
    """``surface``'s numpy value and gradient at (x, y) equal torch's value and autograd gradient."""
    tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    value = surface.value(tx, ty)
    value.sum().backward()
    gx, gy = surface.grad(x, y)
    np.testing.assert_allclose(value.detach().numpy(), surface.value(x, y), rtol=1e-12)
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-8, atol=atol)
    np.testing.assert_allclose(gy, ty.grad.numpy(), rtol=1e-8, atol=atol)
