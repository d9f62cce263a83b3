"""Lessons on the optimizer race page. Each step's ``facts`` reads the race the page ran:
``paths`` (method -> Trajectory, one start) and ``tol``, the page's gradient-norm tolerance.

Momentum and Nesterov's look-ahead follow Polyak (1964) and Sutskever et al., "On the importance
of initialization and momentum in deep learning" (ICML 2013).
"""

from __future__ import annotations

from collections.abc import Mapping

from playground.lessons.lesson import Facts, Lesson, Step
from playground.trajectories import Trajectory

Paths = Mapping[str, Trajectory]


def _first(paths: Paths, tol: float, *methods: str) -> int:
    """The index among ``methods`` of the one that reaches ``tol`` first; len(methods) if none does."""
    reached = {i: paths[m].reached(tol) for i, m in enumerate(methods)}
    done = {i: step for i, step in reached.items() if step is not None}
    return min(done, key=done.__getitem__) if done else len(methods)


def _reached(paths: Paths, tol: float, method: str) -> int:
    """The step ``method`` first gets the gradient norm below ``tol``, or its last step + 1."""
    step = paths[method].reached(tol)
    return paths[method].steps + 1 if step is None else step


def _lr(paths: Paths, method: str) -> float:
    return float(paths[method].hyperparameters["lr"])


def _sgd_vs_momentum(paths: Paths, tol: float) -> Facts:
    sgd, momentum = _reached(paths, tol, "SGD"), _reached(paths, tol, "Momentum")
    return {"tol": tol, "sgd": sgd, "momentum": momentum, "ratio": sgd / momentum,
            "sgd_lr": _lr(paths, "SGD"), "momentum_lr": _lr(paths, "Momentum"),
            "first": _first(paths, tol, "SGD", "Momentum")}


def _momentum_vs_nag(paths: Paths, tol: float) -> Facts:
    momentum, nag = _reached(paths, tol, "Momentum"), _reached(paths, tol, "NAG")
    return {"tol": tol, "momentum": momentum, "nag": nag, "saved": momentum - nag,
            "order": 0 if nag < momentum else 1 if nag > momentum else 2}


def _heavy_ball(paths: Paths, tol: float) -> Facts:
    momentum = paths["Momentum"]
    outcome = (2 if momentum.diverged_at[0] >= 0 else 1 if momentum.reached(tol) is None else 0)
    return {"tol": tol, "steps": momentum.steps, "beta": momentum.hyperparameters["momentum"],
            "momentum_loss": float(momentum.losses[-1, 0]), "nag": _reached(paths, tol, "NAG"),
            "outcome": outcome}


RAVINE = Lesson("ravine", (
    Step("race", {"surface": "ravine", "methods": "SGD,Momentum"}, _sgd_vs_momentum,
         lambda f: f["first"], expect=1),
    Step("race", {"surface": "ravine", "methods": "Momentum,NAG"}, _momentum_vs_nag,
         lambda f: f["order"], expect=0),
    Step("race", {"surface": "ravine", "methods": "Momentum,NAG", "Momentum.momentum": "0.99",
                  "NAG.momentum": "0.99"}, _heavy_ball, lambda f: f["outcome"], expect=1),
))

LESSONS = (RAVINE,)
