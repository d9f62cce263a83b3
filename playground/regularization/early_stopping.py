"""Early stopping with the semantics of Keras 3's ``keras.callbacks.EarlyStopping`` (mode "min").

The monitored value (a validation loss) is minimised. Epochs are counted as every page counts
them: :meth:`EarlyStopping.update` gets ``epoch`` = the number of epochs trained so far, from 1,
and ``best_epoch`` and ``stopped_epoch`` are in the same count (Keras' own index is one less).
Per epoch, exactly as Keras 3:

- the first ``start_from_epoch`` epochs are ignored (but for a non-finite value, see below);
- ``wait`` counts epochs since the last improvement: it is incremented first, then reset to
  0 when ``value < best - min_delta`` (an improvement must beat the best by MORE than
  ``min_delta``; the very first monitored value always improves on ``best = inf``);
- otherwise training stops once ``wait >= patience`` (and not after the first epoch), so with
  losses 10, 9, 8, 9, 8.9, 8.8, ... it stops after epoch ``max(patience, 1) + 3``;
- with ``restore_best_weights`` a deep copy of the state_dict is taken at every new best,
  and :meth:`restore` loads it back. Keras 3 restores at the end of training whenever a best
  snapshot exists, whether or not training stopped early; the lab's trainer does the same.

One deliberate difference: a non-finite value (NaN or inf, i.e. divergence) stops training at
once, even during the ``start_from_epoch`` warm-up, and never becomes the best, so restoring
never brings back diverged weights.
"""

from __future__ import annotations

import copy
import math

import torch


class EarlyStopping:
    def __init__(self, patience: int = 0, min_delta: float = 0.0, restore_best_weights: bool = False,
                 start_from_epoch: int = 0) -> None:
        if patience < 0 or start_from_epoch < 0:
            raise ValueError("patience and start_from_epoch must be >= 0")
        self.patience = patience
        self.min_delta = abs(min_delta)
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.best = math.inf
        self.best_epoch = 0
        self.stopped_epoch = 0  # 0: did not stop early
        self.stopped = False
        self.wait = 0
        self.best_weights: dict[str, torch.Tensor] | None = None

    def update(self, epoch: int, value: float, model: torch.nn.Module | None = None) -> bool:
        """Record the monitored ``value`` after ``epoch`` epochs (1, 2, ...); True means stop now."""
        if epoch < 1:
            raise ValueError(f"epoch counts the epochs trained, from 1, not {epoch}")
        if not math.isfinite(value):  # checked first: a diverged run must not train on through the warm-up
            self.stopped_epoch, self.stopped = epoch, True
            return True
        if epoch <= self.start_from_epoch:
            return False
        if self.restore_best_weights and self.best_weights is None and model is not None:
            # As Keras: until something improves, the first monitored weights are the best.
            self._snapshot(epoch, model)
        self.wait += 1
        if value + self.min_delta < self.best:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights and model is not None:
                self._snapshot(epoch, model)
            return False
        if self.wait >= self.patience and epoch > 1:
            self.stopped_epoch, self.stopped = epoch, True
            return True
        return False

    def _snapshot(self, epoch: int, model: torch.nn.Module) -> None:
        self.best_weights = copy.deepcopy(model.state_dict())
        self.best_epoch = epoch

    def restore(self, model: torch.nn.Module) -> bool:
        """Load the best weights into ``model``; False when there is no snapshot to restore."""
        if self.best_weights is None:
            return False
        model.load_state_dict(self.best_weights)
        return True
