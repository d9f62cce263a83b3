"""The MNIST-1D paper's models and recipe: each model's output and size as in the paper's code, the
pairings a run refuses (and why, in words), a short MLP run far above chance, and the paper's table
beside the best of a session's runs."""

from __future__ import annotations

import pytest
import torch

from playground.datasets import load
from playground.i18n import SettingsError
from playground.train import RunConfig, train
from playground.train.loop import RunResult
from playground.train.models import build_model
from playground.train.paper import best_accuracies, paper_accuracy
from playground.train.presets import preset


@pytest.mark.parametrize("model, hidden, parameters", [
    ("linear", (), 40 * 10 + 10),
    ("mlp", (100, 100), (40 * 100 + 100) + (100 * 100 + 100) + (100 * 10 + 10)),
    ("cnn1d", (), (5 * 25 + 25) + 2 * (3 * 25 * 25 + 25) + (25 * 5 * 10 + 10)),  # 40 → 19 → 10 → 5 positions
    ("gru", (), 2 * 3 * (6 * 1 + 6 * 6 + 6 + 6) + (2 * 6 * 40 * 10 + 10)),  # both directions, then 480 → 10
])
def test_each_model_of_the_paper_gives_ten_logits_with_the_papers_parameter_count(model, hidden, parameters):
    net = build_model(model, (1, 1, 40), 10, hidden=hidden, seed=0)
    assert net(torch.randn(7, 1, 1, 40)).shape == (7, 10)
    assert sum(p.numel() for p in net.parameters()) == parameters  # 410, 15,210, 5,210, 5,134


@pytest.mark.parametrize("settings, english, chinese", [
    (dict(dataset="mnist1d", model="cnn"),
     "the Small CNN works on images, and mnist1d holds 1-D signals: use logistic regression, the MLP, the "
     "1-D CNN or the GRU",
     "小型 CNN 只能用于图像，而 mnist1d 是一维信号：请改用逻辑回归、MLP、一维 CNN 或 GRU"),
    (dict(dataset="digits", model="gru"),
     "the Bidirectional GRU (MNIST-1D paper) reads 1-D signals, and digits holds images: use it on mnist1d "
     "or mnist1d_shuffled",
     "双向 GRU（MNIST-1D 论文） 读取的是一维信号，而 digits 是图像："
     "请在 mnist1d 或 mnist1d_shuffled 上使用它"),
    (dict(dataset="mnist1d_shuffled", model="mlp", tta=True),
     "flips and shifts (augmentation and test-time augmentation) are for images, and mnist1d_shuffled holds "
     "1-D signals, where a mirrored signal is another digit's: turn them off",
     "翻转和平移（数据增强和测试时增强）是给图像用的，而 mnist1d_shuffled 是一维信号，镜像翻转后的信号就成了"
     "另一个数字的信号：请把它们关掉"),
    (dict(dataset="digits", model="fast"),
     "the fast CIFAR net needs images of at least 24×24 pixels; digits are 8×8: use the MLP or the CNN",
     "快速 CIFAR 网络需要至少 24×24 像素的图像，而 digits 只有 8×8：请改用 MLP 或 CNN"),
])
def test_a_run_refuses_a_model_or_augmentation_its_data_cannot_take(settings, english, chinese):
    with pytest.raises(SettingsError) as refused:
        RunConfig(**settings).validate()
    assert (str(refused.value), refused.value.said.text("zh")) == (english, chinese)


def test_logistic_regression_also_trains_on_images_as_a_baseline():
    RunConfig(dataset="digits", model="linear").validate()
    assert build_model("linear", (1, 8, 8), 10, seed=0)(torch.zeros(2, 1, 8, 8)).shape == (2, 10)


def test_a_few_epochs_of_the_papers_mlp_score_far_above_chance():
    result = train(preset("mnist1d-mlp", epochs=4, device="cpu"), data=load("mnist1d"))
    assert result.status == "finished" and result.test_accuracy > 0.4  # chance: 0.1
    assert len(result.mistakes) == 36 and result.classes == tuple("0123456789")


def result(model: str, dataset: str, accuracy: float, status: str = "finished") -> RunResult:
    epochs = [{"test_accuracy": accuracy}]
    return RunResult(RunConfig(dataset=dataset, model=model), status, "", None, epochs=epochs)


def test_beside_the_paper_stands_the_best_finished_run_of_each_model_and_variant():
    runs = [result("cnn1d", "mnist1d", 0.91), result("cnn1d", "mnist1d", 0.93),
            result("cnn1d", "mnist1d", 0.99, status="stopped"),  # stopped early: not a finished run
            result("cnn1d", "mnist1d_shuffled", 0.55), result("mlp", "mnist1d", 0.64, status="early-stopped"),
            result("mlp", "digits", 0.97)]  # another dataset: not in the table
    assert best_accuracies(runs) == {("cnn1d", "mnist1d"): 0.93, ("cnn1d", "mnist1d_shuffled"): 0.55,
                                     ("mlp", "mnist1d"): 0.64}
    assert (paper_accuracy("cnn1d", "mnist1d"), paper_accuracy("cnn1d", "mnist1d_shuffled")) == (0.94, 0.56)
    assert (paper_accuracy("gru", "mnist1d"), paper_accuracy("linear", "mnist1d_shuffled")) == (0.91, 0.32)
