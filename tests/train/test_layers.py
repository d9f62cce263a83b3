"""What a run reports from inside the network: each layer's gradient norm (the gradient the optimizer
steps with, before clipping, named in forward order), and the first convolution's filters after
every epoch."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F

from playground.datasets import load
from playground.train import RunConfig, loop, train
from playground.train.device_data import DeviceData
from playground.train.distributed import train_data_parallel
from playground.train.layers import Layers, kind
from playground.train.models import build_model

# one batch of the 64 first digits: a one-step epoch, whose step is the run's first report
ONE_STEP = RunConfig(dataset="digits", model="cnn", epochs=1, batch_size=64, max_train=64, max_test=64,
                     device="cpu")


@pytest.fixture(scope="module")
def digits():
    return load("digits")


def _learning(module: torch.nn.Module) -> list[torch.nn.Parameter]:
    return [p for p in module.parameters(recurse=False) if p.requires_grad]


def _by_hand(config: RunConfig, data) -> list[float]:
    """Each parametrised layer's gradient norm at the first step, from ``.grad`` of the same model on
    the same (whole, one-batch) training set."""
    model = build_model(config.model, data.shape, len(data.classes), seed=config.seed)
    prepared = DeviceData(data.subset(config.max_train, config.max_test), torch.device("cpu"))
    F.cross_entropy(model(prepared.prepare(prepared.train_x)), prepared.train_y).backward()
    return [math.sqrt(sum(float(p.grad.square().sum()) for p in _learning(module)))
            for module in model.modules() if _learning(module)]


def test_each_layers_reported_norm_is_its_gradients_norm_after_the_step(digits):
    reports = []
    result = train(ONE_STEP, callback=reports.append, data=digits)
    steps = [report for report in reports if report.kind == "step"]
    assert [report.step for report in steps] == [1]
    names = [name for name, _ in steps[0].grad_norms]
    assert names == ["conv 1", "conv 2", "linear 3", "linear 4"]
    reported = [norm for _, norm in steps[0].grad_norms]
    assert reported == pytest.approx(_by_hand(ONE_STEP, digits), rel=1e-4)
    assert result.grad_norms == [(1, steps[0].grad_norms)]  # the history the finished run shows


def test_the_norms_are_measured_before_clipping(digits):
    clipped = train(replace(ONE_STEP, clip=1e-3), data=digits)
    (step, norms), = clipped.grad_norms
    assert [norm for _, norm in norms] == pytest.approx(_by_hand(ONE_STEP, digits), rel=1e-4)
    assert math.hypot(*(norm for _, norm in norms)) > 100 * 1e-3  # far above the clipped length


def test_under_float16_loss_scaling_the_norms_are_of_the_true_unscaled_gradient(digits, monkeypatch):
    monkeypatch.setattr(loop, "amp_dtype", lambda device: torch.float16)  # CPU autocast has float16 too
    (step, norms), = train(ONE_STEP, data=digits).grad_norms
    assert [norm for _, norm in norms] == pytest.approx(_by_hand(ONE_STEP, digits), rel=0.05)  # not 65,536×


@pytest.mark.parametrize("name, shape", [("mlp", (1, 8, 8)), ("cnn", (3, 32, 32)), ("cnn1d", (1, 1, 40)),
                                         ("gru", (1, 1, 40)), ("fast", (3, 32, 32))])
def test_layers_are_named_in_forward_order_one_per_parametrised_module(name, shape):
    model = build_model(name, shape, 10, batchnorm=name == "mlp", seed=0)
    ran: list[torch.nn.Module] = []
    for module in model.modules():
        module.register_forward_hook(lambda module, *_: ran.append(module))
    model.train()(torch.zeros(2, *shape))
    # a module's hook fires when its own forward ends: containers after their layers, so keep
    # the first call of each module that owns parameters that learn
    owners = list(dict.fromkeys(module for module in ran if _learning(module)))
    names = Layers(model).names
    assert len(owners) == sum(1 for module in model.modules() if _learning(module))
    assert names == [f"{kind(module)} {number}" for number, module in enumerate(owners, 1)]
    assert kind(owners[0]) == ("conv" if name in ("cnn", "cnn1d", "fast") else name.replace("mlp", "linear"))


def test_a_cnn_reports_its_first_convolutions_filters_after_every_epoch(digits):
    reports = []
    result = train(replace(ONE_STEP, epochs=2, max_train=256), callback=reports.append, data=digits)
    epochs = [report for report in reports if report.kind == "epoch"]
    assert [report.filters is not None for report in epochs] == [True, True]
    assert all(report.filters is None for report in reports if report.kind == "step")
    final = result.state_dict["0.weight"]
    assert result.filters == epochs[-1].filters and result.filters.layer == "conv 1"
    assert result.filters.shape == tuple(final.shape) == (32, 1, 3, 3)
    assert torch.equal(torch.from_numpy(result.filters.array()), final)
    assert not torch.equal(torch.from_numpy(epochs[0].filters.array()), final)  # the second epoch moved them


def test_networks_that_do_not_start_with_a_convolution_report_no_filters(digits):
    reports = []
    result = train(replace(ONE_STEP, model="mlp"), callback=reports.append, data=digits)
    assert result.filters is None and all(report.filters is None for report in reports)
    assert [name for name, _ in result.grad_norms[0][1]] == ["linear 1", "linear 2"]


def test_the_fast_net_shows_its_first_convolution_that_learns_not_the_frozen_whitening():
    layers = Layers(build_model("fast", (3, 32, 32), 10, seed=0))
    filters = layers.filters()
    assert layers.names[:2] == ["conv 1", "conv 2"]  # the whitening conv counts for its bias
    assert filters is not None and filters.layer == "conv 2" and filters.shape == (64, 24, 3, 3)
    signal = Layers(build_model("cnn1d", (1, 1, 40), 10, seed=0)).filters()
    assert signal is not None and signal.shape == (25, 1, 5)


def test_a_data_parallel_run_reports_the_whole_batchs_norms_from_rank_zero(digits):
    config = replace(ONE_STEP, max_train=128)
    reports = []
    parallel = train_data_parallel(replace(config, nproc=2), callback=reports.append)
    alone = train(config, data=digits)
    assert parallel.status == "finished", parallel.message
    first = next(report for report in reports if report.kind == "step")
    assert [name for name, _ in first.grad_norms] == [name for name, _ in alone.grad_norms[0][1]]
    assert [norm for _, norm in first.grad_norms] == pytest.approx(
        [norm for _, norm in alone.grad_norms[0][1]], rel=1e-4)
    assert parallel.filters is not None and parallel.filters.shape == (32, 1, 3, 3)
