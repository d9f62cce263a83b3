"""Models, augmentation, evaluation helpers, devices and exports."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load as load_safetensors

from playground.train import RunConfig
from playground.train.augment import flip_crop, mirror_translate_views
from playground.train.device import amp_dtype, describe, pick_device
from playground.train.evaluate import confusion_matrix, per_class_accuracy
from playground.train.export import metrics_csv, metrics_json, weights_safetensors
from playground.train.loop import RunResult, finished
from playground.train.models import FastNet, build_model


@pytest.mark.parametrize("name, shape", [("mlp", (1, 28, 28)), ("cnn", (1, 8, 8)), ("cnn", (3, 32, 32)),
                                         ("fast", (3, 32, 32)), ("fast", (1, 28, 28))])
def test_models_map_images_to_class_logits(name, shape):
    model = build_model(name, shape, 10, seed=0)
    assert model(torch.randn(4, *shape)).shape == (4, 10)


def test_the_fast_net_refuses_tiny_images_and_seeds_reproducibly():
    with pytest.raises(ValueError, match="at least 24×24"):
        build_model("fast", (1, 8, 8), 10)
    first, second = build_model("cnn", (1, 8, 8), 10, seed=1), build_model("cnn", (1, 8, 8), 10, seed=1)
    assert torch.equal(first[0].weight, second[0].weight)


def test_whitening_makes_patch_features_uncorrelated():
    net = FastNet(3, 10)
    images = torch.randn(64, 3, 16, 16) * torch.tensor([1.0, 3.0, 0.5])[:, None, None]
    images[:, 1] += images[:, 0]  # correlated channels
    net.whiten(images, eps=0.0)
    features = net.whiten_conv(images)[:, :12].permute(0, 2, 3, 1).reshape(-1, 12)
    covariance = features.T @ features / len(features)
    assert torch.allclose(covariance, torch.eye(12), atol=0.1)
    assert not net.whiten_conv.weight.requires_grad


def test_flip_crop_returns_shifted_copies_of_each_image():
    images = torch.arange(2 * 1 * 6 * 6, dtype=torch.float32).reshape(2, 1, 6, 6)
    out = flip_crop(images, pad=2, generator=torch.Generator().manual_seed(0))
    assert out.shape == images.shape
    for original, augmented in zip(images, out, strict=True):
        padded = [torch.nn.functional.pad(view[None], (2, 2, 2, 2), mode="reflect")[0]
                  for view in (original, original.flip(-1))]
        candidates = [view[:, dy:dy + 6, dx:dx + 6] for view in padded for dy in range(5) for dx in range(5)]
        assert any(torch.equal(augmented, c) for c in candidates)


def test_test_time_views_are_weighted_to_one():
    views = mirror_translate_views(torch.randn(2, 3, 8, 8))
    assert len(views) == 6 and sum(w for w, _ in views) == pytest.approx(1.0)


def test_confusion_rows_are_true_classes():
    confusion = confusion_matrix(torch.tensor([0, 0, 1, 2]), torch.tensor([0, 1, 1, 1]), 3)
    assert confusion.tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]
    assert per_class_accuracy(torch.tensor([[1, 1], [0, 0]])) == [0.5, None]


def test_device_choice_and_description():
    assert pick_device("auto").type in ("cuda", "mps", "cpu")
    assert str(describe(torch.device("cpu"))).startswith("CPU (")
    with pytest.raises(ValueError, match="unknown device"):
        pick_device("tpu")


def test_mixed_precision_is_bfloat16_where_the_gpu_supports_it_else_float16(monkeypatch):
    assert amp_dtype(torch.device("cpu")) is None
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: True)
    assert amp_dtype(torch.device("cuda")) == torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: False)
    assert amp_dtype(torch.device("cuda")) == torch.float16


def test_exports_hold_the_metrics_and_the_weights():
    state = {"w": torch.ones(2, 3), "b": torch.zeros(3)}
    cpu = describe(torch.device("cpu"))
    result = RunResult(RunConfig(), "finished", finished(1, 2.0, 0.6), cpu, ("a", "b"), epochs=[
        {"epoch": 1, "train_loss": 1.0, "train_accuracy": 0.5, "test_loss": 0.9, "test_accuracy": 0.6,
         "lr": 0.1, "seconds": 2.0, "images_per_s": 100.0}], confusion=[[3, 1], [0, 2]], state_dict=state,
        grad_norms=[(5, (("conv 1", 0.25), ("linear 2", 1.5)))])
    assert metrics_csv(result).splitlines()[1].startswith("1,1.0,0.5,0.9,0.6,,0.1,2.0,100.0")
    document = json.loads(metrics_json(result))
    assert document["per_class_accuracy"] == [0.75, 1.0] and document["config"]["optimizer"] == "Adam"
    # the run's words in English, as the command line prints them
    assert document["message"] == "Finished 1 epoch in 2 s: test accuracy 60.0%."
    assert document["device"].startswith("CPU (")
    assert document["grad_norms"] == [{"step": 5, "conv 1": 0.25, "linear 2": 1.5}]
    assert torch.equal(load_safetensors(weights_safetensors(result))["w"], state["w"])
