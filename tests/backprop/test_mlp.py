"""The MLP stepper: node-by-node backprop and the hand-written batch backward both equal autograd."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.backprop.graph import gradients_after
from playground.backprop.mlp import (
    ACTIVATIONS,
    LOSSES,
    Example,
    Sizes,
    TinyMLP,
    autograd_reference,
    batch,
    drawn,
    one_hot,
    param_names,
)

CASES = list(itertools.product(ACTIVATIONS, LOSSES, [Sizes(1, 1, 2), Sizes(2, 3, 2), Sizes(3, 4, 3)], [0, 7]))


def random_example(activation: str, loss: str, sizes: Sizes, seed: int) -> Example:
    rng = np.random.default_rng(seed)
    values = {name: rng.standard_normal() for name in param_names(sizes)}
    net = TinyMLP.from_values(sizes, values, activation, loss)
    y = one_hot(seed % sizes.n_out, sizes.n_out) if loss == "softmax_ce" else rng.standard_normal(sizes.n_out)
    return Example(net, rng.standard_normal(sizes.n_in), y)


@pytest.mark.parametrize("activation, loss, sizes, seed", CASES)
def test_stepper_gradients_match_autograd_on_every_node(activation, loss, sizes, seed):
    example = random_example(activation, loss, sizes, seed)
    graph = example.graph()
    manual, reference = gradients_after(graph.backward()), example.autograd()
    assert set(manual) == set(reference) == set(graph.nodes)
    assert max(abs(manual[n] - reference[n]) for n in manual) < 1e-10
    loss = autograd_reference(example.net, example.x[None], example.y[None])["L"]
    assert graph.loss.value == pytest.approx(loss.item(), abs=1e-12)


@pytest.mark.parametrize("activation, loss, sizes, seed", CASES)
def test_batch_backward_matches_torch_losses(activation, loss, sizes, seed):
    example = random_example(activation, loss, sizes, seed)
    X, Y = batch(example, m=5, seed=seed)
    net = example.net
    params = {name: torch.tensor(a, requires_grad=True) for name, a in net.params().items()}
    act = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[activation]
    O = act(torch.from_numpy(X) @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    target = torch.from_numpy(Y)
    reference = F.cross_entropy(O, target) if loss == "softmax_ce" else F.mse_loss(O, target)
    reference.backward()
    manual = net.backward(X, Y)
    assert net.forward(X, Y).loss == pytest.approx(reference.item(), abs=1e-12)
    for name, param in params.items():
        assert np.abs(manual[name] - param.grad.numpy()).max() < 1e-10, name


def test_softmax_cross_entropy_output_delta_is_p_minus_y():
    example = random_example("tanh", "softmax_ce", Sizes(2, 3, 3), seed=3)
    grads = gradients_after(example.graph().backward())
    error = example.output_error()
    P = torch.softmax(torch.from_numpy(example.net.forward(example.x[None], example.y[None]).O), dim=1)[0]
    assert np.abs(error - (P.numpy() - example.y)).max() < 1e-15
    assert [grads[f"o[{k}]"] for k in (1, 2, 3)] == pytest.approx(error.tolist(), abs=1e-12)
    assert random_example("tanh", "mse", Sizes(), 0).output_error() is None


def test_drawn_numbers_depend_only_on_seed_and_name():
    assert drawn(4, "W1[1,2]") == drawn(4, "W1[1,2]")
    assert drawn(4, "W1[1,2]") != drawn(5, "W1[1,2]")
    values = [drawn(0, n) for n in param_names(Sizes(3, 4, 3))]
    assert all(-1 <= v <= 1 and round(v, 2) == v for v in values) and len(set(values)) > 20
    small, large = Sizes(2, 2, 2), Sizes(3, 4, 3)
    net_small = TinyMLP.from_values(small, {n: drawn(1, n) for n in param_names(small)})
    net_large = TinyMLP.from_values(large, {n: drawn(1, n) for n in param_names(large)})
    assert np.array_equal(net_small.W1, net_large.W1[:2, :2])  # growing the net keeps the numbers it had


def test_from_values_places_w_ij_from_input_i_to_hidden_j():
    sizes = Sizes(2, 3, 1)
    values = {n: 0.0 for n in param_names(sizes)} | {"W1[2,3]": 5.0}
    net = TinyMLP.from_values(sizes, values, "relu", "mse")
    assert net.W1.shape == (2, 3) and net.W1[1, 2] == 5.0
    assert net.sizes == sizes


def test_one_descent_step_lowers_the_loss():
    example = random_example("sigmoid", "softmax_ce", Sizes(2, 3, 2), seed=1)
    before = example.graph().loss.value
    assert example.stepped(0.1).graph().loss.value < before
