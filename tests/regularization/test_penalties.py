"""L1/L2 penalties: which parameters they see, their values and gradients, and the L1 proximal step."""

from __future__ import annotations

import torch
from torch import nn

from playground.regularization import l1_penalty, l2_penalty
from playground.regularization.penalties import soft_threshold_


def small_net() -> nn.Module:
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0]]))
        net[3].weight.copy_(torch.tensor([[2.0, -1.0, 0.5]]))
        net[0].bias.fill_(10.0)  # biases and batchnorm scales must not count
        net[1].weight.fill_(7.0)
    return net


def test_penalties_sum_weight_matrices_only():
    net = small_net()
    assert l1_penalty(net).item() == 1 + 2 + 0.5 + 0 + 1 + 3 + 2 + 1 + 0.5
    assert l2_penalty(net).item() == 1 + 4 + 0.25 + 0 + 1 + 9 + 4 + 1 + 0.25


def test_l2_gradient_is_two_w_without_a_half():
    net = small_net()
    l2_penalty(net).backward()
    assert torch.equal(net[0].weight.grad, 2 * net[0].weight.detach())
    assert net[0].bias.grad is None and net[1].weight.grad is None


def test_soft_threshold_zeroes_small_weights_and_shrinks_the_rest():
    net = small_net()
    soft_threshold_(net, 0.75)
    assert net[0].weight.tolist() == [[0.25, -1.25], [0.0, 0.0], [-0.25, 2.25]]
    assert net[0].bias.tolist() == [10.0] * 3  # untouched
