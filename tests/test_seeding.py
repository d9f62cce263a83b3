"""Seeded runs stay reproducible while other sessions train in other threads of the same server."""

from __future__ import annotations

import threading

import torch
from torch import nn

from playground.datasets.toy import make_toy
from playground.regularization.config import LabConfig
from playground.regularization.trainer import train
from playground.seeding import Dropout, draw_dropout_from, seeded


def test_dropout_with_its_own_generator_matches_nn_dropout_bit_for_bit():
    x = torch.randn(50, 16, requires_grad=True)
    ours = Dropout(0.3)
    ours.generator = torch.Generator().manual_seed(7)
    torch.manual_seed(7)
    theirs = nn.Dropout(0.3)(x)
    mine = ours(x)
    assert torch.equal(mine, theirs) and (mine == 0).any()
    (g_ours,) = torch.autograd.grad(mine.sum(), x)
    (g_theirs,) = torch.autograd.grad(theirs.sum(), x)
    assert torch.equal(g_ours, g_theirs)
    assert torch.equal(ours.eval()(x), x)  # off in eval mode


def test_seeded_draws_the_same_numbers_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    with seeded(5):
        first = torch.rand(4)
    with seeded(5):
        again = torch.rand(4)
    assert torch.equal(first, again)
    assert torch.equal(torch.rand(3), expected_next)


def test_draw_dropout_from_reaches_every_dropout_layer():
    model = nn.Sequential(Dropout(0.5), nn.Linear(2, 2), nn.Sequential(Dropout(0.1)))
    generator = torch.Generator()
    draw_dropout_from(model, generator)
    assert [m.generator for m in model.modules() if isinstance(m, Dropout)] == [generator, generator]


def test_lab_runs_with_dropout_reproduce_exactly_while_others_train_at_the_same_time():
    moons = make_toy("moons", 80, 0.3, 0.5, seed=0)
    config = LabConfig(hidden=(32, 32), dropout=0.3, epochs=60, frames=2)
    solo = train(moons, config).history["val_loss"]
    results: list[list[float]] = []
    start = threading.Barrier(4)

    def session() -> None:
        start.wait()
        results.append(train(moons, config).history["val_loss"])

    threads = [threading.Thread(target=session) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(history == solo for history in results)
