"""Lessons on the optimizer race page. Each step's ``facts`` reads the race the page ran:
``paths`` (method -> Trajectory, one start) and ``tol``, the page's gradient-norm tolerance.

Momentum and Nesterov's look-ahead follow Polyak (1964) and Sutskever et al., "On the importance
of initialization and momentum in deep learning" (ICML 2013). AdaGrad is Duchi, Hazan and Singer,
"Adaptive subgradient methods" (JMLR 2011); RMSprop is Tieleman and Hinton's (Coursera lecture 6.5,
2012); Adam and its bias correction are Kingma and Ba, "Adam: a method for stochastic optimization"
(ICLR 2015). The step-size limit 2/L is the classical one for gradient descent on an L-smooth
function; cosine annealing is Loshchilov and Hutter, "SGDR" (ICLR 2017), and linear warm-up Goyal et
al., "Accurate, large minibatch SGD" (2017). Noise that lets gradient descent leave a strict saddle
is Ge et al., "Escaping from saddle points" (COLT 2015); clipping the gradient's norm is Pascanu,
Mikolov and Bengio, "On the difficulty of training recurrent neural networks" (ICML 2013).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from playground.lessons.lesson import Facts, Lesson, Step
from playground.surfaces import SURFACES
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


# --- helpers for the lessons below -------------------------------------------------------------


def _lengths(path: Trajectory) -> np.ndarray:
    """The length ‖Δθ‖ of each step (first start)."""
    step = path.updates[:, 0]
    return np.sqrt(step[:, 0] ** 2 + step[:, 1] ** 2)


def _rates(path: Trajectory) -> np.ndarray:
    """‖Δθ‖ / ‖∇f‖ at each step: how far a step goes per unit of gradient (the effective learning
    rate in the plain-SGD sense; the gradient is the true one at the point the step left)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _lengths(path) / path.grad_norms[:-1, 0]


def _ratio(a: float, b: float) -> float:
    """a / b, or nan where b is 0 (e.g. a start the student moved onto an axis)."""
    return float(a) / float(b) if b != 0 else float("nan")


def _first_beyond(values: np.ndarray, limit: float, steps: int) -> int:
    """The first step at which ``values`` (one per step, from step 0) exceed ``limit``; steps + 1 if never."""
    over = np.flatnonzero(values > limit)
    return int(over[0]) if len(over) else steps + 1


def _which(first: bool, second: bool) -> int:
    """A two-method outcome as choices a–d: 0 both, 1 only the second, 2 only the first, 3 neither."""
    return 0 if first and second else 1 if second else 2 if first else 3


def _first_step(path: Trajectory) -> tuple[float, float]:
    """|Δx| and |Δy| of the first step, in units of the method's learning rate."""
    dx, dy = np.abs(path.updates[0, 0]) / float(path.hyperparameters["lr"])
    return float(dx), float(dy)


# --- adaptive: AdaGrad's shrinking steps and RMSprop's fix ---------------------------------------
# On the plateau of "plateau_cliff" (x > 0) the gradient is the same 0.01 at every point, so
# AdaGrad's sum of squares grows as t·g² and its step is exactly η/√t; the cliff is at x = 0.

CLIFF = SURFACES["plateau_cliff"]


def _off_plateau(path: Trajectory) -> int:
    """The first step that is past the cliff edge x = 0; steps + 1 if none is."""
    return _first_beyond(-path.positions[:, 0, 0], 0.0, path.steps)


def _adagrad_steps(paths: Paths, tol: float) -> Facts:
    lengths = _lengths(paths["AdaGrad"])
    first, hundredth = float(lengths[0]), float(lengths[99])
    return {"lr": _lr(paths, "AdaGrad"), "first": first, "hundredth": hundredth, "last": float(lengths[-1]),
            "steps": len(lengths), "shrink": _ratio(first, hundredth)}


def _shrinks(facts: Facts) -> int:
    shrink = facts["shrink"]
    return 0 if shrink < 2 else 1 if shrink < 30 else 2


def _plateau(paths: Paths, tol: float) -> Facts:
    ada, rms = paths["AdaGrad"], paths["RMSprop"]
    ada_off, rms_off = _off_plateau(ada), _off_plateau(rms)
    on_plateau = _lengths(rms)[:max(1, rms_off)]  # RMSprop's steps before it went over the edge
    return {"steps": ada.steps, "ada_lr": _lr(paths, "AdaGrad"), "rms_lr": _lr(paths, "RMSprop"),
            "ada_off": ada_off, "rms_off": rms_off, "x0": float(ada.positions[0, 0, 0]),
            "ada_x": float(ada.positions[-1, 0, 0]), "ada_last": float(_lengths(ada)[-1]),
            "rms_shortest": float(on_plateau.min()),
            "outcome": _which(ada_off <= ada.steps, rms_off <= rms.steps)}


