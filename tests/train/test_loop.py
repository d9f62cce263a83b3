"""The training function: accuracy reached, parity of our optimizers with torch.optim, and every
way a run can end (finished, stopped, diverged, out of memory, early-stopped)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
import torch

from playground.datasets import load
from playground.datasets.images import ImageSet
from playground.train import RunConfig, loop, train
from playground.train.presets import preset
from tests.train.fakes import write_mnist


@pytest.fixture(scope="module")
def digits():
    return load("digits")


def test_digits_mlp_preset_reaches_95_percent(digits):
    result = train(preset("digits-mlp"), data=digits)
    assert result.status == "finished"
    assert result.test_accuracy >= 0.95
    assert len(result.epochs) == 15 and result.seconds_to(0.95) is not None


def test_generated_mnist_format_set_is_learned(tmp_path):
    data = load("mnist", root=write_mnist(tmp_path / "data" / "mnist", train=600, test=200).parent)
    result = train(RunConfig(dataset="mnist", epochs=3, lr=2e-3), data=data)
    assert result.test_accuracy >= 0.9
    assert sum(map(sum, result.confusion)) == 200
    assert result.epochs[-1]["images_per_s"] > 0


@pytest.mark.parametrize("optimizer", ["SGD", "Momentum", "NAG", "RMSprop", "Adam", "AdamW"])
def test_our_optimizers_match_torch_optim_on_a_fixed_seed(digits, optimizer):
    adaptive = "Adam" in optimizer or optimizer == "RMSprop"
    config = RunConfig(optimizer=optimizer, lr=0.01 if adaptive else 0.1, epochs=2, weight_decay=1e-4,
                         seed=3, device="cpu")
    ours = train(config, data=digits)
    theirs = train(replace(config, backend="torch"), data=digits)
    for mine, reference in zip(ours.epochs, theirs.epochs, strict=True):
        assert mine["test_loss"] == pytest.approx(reference["test_loss"], rel=1e-4)
        assert mine["train_loss"] == pytest.approx(reference["train_loss"], rel=1e-4)
    assert torch.allclose(ours.state_dict["1.weight"], theirs.state_dict["1.weight"], atol=1e-5)


def test_cpu_runs_are_deterministic(digits):
    config = RunConfig(epochs=1, dropout=0.2, seed=7, device="cpu")
    first, second = train(config, data=digits), train(config, data=digits)
    assert first.epochs[0]["test_loss"] == second.epochs[0]["test_loss"]
    assert all(torch.equal(first.state_dict[k], second.state_dict[k]) for k in first.state_dict)


def test_a_seeded_run_with_dropout_reproduces_while_other_runs_train_beside_it(digits):
    config = RunConfig(epochs=1, dropout=0.3, seed=7, device="cpu")
    solo = train(config, data=digits).state_dict
    beside: list[dict] = []
    start = threading.Barrier(3)

    def session() -> None:
        start.wait()
        beside.append(train(config, data=digits).state_dict)

    threads = [threading.Thread(target=session) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(beside) == 3
    assert all(torch.equal(run[k], solo[k]) for run in beside for k in solo)


def test_stop_request_ends_the_run_at_the_next_step(digits):
    seen = []  # digits has fewer than 20 steps an epoch, so every step is reported
    result = train(RunConfig(epochs=50), data=digits, callback=seen.append,
                   should_stop=lambda: bool(seen) and seen[-1].step >= 3)
    assert result.status == "stopped" and "during training at step 3 (epoch 1)" in str(result.message)
    assert result.epochs == [] and result.state_dict  # the weights so far are kept


def test_stop_during_the_evaluation_of_a_large_test_set_ends_within_a_batch(digits):
    generator = torch.Generator().manual_seed(0)
    test_x = torch.randint(0, 256, (50_000, 1, 8, 8), dtype=torch.uint8, generator=generator)
    test_y = torch.randint(0, 10, (50_000,), generator=generator)
    large = replace(digits.subset(train=256), test_x=test_x, test_y=test_y)
    asked = []

    def stop_once_trained(progress):  # the epoch's last step: its evaluation comes next
        if progress.kind == "step" and progress.step == progress.total_steps:
            asked.append(time.perf_counter())

    result = train(RunConfig(epochs=1, batch_size=64), data=large, callback=stop_once_trained,
                   should_stop=lambda: bool(asked))
    assert time.perf_counter() - asked[0] < 1.0
    assert result.status == "stopped" and "during evaluation at step 4 (epoch 1)" in str(result.message)
    assert result.epochs == [] and result.state_dict


def test_stop_before_training_began_takes_no_step(digits):
    seen = []
    result = train(RunConfig(epochs=50), data=digits, callback=seen.append, should_stop=lambda: True)
    assert result.status == "stopped" and "before training began" in str(result.message)
    assert seen == [] and result.steps == []


def test_float16_with_loss_scaling_trains_as_on_an_older_gpu(digits, monkeypatch):
    monkeypatch.setattr(loop, "amp_dtype", lambda device: torch.float16)  # CPU autocast has float16 too
    result = train(RunConfig(epochs=3, lr=3e-3, clip=1.0, device="cpu"), data=digits)
    assert result.status == "finished" and result.test_accuracy >= 0.9


def test_a_diverging_learning_rate_stops_with_a_clear_message(digits):
    result = train(RunConfig(optimizer="SGD", lr=1e6, epochs=3), data=digits)
    assert result.status == "diverged"
    message = str(result.message)
    assert "diverged" in message and "try 100000" in message and "clipping" in message


def test_out_of_memory_is_reported_with_a_smaller_batch_hint(digits):
    def explode(progress):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    result = train(RunConfig(batch_size=512), callback=explode, data=digits)
    assert result.status == "failed"
    assert "Out of memory" in str(result.message) and "256 or less" in str(result.message)


def test_early_stopping_watches_a_validation_split_and_restores_the_best_weights(digits):
    # random labels: the network can only memorise, so the held-out loss rises after a few epochs
    noisy = replace(digits.subset(train=300), train_y=torch.randint(0, 10, (300,), generator=torch.Generator()
                                                                     .manual_seed(0)))
    result = train(RunConfig(epochs=40, lr=1e-2, patience=2, hidden=(256,)), data=noisy)
    assert result.status == "early-stopped" and "restored epoch" in str(result.message)
    assert len(result.epochs) < 40 and all("val_loss" in epoch for epoch in result.epochs)


def test_every_regularizer_and_schedule_switch_trains(digits):
    config = RunConfig(model="cnn", epochs=2, l1=1e-5, l2=1e-4, dropout=0.3, batchnorm=True, clip=1.0,
                         augment=True, tta=True, label_smoothing=0.1, schedule="cosine", max_train=300,
                         max_test=100, optimizer="Momentum", lr=0.05)
    result = train(config, data=digits)
    assert result.status == "finished" and len(result.epochs) == 2
    assert result.epochs[-1]["lr"] < 0.05 * 0.5  # cosine has annealed
    assert sum(map(sum, result.confusion)) == 100


def bright_or_dark(count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """24×24 noise images (the smallest the fast net takes), class 1 brighter: an easy task."""
    labels = torch.randint(0, 2, (count,), generator=generator)
    images = torch.randint(0, 100, (count, 1, 24, 24), dtype=torch.uint8, generator=generator)
    images[labels == 1] += 120
    return images, labels


def test_fast_cifar_net_learns_an_easy_task_on_small_images():
    generator = torch.Generator().manual_seed(0)
    data = ImageSet("easy", *bright_or_dark(96, generator), *bright_or_dark(64, generator),
                    ("dark", "bright"))
    # the recipe at batch 16 instead of 1,024: the learning rate scaled down with the batch
    config = replace(preset("cifar10-fast"), dataset="mnist", epochs=2, batch_size=16, lr=1.5 * 16 / 1024)
    result = train(config, data=data)
    assert result.status == "finished" and result.test_accuracy >= 0.95
    assert result.steps[-1]["loss"] < result.steps[0]["loss"]


def test_mistakes_agree_with_the_confusion_matrix(digits):
    result = train(RunConfig(epochs=1), data=digits)
    confusion = torch.tensor(result.confusion)
    wrong = int(confusion.sum() - confusion.trace())
    assert len(result.mistakes) == min(wrong, 36)
    for mistake in result.mistakes:
        assert mistake["true"] != mistake["predicted"]
        assert digits.test_y[mistake["index"]] == mistake["true"]
    assert result.per_class_accuracy[0] == pytest.approx(float(confusion[0, 0] / confusion[0].sum()))


@pytest.mark.parametrize("change, message", [
    (dict(optimizer="Adamw"), "unknown optimizer 'Adamw'"),
    (dict(lr=float("nan")), "learning rate must be a positive number"),
    (dict(dropout=1.0), "dropout"),
    (dict(model="resnet152"), "unknown model"),
    (dict(model="fast"), "the fast CIFAR net needs images of at least 24×24 pixels; digits are 8×8"),
    pytest.param(dict(device="cuda"), "no CUDA device",
                 marks=pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")),
])
def test_bad_settings_are_refused_with_a_readable_message(digits, change, message):
    with pytest.raises(ValueError, match=message):
        train(replace(RunConfig(), **change), data=digits)


def test_l1_means_on_training_runs_what_it_means_in_the_lab(digits):
    """The proximal step lands weights on exactly zero; the subgradient penalty never does; and
    neither touches a bias."""
    base = RunConfig(optimizer="SGD", lr=0.1, epochs=1, l1=1e-2, seed=0, device="cpu")

    def zeros(kind: str, of_rank: int) -> int:
        state = train(replace(base, l1_kind=kind), data=digits).state_dict
        return sum(int((tensor == 0).sum()) for tensor in state.values() if tensor.dim() == of_rank)

    assert zeros("proximal", 2) > 100 and zeros("penalty", 2) == 0
    assert zeros("proximal", 1) == 0


@pytest.mark.parametrize(("seconds", "shown"), [(0.02134, "0.0213 s"), (1.0, "1 s"), (12.345, "12.3 s"),
                                                (3600.4, "3,600 s")])
def test_durations_keep_three_significant_digits_and_never_read_zero(seconds, shown):
    assert loop.seconds_text(seconds) == shown
