"""The CNNs' channel counts as a setting of a run: the convolutions are built that wide on images and
on MNIST-1D signals, counts a model cannot take are refused in words, a short run trains with them,
its record keeps them, and its model is rebuilt with them for the FGSM attack."""

from __future__ import annotations

import json
import re

import pytest
import torch
from torch import nn

from playground.datasets import load
from playground.i18n import SettingsError
from playground.train import RunConfig, train
from playground.train.__main__ import config_from, main, parser
from playground.train.attack import trained_model
from playground.train.models import build_model, parse_channels


def conv_widths(net: nn.Module) -> list[int]:
    return [layer.out_channels for layer in net.modules() if isinstance(layer, nn.Conv1d | nn.Conv2d)]


@pytest.mark.parametrize("channels", [(16,), (8, 16, 32)])
def test_the_small_cnn_has_convolutions_of_the_given_widths_even_three_on_8x8_digits(channels):
    net = build_model("cnn", (1, 8, 8), 10, channels=channels, seed=0)
    assert conv_widths(net) == list(channels)
    assert net(torch.zeros(5, 1, 8, 8)).shape == (5, 10)  # three stages: 8 → 4 → 2 → 1


def test_the_1d_cnn_takes_its_three_widths_and_keeps_the_papers_when_none_are_given():
    net = build_model("cnn1d", (1, 1, 40), 10, channels=(8, 16, 32), seed=0)
    assert conv_widths(net) == [8, 16, 32]
    assert net(torch.zeros(5, 1, 1, 40)).shape == (5, 10)
    assert conv_widths(build_model("cnn1d", (1, 1, 40), 10, seed=0)) == [25, 25, 25]
    assert conv_widths(build_model("cnn", (3, 32, 32), 10, seed=0)) == [32, 64]


def test_models_without_sized_convolutions_ignore_the_channels():
    mlp = build_model("mlp", (1, 8, 8), 10, hidden=(16,), channels=(8, 8, 8, 8), seed=0)
    assert conv_widths(mlp) == [] and mlp(torch.zeros(2, 1, 8, 8)).shape == (2, 10)
    RunConfig(dataset="mnist1d", model="gru", channels=(999,)).validate()


@pytest.mark.parametrize("model, dataset, channels, english, chinese", [
    ("cnn", "digits", (0, 64), "each convolution takes 1 to 256 channels, got [0, 64]",
     "每个卷积层需要 1 到 256 个通道，现在是 [0, 64]"),
    ("cnn", "digits", (300,), "each convolution takes 1 to 256 channels, got [300]",
     "每个卷积层需要 1 到 256 个通道，现在是 [300]"),
    ("cnn", "digits", (8, 8, 8, 8),
     "the Small CNN takes 1 to 3 channel counts, one per convolution stage, not 4",
     "小型 CNN 需要 1 到 3 个通道数（每个卷积阶段一个），而不是 4 个"),
    ("cnn1d", "mnist1d", (8, 16),
     "the 1-D CNN (MNIST-1D paper) has exactly 3 convolutions: give 3 channel counts, not 2",
     "一维 CNN（MNIST-1D 论文） 正好有 3 个卷积层：请给出 3 个通道数，而不是 2 个"),
], ids=["zero", "too-many-channels", "four-stages", "two-of-three"])
def test_counts_a_model_cannot_take_are_refused_in_words(model, dataset, channels, english, chinese):
    with pytest.raises(SettingsError) as refused:
        RunConfig(dataset=dataset, model=model, channels=channels).validate()
    assert (str(refused.value), refused.value.said.text("zh")) == (english, chinese)
    with pytest.raises(SettingsError, match=re.escape(english)):
        build_model(model, (1, 8, 8) if dataset == "digits" else (1, 1, 40), 10, channels=channels)


def test_typed_counts_are_read_like_hidden_widths_and_letters_are_refused():
    assert parse_channels("cnn", " 8, 16 ") == (8, 16) and parse_channels("cnn1d", "") == ()
    with pytest.raises(SettingsError, match="whole numbers separated by commas, like 32, 64"):
        parse_channels("cnn", "8,x")


def test_a_short_digits_run_trains_with_its_channels_and_keeps_them():
    config = RunConfig(dataset="digits", model="cnn", channels=(8, 16), epochs=1, max_train=256, max_test=64,
                       device="cpu", lr=3e-3)
    result = train(config, data=load("digits"))
    assert result.status == "finished" and result.epochs[-1]["test_accuracy"] > 0.1
    weights = result.state_dict
    assert weights["0.weight"].shape == (8, 1, 3, 3) and weights["3.weight"].shape == (16, 8, 3, 3)
    restored = RunConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert restored == config and restored.channels == (8, 16)
    model, prepare, data = trained_model(result, load("digits"))  # the attack's rebuild loads the weights
    assert conv_widths(model) == [8, 16]
    correct = (model(prepare(data.test_x.float())).argmax(1) == data.test_y).float().mean().item()
    assert correct == pytest.approx(result.test_accuracy)


def test_the_command_line_takes_channels_and_refuses_counts_the_model_cannot_take(capsys):
    args = parser().parse_args(["--model", "cnn", "--dataset", "digits", "--channels", "8, 16,32"])
    assert config_from(args).channels == (8, 16, 32)
    assert config_from(parser().parse_args([])).channels == ()
    assert main(["--dataset", "mnist1d", "--model", "cnn1d", "--channels", "8,16"]) == 2
    assert "give 3 channel counts, not 2" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser().parse_args(["--channels", "8,x"])
    assert "--channels" in capsys.readouterr().err
