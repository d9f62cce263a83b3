"""TensorFlow Playground's input features: hand-made nonlinear features of a 2-D point.

A linear model on (x1, x2) cannot separate circles; give it x1² and x2² and it can. The
network sees the chosen columns in the order of :data:`FEATURES`.
"""

from __future__ import annotations

import numpy as np

FEATURES: dict[str, str] = {  # name -> how it reads
    "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
    "sin(x1)": "sin x₁", "sin(x2)": "sin x₂",
}
PLAIN = ("x1", "x2")


def expand(X: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    """The chosen feature columns of 2-D points ``X`` (N, 2), in :data:`FEATURES` order."""
    unknown = set(features) - set(FEATURES)
    if unknown:
        raise ValueError(f"unknown input features {sorted(unknown)}; choose from {', '.join(FEATURES)}")
    if not features:
        raise ValueError("choose at least one input feature")
    if X.shape[1] != 2:
        raise ValueError(f"input features need 2-D points, got {X.shape[1]} columns")
    x1, x2 = X[:, 0], X[:, 1]
    columns = {"x1": x1, "x2": x2, "x1^2": x1 * x1, "x2^2": x2 * x2, "x1*x2": x1 * x2,
               "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2)}
    return np.stack([columns[name] for name in FEATURES if name in features], axis=1).astype(np.float32)