def _cliff(path: Trajectory) -> tuple[float, float, float]:
    """The steepest gradient norm the path met, its effective learning rate there (the step that
    left that point) and at its last step."""
    rates = _rates(path)
    steepest = int(np.argmax(path.grad_norms[:, 0]))
    return float(path.grad_norms[steepest, 0]), float(rates[min(steepest, len(rates) - 1)]), float(rates[-1])


def _memory(paths: Paths, tol: float) -> Facts:
    ada, rms = paths["AdaGrad"], paths["RMSprop"]
    ada_steepest, ada_cliff, ada_end = _cliff(ada)
    rms_steepest, rms_cliff, rms_end = _cliff(rms)
    recovered = 3  # an effective learning rate back above 3x its value on the cliff has recovered
    return {"steps": ada.steps, "ada_lr": _lr(paths, "AdaGrad"), "rms_lr": _lr(paths, "RMSprop"),
            "ada_steepest": ada_steepest, "rms_steepest": rms_steepest, "ada_rate0": float(_rates(ada)[0]),
            "ada_cliff": ada_cliff, "ada_end": ada_end, "rms_cliff": rms_cliff, "rms_end": rms_end,
            "ada_loss": float(ada.losses[-1, 0]), "rms_loss": float(rms.losses[-1, 0]),
            "outcome": _which(ada_end > recovered * ada_cliff, rms_end > recovered * rms_cliff)}


ADAPTIVE = Lesson("adaptive", (
    Step("race", {"surface": "plateau_cliff", "methods": "AdaGrad", "AdaGrad.lr": "0.05"}, _adagrad_steps,
         _shrinks, expect=1),
    Step("race", {"surface": "plateau_cliff", "methods": "AdaGrad,RMSprop", "AdaGrad.lr": "0.05",
                  "RMSprop.lr": "0.05"}, _plateau, lambda f: f["outcome"], expect=1, choices=4),
    Step("race", {"surface": "plateau_cliff", "methods": "AdaGrad,RMSprop", "AdaGrad.lr": "0.1",
                  "RMSprop.lr": "0.01"}, _memory, lambda f: f["outcome"], expect=1, choices=4),
))


# --- adam_bias: Adam's bias correction in the first steps ---------------------------------------
# With m₀ = v₀ = 0, m₁ = (1 − β₁)g₁ and v₁ = (1 − β₂)g₁²; divided by 1 − β₁ and 1 − β₂ they are g₁
# and g₁², so Adam's first step is η·g₁/|g₁| = η per coordinate. RMSprop has no correction:
# v₁ = (1 − α)g₁² and its first step is η/√(1 − α) per coordinate.


def _shape(dx: float, dy: float) -> int:
    """A first step in units of η: 0 lopsided (like SGD's η·g), 1 about η per coordinate, 2 several η."""
    if max(dx, dy) > 2 * min(dx, dy):
        return 0
    return 1 if (dx + dy) / 2 < 2 else 2


def _uncorrected(path: Trajectory) -> float:
    """Adam's first step per coordinate, in units of η, were m and v not corrected: (1 − β₁)/√(1 − β₂)."""
    beta1, beta2 = path.hyperparameters["betas"]
    return float((1 - beta1) / np.sqrt(1 - beta2))


def _adam_first(paths: Paths, tol: float) -> Facts:
    sgd, adam = paths["SGD"], paths["Adam"]
    gx, gy = _first_step(sgd)  # SGD's first step is η·g, so in units of η it is |g| itself
    ax, ay = _first_step(adam)
    beta1, beta2 = adam.hyperparameters["betas"]
    sgd_lr = _lr(paths, "SGD")
    return {"gx": gx, "gy": gy, "steep": _ratio(gy, gx), "sgd_lr": sgd_lr, "sgd_dx": sgd_lr * gx,
            "sgd_dy": sgd_lr * gy, "lr": _lr(paths, "Adam"), "adam_x": ax, "adam_y": ay,
            "beta1": beta1, "beta2": beta2, "uncorrected": _uncorrected(adam), "outcome": _shape(ax, ay)}


