"""A stop asked for during one long step (a big batch) lands inside that step, not after it."""

from __future__ import annotations

import time

import torch

from playground.datasets.images import ImageSet
from playground.train import RunConfig, train
from playground.train.models import build_model


def noise(count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` CIFAR-sized images of noise and their random labels."""
    return (torch.randint(0, 256, (count, 3, 32, 32), dtype=torch.uint8, generator=generator),
            torch.randint(0, 10, (count,), generator=generator))


def test_a_stop_during_a_long_step_ends_it_at_once_and_keeps_the_weights_from_before_it():
    generator = torch.Generator().manual_seed(0)
    data = ImageSet("noise", *noise(512, generator), *noise(16, generator), tuple("0123456789"))
    # one step of the CNN on 512 such images: over a second on one CPU thread
    config = RunConfig(dataset="cifar10", model="cnn", epochs=1, batch_size=512, device="cpu")
    asked: list[float] = []

    def should_stop() -> bool:  # asked once before setup, once before the step, then inside it
        asked.append(time.perf_counter())
        return len(asked) > 2 and asked[-1] - asked[1] > 0.2

    result = train(config, data=data, should_stop=should_stop)
    assert result.status == "stopped" and "during training at step 0 (epoch 1)" in str(result.message)
    assert asked[-1] - asked[1] < 0.2 + 0.5  # the step was cut short within half a second
    untrained = build_model("cnn", data.shape, len(data.classes), seed=config.seed)
    assert all(torch.equal(result.state_dict[name], value) for name, value in untrained.state_dict().items())
