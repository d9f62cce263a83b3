"""Run A (no regularization) against run B (the chosen regularizers) on the same data, split,
initial weights and seed, and tabulate where they end up. The page trains the variants itself
(``playground.ui.lab.compute``), reusing runs it already has."""

from __future__ import annotations

import pandas as pd

from playground.regularization.config import LabConfig
from playground.regularization.trainer import Run


def variants(config: LabConfig) -> dict[str, LabConfig]:
    """A: every regularizer off; B: as configured. Same seed, so same initial weights."""
    return {"A: no regularization": config.unregularized(), "B: regularized": config}


def summary(runs: dict[str, Run]) -> pd.DataFrame:
    """One row per run: the final (possibly restored) network's losses, accuracies, gap and weights."""
    rows = []
    for label, run in runs.items():
        final = run.final
        rows.append({
            "run": label,
            "epochs": run.epochs_run,
            "train loss": final["train_loss"],
            "val loss": final["val_loss"],
            "gap (val − train loss)": final["val_loss"] - final["train_loss"],
            "train acc": final["train_acc"],
            "val acc": final["val_acc"],
            "weight norm": final["weight_norm"],
            "zero weights": int(final["zero_weights"]),
        })
    table = pd.DataFrame(rows).set_index("run")
    if all(run.task == "regression" for run in runs.values()):
        table = table.drop(columns=["train acc", "val acc"])
    return table