def _rms_first(paths: Paths, tol: float) -> Facts:
    adam, rms = paths["Adam"], paths["RMSprop"]
    ax, ay = _first_step(adam)
    rx, ry = _first_step(rms)
    alpha = float(rms.hyperparameters["alpha"])
    outcome = _shape(rx, ry)
    return {"lr": _lr(paths, "Adam"), "rms_lr": _lr(paths, "RMSprop"), "adam_x": ax, "adam_y": ay,
            "rms_x": rx, "rms_y": ry, "alpha": alpha, "factor": float(1 / np.sqrt(1 - alpha)),
            "uncorrected": _uncorrected(adam), "outcome": {0: 2, 1: 0, 2: 1}[outcome]}


def _near_minimum(paths: Paths, tol: float) -> Facts:
    sgd, adam = paths["SGD"], paths["Adam"]
    gx, gy = _first_step(sgd)
    ax, ay = _first_step(adam)
    before, after = adam.positions[0, 0], adam.positions[1, 0]
    return {"gx": gx, "gy": gy, "lr": _lr(paths, "Adam"), "adam_x": ax, "adam_y": ay,
            "distance0": float(np.hypot(*before)), "distance1": float(np.hypot(*after)),
            "loss0": float(adam.losses[0, 0]), "loss1": float(adam.losses[1, 0]),
            "rise": _ratio(adam.losses[1, 0], adam.losses[0, 0]), "sgd_loss1": float(sgd.losses[1, 0]),
            "outcome": 0 if (ax + ay) / 2 < 0.5 else 1 if (ax + ay) / 2 < 2 else 2}


ADAM_BIAS = Lesson("adam_bias", (
    Step("race", {"surface": "ravine", "methods": "SGD,Adam"}, _adam_first, lambda f: f["outcome"], expect=1),
    Step("race", {"surface": "ravine", "methods": "Adam,RMSprop", "RMSprop.lr": "0.1"}, _rms_first,
         lambda f: f["outcome"], expect=1),
    Step("race", {"surface": "bowl", "methods": "SGD,Adam", "x": "0.01", "y": "0.01"}, _near_minimum,
         lambda f: f["outcome"], expect=1),
))


# --- too_high: a learning rate above 2/L diverges ----------------------------------------------
# On a quadratic with curvature c along an axis, a gradient step multiplies that coordinate by
# 1 − η·c: it shrinks for η < 2/c (flipping sign past 1/c), stays for η = 2/c and grows beyond.
# The first step's factors give both curvatures, so the facts read them off the run itself.


def _stability(paths: Paths, tol: float) -> Facts:
    sgd = paths["SGD"]
    (x0, y0), (x1, y1) = sgd.positions[0, 0], sgd.positions[1, 0]
    lr = _lr(paths, "SGD")
    fx, fy = _ratio(x1, x0), _ratio(y1, y0)
    cx, cy = (1 - fx) / lr, (1 - fy) / lr
    factor = fy if cy > cx else fx  # the steeper direction decides stability
    diverged = int(sgd.diverged_at[0])
    return {"lr": lr, "fx": fx, "fy": fy, "cx": cx, "cy": cy, "factor": factor, "growth": abs(factor),
            "curvature": max(cx, cy), "limit": _ratio(2, max(cx, cy)), "gentle": _ratio(2, min(cx, cy)),
            "diverged": diverged, "reached": _reached(paths, tol, "SGD"), "tol": tol, "steps": sgd.steps,
            "loss0": float(sgd.losses[0, 0]), "loss": float(sgd.losses[-1, 0]),
            "outcome": 2 if diverged >= 0 else 1 if factor < 0 else 0}


def _bounces(facts: Facts) -> int:
    """η = 1.1 on the bowl: 0 converges, 1 bounces at the same height (factor −1), 2 diverges."""
    if facts["diverged"] >= 0:
        return 2
    return 1 if abs(abs(facts["factor"]) - 1) < 1e-9 else 0


TOO_HIGH = Lesson("too_high", (
    Step("race", {"surface": "bowl", "methods": "SGD", "SGD.lr": "0.9"}, _stability,
         lambda f: f["outcome"], expect=1),
    Step("race", {"surface": "bowl", "methods": "SGD", "SGD.lr": "1.1"}, _stability, _bounces, expect=2),
    Step("race", {"surface": "ravine", "methods": "SGD", "SGD.lr": "0.55"}, _stability,
         lambda f: f["outcome"], expect=2),
))


