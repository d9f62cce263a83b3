"""EarlyStopping on scripted validation losses, against Keras 3's documented behaviour."""

from __future__ import annotations

import math

import pytest
import torch

from playground.regularization import EarlyStopping

KERAS_LOSSES = [10, 9, 8, 9, 8.9, 8.8, 8.7, 8.6, 8.5]


def stop_epoch(stopper: EarlyStopping, values, model=None) -> int | None:
    for epoch, value in enumerate(values, start=1):  # epochs trained so far, as every page counts
        if stopper.update(epoch, value, model):
            return epoch
    return None


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_keras_patience_table(patience):
    stopper = EarlyStopping(patience=patience)
    assert stop_epoch(stopper, KERAS_LOSSES) == max(patience, 1) + 3  # Keras' 0-based index + 1
    assert stopper.stopped_epoch == max(patience, 1) + 3
    assert (stopper.best, stopper.best_epoch) == (8, 3)


def test_improvement_must_beat_best_by_more_than_min_delta():
    # 0.75 beats 1.0 by exactly min_delta=0.25: not MORE, so it is no improvement.
    stopper = EarlyStopping(patience=1, min_delta=0.25)
    assert stop_epoch(stopper, [1.0, 0.75, 0.5]) == 2
    assert stopper.best == 1.0
    stopper = EarlyStopping(patience=1, min_delta=-0.25)  # Keras uses |min_delta|
    assert stop_epoch(stopper, [1.0, 0.625, 0.5]) == 3
    assert (stopper.best, stopper.best_epoch) == (0.625, 2)


def test_wait_counts_epochs_since_best_and_resets_on_improvement():
    stopper = EarlyStopping(patience=3)
    waits = []
    for epoch, value in enumerate([5, 6, 7, 4, 4.5], start=1):
        stopper.update(epoch, value)
        waits.append(stopper.wait)
    assert waits == [0, 1, 2, 0, 1]


def test_epochs_before_start_from_epoch_are_ignored():
    stopper = EarlyStopping(patience=1, start_from_epoch=3)
    # A tiny early value would be "best" if epochs 1-3 counted; the rising tail stops at 5.
    assert stop_epoch(stopper, [0.1, 5, 6, 3, 4, 5]) == 5
    assert (stopper.best, stopper.best_epoch) == (3, 4)


def test_non_finite_value_stops_at_once_and_never_becomes_best():
    stopper = EarlyStopping(patience=10)
    assert stop_epoch(stopper, [2.0, 1.0, math.nan, 0.5]) == 3
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == (1.0, 2, 3)
    assert stop_epoch(EarlyStopping(patience=10), [math.inf]) == 1


def test_non_finite_value_during_the_warm_up_stops_at_once_too():
    stopper = EarlyStopping(patience=10, start_from_epoch=5, restore_best_weights=True)
    assert stop_epoch(stopper, [2.0, math.nan, 1.0], torch.nn.Linear(1, 1)) == 2
    assert stopper.stopped_epoch == 2 and stopper.best == math.inf and stopper.best_weights is None


def test_restore_best_weights_loads_a_deep_copy_from_the_best_epoch():
    model = torch.nn.Linear(1, 1, bias=False)
    stopper = EarlyStopping(patience=1, restore_best_weights=True)
    for epoch, value in enumerate([3.0, 1.0, 2.0], start=1):
        with torch.no_grad():
            model.weight.fill_(float(epoch))
        if stopper.update(epoch, value, model):
            break
    assert model.weight.item() == 3.0
    assert stopper.restore(model) is True
    assert model.weight.item() == 2.0 and stopper.best_epoch == 2


def test_restore_without_snapshot_is_a_no_op():
    model = torch.nn.Linear(1, 1)
    before = model.weight.detach().clone()
    stopper = EarlyStopping(patience=1)  # restore_best_weights off: no snapshots taken
    stop_epoch(stopper, [1.0, 2.0], model)
    assert stopper.restore(model) is False
    assert torch.equal(model.weight, before)


def test_epochs_are_counted_from_one_as_the_pages_show_them():
    with pytest.raises(ValueError, match="from 1"):
        EarlyStopping().update(0, 1.0)
