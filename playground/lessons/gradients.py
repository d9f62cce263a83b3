"""Lessons on the backprop and gradient-health pages.

The backprop page hands its steps' ``facts`` what it drew: ``graph`` (the forward pass),
``steps`` (the backward pass, node by node), ``lr``, ``after`` (the loss after one gradient-descent
update at ``lr``) and ``checks`` (the MLP's gradient checks, None for the chain). The
gradient-health page hands over its ``plain`` run and its ``clipped`` one (None without clipping).

Backpropagation follows Rumelhart, Hinton and Williams, "Learning representations by
back-propagating errors" (Nature 1986); the relative difference of a gradient check and its
1e-7 / 1e-4 thresholds follow the CS231n notes on gradient checking; vanishing gradients in deep
sigmoid nets follow Glorot and Bengio (AISTATS 2010), and the ReLU init follows He et al.,
"Delving deep into rectifiers" (ICCV 2015).
"""

from __future__ import annotations

import math
from typing import Protocol

from playground.backprop.gradcheck import CORRECT, SUSPICIOUS, WRONG, GradCheckReport
from playground.backprop.graph import Graph, Product, Step, final_steps, gradients_after
from playground.backprop.health import Run
from playground.lessons.lesson import Facts, Lesson
from playground.lessons.lesson import Step as LessonStep

SIGMOID_SLOPE = 0.25  # σ'(z) = σ(z)(1 − σ(z)) is at most ¼, at z = 0


class Checks(Protocol):
    """What the backprop page's gradient-checking section returns (playground.ui.backprop.views.Checks)."""

    @property
    def clean(self) -> GradCheckReport: ...

    @property
    def planted(self) -> GradCheckReport: ...


# The chain x → w1 → w2 → ŷ (playground.backprop.chain): every number read off the page's graph and steps.

def _product(steps: list[Step], child: str, parent: str) -> Product:
    """The chain-rule product ``child`` hands to ``parent``; KeyError if the network has no such edge
    (the student picked the MLP)."""
    for step in steps:
        for product in step.products:
            if (product.child, product.parent) == (child, parent):
                return product
    raise KeyError(f"{child} → {parent}")


def _chain(graph: Graph, steps: list[Step]) -> Facts:
    grads = gradients_after(steps)
    return {"yhat": graph.nodes["ŷ"].value, "w1": graph.nodes["w1"].value, "w2": graph.nodes["w2"].value,
            "x": graph.nodes["x"].value, "dyhat": _product(steps, "L", "ŷ").product,
            "dw1": grads["w1"], "dw2": grads["w2"], "loss": graph.loss.value}


def _order(graph: Graph, steps: list[Step], lr: float, after: float, checks: Checks | None) -> Facts:
    final = final_steps(steps)
    return {**_chain(graph, steps), "w1_step": final["w1"], "w2_step": final["w2"], "n_steps": len(steps)}


def _which_first(f: Facts) -> int:
    """a: w1 first, b: w2 first, c: in the same step."""
    return 0 if f["w1_step"] < f["w2_step"] else 1 if f["w2_step"] < f["w1_step"] else 2


def _w1_product(graph: Graph, steps: list[Step], lr: float, after: float, checks: Checks | None) -> Facts:
    # ∂L/∂w1 = ∂L/∂ŷ · ∂ŷ/∂z1 · ∂z1/∂w1, each local derivative as the backward pass used it
    return {**_chain(graph, steps), "dyhat_dz1": _product(steps, "ŷ", "z1").local,
            "dz1_dw1": _product(steps, "z1", "w1").local}


def _sign(f: Facts) -> int:
    """a: negative, b: positive, c: zero."""
    return 0 if f["dw1"] < 0 else 1 if f["dw1"] > 0 else 2


def _update(graph: Graph, steps: list[Step], lr: float, after: float, checks: Checks | None) -> Facts:
    f = _chain(graph, steps)
    return {**f, "lr": lr, "after": after, "drop": f["loss"] - after, "rise": after - f["loss"],
            "new_w1": f["w1"] - lr * f["dw1"], "new_w2": f["w2"] - lr * f["dw2"],
            # the first-order (Taylor) prediction of the drop: lr × ‖∇L‖²
            "predicted": lr * (f["dw1"] ** 2 + f["dw2"] ** 2)}


def _loss_moves(f: Facts) -> int:
    """a: the loss drops, b: it rises, c: it stays."""
    return 0 if f["after"] < f["loss"] else 1 if f["after"] > f["loss"] else 2


CHAIN_RULE = Lesson("chain_rule", (
    LessonStep("backprop", {"step": "3"}, _order, _which_first, expect=1),
    LessonStep("backprop", {"step": "3"}, _w1_product, _sign, expect=1),
    LessonStep("backprop", {}, _update, _loss_moves, expect=0),
    LessonStep("backprop", {"lr": "1.0"}, _update, _loss_moves, expect=1),
))


