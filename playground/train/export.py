"""A finished run as files: metrics as CSV and JSON, weights as safetensors (never pickle)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from safetensors.torch import save as safetensors_bytes

from playground.train.loop import RunResult

EPOCH_COLUMNS = ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "val_loss", "lr",
                 "seconds", "images_per_s")


def metrics_csv(result: RunResult) -> str:
    """One row per epoch."""
    out = io.StringIO()
    writer = csv.DictWriter(out, EPOCH_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(result.epochs)
    return out.getvalue()


def metrics_json(result: RunResult) -> str:
    """Everything but the weights: config, status, message and device (in English), per-step and
    per-epoch metrics, each reported step's per-layer gradient norms, confusion matrix and
    per-class accuracy."""
    return json.dumps({
        "config": result.config.to_dict(), "status": result.status, "message": str(result.message),
        "device": "" if result.device is None else str(result.device), "seconds": result.seconds,
        "classes": list(result.classes), "epochs": result.epochs, "steps": result.steps,
        "grad_norms": [{"step": step, **dict(norms)} for step, norms in result.grad_norms],
        "confusion": result.confusion, "per_class_accuracy": result.per_class_accuracy,
    }, indent=1)


def weights_safetensors(result: RunResult) -> bytes:
    """The model's state_dict, with the run's config as metadata."""
    return safetensors_bytes(result.state_dict, metadata={"config": json.dumps(result.config.to_dict())})


def save(result: RunResult, folder: str | Path) -> list[Path]:
    """Write metrics.csv, metrics.json and model.safetensors into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"metrics.csv": metrics_csv(result), "metrics.json": metrics_json(result)}
    paths = []
    for name, text in files.items():
        (folder / name).write_text(text)
        paths.append(folder / name)
    if result.state_dict:
        (folder / "model.safetensors").write_bytes(weights_safetensors(result))
        paths.append(folder / "model.safetensors")
    return paths