# --- schedules: a decaying learning rate removes the noise floor; warm-up tames a steep start ----
# With gradient noise σ, SGD at a constant η keeps jiggling round the minimum at a loss of order
# η·σ² (it never averages the noise out); cosine annealing takes η to 0, and the jiggle with it.

NOISY = {"surface": "bowl", "methods": "SGD", "SGD.lr": "0.3", "noise": "1.0", "steps": "500"}
CAMEL = SURFACES["three_hump_camel"]
STEEP = {"surface": "three_hump_camel", "methods": "SGD", "SGD.lr": "0.3"}


def _noise_floor(paths: Paths, tol: float) -> Facts:
    sgd = paths["SGD"]
    losses, lrs = sgd.losses[:, 0], sgd.lrs[:, 0]
    early, late = float(losses[51:151].mean()), float(losses[-50:].mean())  # steps 51–150; the last 50
    return {"early": early, "late": late, "ratio": _ratio(early, late), "steps": sgd.steps,
            "lr_first": float(lrs[0]), "lr_mid": float(lrs[len(lrs) // 2]), "lr_last": float(lrs[-1]),
            "diverged": int(sgd.diverged_at[0])}


def _floor_stays(facts: Facts) -> int:
    """0 the loss keeps falling, 1 it levels off at a floor, 2 it diverges."""
    return 2 if facts["diverged"] >= 0 else 0 if facts["ratio"] > 3 else 1


def _floor_goes(facts: Facts) -> int:
    """0 the loss stays at its floor, 1 it falls well below it, 2 it diverges."""
    return 2 if facts["diverged"] >= 0 else 1 if facts["ratio"] > 3 else 0


def _warmup(paths: Paths, tol: float) -> Facts:
    sgd = paths["SGD"]
    lrs = sgd.lrs[:, 0]
    peak = int(np.argmax(lrs))
    diverged, loss = int(sgd.diverged_at[0]), float(sgd.losses[-1, 0])
    lowest = float(CAMEL.value(*CAMEL.minima[0]))  # the global minimum's value
    settled = sgd.reached(tol) is not None
    return {"lr": _lr(paths, "SGD"), "lr_first": float(lrs[0]), "peak": float(lrs[peak]),
            "peak_step": peak + 1, "lr_last": float(lrs[-1]), "first_step": float(_lengths(sgd)[0]),
            "diverged": diverged, "reached": _reached(paths, tol, "SGD"), "tol": tol, "loss": loss,
            "lowest": lowest,
            "outcome": 2 if diverged >= 0 else 0 if settled and loss < lowest + 1e-6 else 1}


SCHEDULES = Lesson("schedules", (
    Step("race", NOISY, _noise_floor, _floor_stays, expect=1),
    Step("race", {**NOISY, "schedule": "cosine"}, _noise_floor, _floor_goes, expect=1),
    Step("race", STEEP, _warmup, lambda f: f["outcome"], expect=2),
    Step("race", {**STEEP, "schedule": "warmup_cosine", "warmup": "50"}, _warmup, lambda f: f["outcome"],
         expect=0),
))


# --- noise: gradient noise gets SGD off a saddle ------------------------------------------------
# On the saddle x² − y² the ridge y = 0 is a trap for exact gradients: ∂f/∂y = −2y is 0 there, so
# SGD walks straight into the saddle point, where the whole gradient vanishes. Any sideways push
# then grows by a factor 1 + 2η per step.

ESCAPED = 0.5  # |y| past this is off the ridge for good


def _escape(path: Trajectory) -> int:
    """The first step with |y| > ESCAPED; steps + 1 if none."""
    return _first_beyond(np.abs(path.positions[:, 0, 1]), ESCAPED, path.steps)


def _ridge(paths: Paths, tol: float) -> Facts:
    sgd = paths["SGD"]
    escape, reached = _escape(sgd), sgd.reached(tol)
    return {"tol": tol, "steps": sgd.steps, "band": ESCAPED, "escape": escape,
            "reached": _reached(paths, tol, "SGD"), "diverged": int(sgd.diverged_at[0]),
            "distance": float(np.hypot(*sgd.positions[-1, 0])),
            "sideways": float(np.abs(sgd.positions[:, 0, 1]).max()), "loss": float(sgd.losses[-1, 0]),
            "lowest_norm": float(sgd.grad_norms[:, 0].min()),
            "outcome": 1 if escape <= sgd.steps else 0 if reached is not None else 2}


def _monkey(paths: Paths, tol: float) -> Facts:
    sgd, adam = paths["SGD"], paths["Adam"]
    sgd_escape, adam_escape = _escape(sgd), _escape(adam)
    return {"steps": sgd.steps, "band": ESCAPED, "sgd_lr": _lr(paths, "SGD"), "adam_lr": _lr(paths, "Adam"),
            "sgd_escape": sgd_escape, "adam_escape": adam_escape,
            "sgd_sideways": float(np.abs(sgd.positions[:, 0, 1]).max()),
            "sgd_dy": float(abs(sgd.updates[0, 0, 1])), "adam_dy": float(abs(adam.updates[0, 0, 1])),
            "adam_loss": float(adam.losses[-1, 0]), "sgd_loss": float(sgd.losses[-1, 0]),
            "outcome": _which(sgd_escape <= sgd.steps, adam_escape <= adam.steps)}


RIDGE = {"surface": "saddle", "methods": "SGD", "SGD.lr": "0.05", "y": "0.0"}

NOISE = Lesson("noise", (
    Step("race", RIDGE, _ridge, lambda f: f["outcome"], expect=0),
    Step("race", {**RIDGE, "noise": "0.01"}, _ridge, lambda f: f["outcome"], expect=1),
    Step("race", {"surface": "monkey_saddle", "methods": "SGD,Adam", "y": "0.0", "noise": "0.1"}, _monkey,
         lambda f: f["outcome"], expect=1, choices=4),
))


# --- clipping: capping the gradient's norm ------------------------------------------------------
# Clipping rescales the gradient g to c·g/‖g‖ when ‖g‖ > c: same direction, length at most c, so a
# plain gradient step is at most η·c long; gradients below c pass untouched.


def _catapult(paths: Paths, tol: float) -> Facts:
    momentum = paths["Momentum"]
    (left, _), _ = CLIFF.domain
    far = float(momentum.positions[:, 0, 0].min())
    diverged = int(momentum.diverged_at[0])
    return {"far": far, "left": left, "past": CLIFF.minima[0][0] - far,
            "longest": float(_lengths(momentum).max()), "steepest": float(momentum.grad_norms[:, 0].max()),
            "reached": _reached(paths, tol, "Momentum"), "steps": momentum.steps, "tol": tol,
            "loss": float(momentum.losses[-1, 0]), "diverged": diverged,
            "outcome": 2 if diverged >= 0 else 1 if far < left else 0}


STYBLINSKI = SURFACES["styblinski_tang"]


def _alignment(path: Trajectory) -> float:
    """The smallest cosine between a step and the downhill direction −∇f at the point it left
    (Styblinski–Tang's gradient); 1 means every step pointed exactly downhill."""
    before = path.positions[:-1, 0]
    gx, gy = STYBLINSKI.grad(before[:, 0], before[:, 1])
    step, lengths = path.updates[:, 0], _lengths(path)
    moved = (lengths > 0) & (np.hypot(gx, gy) > 0)
    if not moved.any():
        return float("nan")
    dot = -(step[:, 0] * gx + step[:, 1] * gy)
    return float(np.min(dot[moved] / (lengths[moved] * np.hypot(gx, gy)[moved])))


def _seat_belt(paths: Paths, tol: float) -> Facts:
    sgd = paths["SGD"]
    lengths, lr = _lengths(sgd), _lr(paths, "SGD")
    longest = float(lengths.max())
    diverged, reached = int(sgd.diverged_at[0]), sgd.reached(tol)
    return {"lr": lr, "longest": longest, "cap": longest / lr, "steps": sgd.steps, "tol": tol,
            "share": 100 * float(np.mean(lengths >= 0.999 * longest)), "cosine": _alignment(sgd),
            "late_norm": float(sgd.grad_norms[-50:, 0].min()), "diverged": diverged,
            "loss": float(sgd.losses[-1, 0]),
            "outcome": 0 if diverged >= 0 else 2 if reached is not None else 1}


CATAPULT = {"surface": "plateau_cliff", "methods": "Momentum"}

CLIPPING = Lesson("clipping", (
    Step("race", CATAPULT, _catapult, lambda f: f["outcome"], expect=1),
    Step("race", {**CATAPULT, "clip": "1.0"}, _catapult, lambda f: f["outcome"], expect=0),
    Step("race", {"surface": "styblinski_tang", "methods": "SGD", "SGD.lr": "0.1", "clip": "1.0"}, _seat_belt,
         lambda f: f["outcome"], expect=1),
))

LESSONS = (RAVINE, ADAPTIVE, ADAM_BIAS, TOO_HIGH, SCHEDULES, NOISE, CLIPPING)