# Gradient checking on the 2-layer MLP: the page's bug-free check and the one with the planted bug.

VERDICTS = (CORRECT, SUSPICIOUS, WRONG)


def _checked(checks: Checks | None) -> Checks:
    if checks is None:  # the student picked the chain, which the page does not check
        raise KeyError("gradient check")
    return checks


def _per_param(report: GradCheckReport) -> Facts:
    return {p.name: p.relative_error for p in report.params}


def _clean(graph: Graph, steps: list[Step], lr: float, after: float, checks: Checks | None) -> Facts:
    clean = _checked(checks).clean
    return {"rel": clean.relative_error, "h": clean.h, "verdict": VERDICTS.index(clean.verdict),
            "n_params": sum(p.analytic.size for p in clean.params), "worst": clean.worst.name,
            "worst_rel": clean.worst.relative_error}


def _planted(graph: Graph, steps: list[Step], lr: float, after: float, checks: Checks | None) -> Facts:
    c = _checked(checks)
    planted = c.planted
    return {**_per_param(planted), "rel": planted.relative_error, "clean": c.clean.relative_error,
            "jump": planted.relative_error / c.clean.relative_error if c.clean.relative_error else math.inf,
            "verdict": VERDICTS.index(planted.verdict),
            "w2_fails": _per_param_verdict(planted, "W2"), "w1_fails": _per_param_verdict(planted, "W1")}


def _per_param_verdict(report: GradCheckReport, name: str) -> bool:
    return next(p for p in report.params if p.name == name).verdict == WRONG


def _where(f: Facts) -> int:
    """a: W2 fails and W1 passes, b: W1 fails and W2 passes, c: both fail, d: neither."""
    return {(True, False): 0, (False, True): 1, (True, True): 2, (False, False): 3}[(f["w2_fails"],
                                                                                     f["w1_fails"])]


def _caught(f: Facts) -> int:
    """a: the check says wrong, b: correct, c: suspicious."""
    return (WRONG, CORRECT, SUSPICIOUS).index(VERDICTS[f["verdict"]])


GRADCHECK = Lesson("gradcheck", (
    LessonStep("backprop", {"net": "mlp"}, _clean, lambda f: f["verdict"], expect=0),
    LessonStep("backprop", {"net": "mlp", "bug": "z_for_h"}, _planted, _where, expect=0, choices=4),
    LessonStep("backprop", {"net": "mlp", "bug": "activation"}, _planted, _where, expect=1, choices=4),
    LessonStep("backprop", {"net": "mlp", "n_out": "1", "loss": "mse", "bug": "transposed"}, _planted,
               _caught, expect=1),
))


# Vanishing gradients on the gradient-health page: the per-layer numbers at initialization.

def _health(plain: Run, clipped: Run | None) -> Facts:
    at_init = plain.at_init()
    norms, depth = at_init.grad_norm, len(at_init)
    losses = plain.steps.loss
    return {"first": float(norms.iloc[0]), "last": float(norms.iloc[-1]), "spread": plain.spread,
            "orders": -math.log10(plain.spread) if plain.spread > 0 else math.inf, "depth": depth,
            "gaps": depth - 1,
            "quarter": SIGMOID_SLOPE ** (depth - 1), "low": float(norms.min()), "high": float(norms.max()),
            "loss_first": float(losses.iloc[0]), "loss_last": float(losses.iloc[-1]), "n_steps": len(losses),
            "diverged": plain.diverged_at, "verdict": plain.verdict,
            "act_first": float(at_init.act_std.iloc[0]), "act_last": float(at_init.act_std.iloc[-1]),
            # how much each layer multiplies the activations' spread, on average
            "growth": float((at_init.act_std.iloc[-1] / at_init.act_std.iloc[0]) ** (1 / max(depth - 1, 1)))}


def _spread(f: Facts) -> int:
    """a: first and last within 10× of each other, b: the first far smaller, c: far larger."""
    return 1 if f["spread"] < 0.1 else 2 if f["spread"] > 10 else 0


def _verdict(f: Facts) -> int:
    """a: healthy, b: exploding, c: vanishing (the page's own diagnosis)."""
    return ("healthy", "exploding", "vanishing").index(f["verdict"])


VANISHING = Lesson("vanishing", (
    LessonStep("health", {}, _health, _spread, expect=1),
    LessonStep("health", {"act": "relu", "init": "he", "lr": "0.01"}, _health, _spread, expect=0),
    LessonStep("health", {"init": "he"}, _health, _spread, expect=1),
    LessonStep("health", {"act": "relu", "init": "too_large", "lr": "0.01"}, _health, _verdict, expect=1),
))

LESSONS = (CHAIN_RULE, GRADCHECK, VANISHING)
