"""A learning rate given as a float32 tensor (as LR schedulers with capturable or compiled steps
hand out) must not round float64 training to float32: torch.optim keeps every factor of the step
in the parameters' dtype, and so must we."""

from __future__ import annotations

import pytest
import torch

from tests.optim.sidebyside import TENSORS, TOLERANCE, side_by_side

CLASSES = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Adadelta", "Adamax"]


@pytest.mark.parametrize("decay", [{}, {"weight_decay": 0.1}], ids=["plain", "weight-decay"])
@pytest.mark.parametrize("name", CLASSES)
def test_float32_tensor_lr_keeps_float64_training_in_float64(name, decay):
    lr = torch.tensor(0.01, dtype=torch.float32)
    run = side_by_side(name, {"lr": lr, **decay}, TENSORS, torch.float64)
    assert run.moved(TENSORS, torch.float64) > 1e-3
    assert run.max_difference() <= TOLERANCE[torch.float64]


def test_radam_with_decoupled_decay_and_a_float32_tensor_lr_matches_torch_in_float64():
    config = {"lr": torch.tensor(0.01), "weight_decay": 0.1, "decoupled_weight_decay": True}
    assert side_by_side("RAdam", config, TENSORS, torch.float64).max_difference() <= TOLERANCE[torch.float64]
