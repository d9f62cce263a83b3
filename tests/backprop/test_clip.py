"""Our gradient clipping equals torch.nn.utils' in float64."""

from __future__ import annotations

import pytest
import torch

from playground.backprop.clip import clip, clip_grad_norm, clip_grad_value, global_norm


def params_with_grads(seed: int) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    params = [torch.zeros(shape, dtype=torch.float64, requires_grad=True) for shape in [(3, 4), (4,), (2, 2)]]
    for p in params:
        p.grad = torch.randn(p.shape, generator=gen, dtype=torch.float64) * 3
    return params


@pytest.mark.parametrize("max_norm", [0.5, 2.0, 1e3])
def test_clip_by_norm_matches_torch(max_norm):
    ours, theirs = params_with_grads(0), params_with_grads(0)
    before = clip_grad_norm(ours, max_norm)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    assert before == pytest.approx(float(expected), abs=1e-12)
    for a, b in zip(ours, theirs, strict=True):
        assert torch.allclose(a.grad, b.grad, atol=1e-14, rtol=0)
    assert global_norm(ours) <= max_norm + 1e-9


def test_clip_by_value_matches_torch():
    ours, theirs = params_with_grads(1), params_with_grads(1)
    clip_grad_value(ours, 0.7)
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for a, b in zip(ours, theirs, strict=True):
        assert torch.equal(a.grad, b.grad)


def test_clip_dispatches_and_rejects_unknown_modes():
    params = params_with_grads(2)
    before = [p.grad.clone() for p in params]
    clip(params, "none", 0.1)
    assert all(torch.equal(p.grad, b) for p, b in zip(params, before, strict=True))
    clip(params, "value", 0.1)
    assert max(p.grad.abs().max().item() for p in params) <= 0.1
    with pytest.raises(ValueError, match="clipping mode"):
        clip(params, "sideways", 1.0)
