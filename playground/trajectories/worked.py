r"""One optimizer step written out with its numbers: every update rule, every switch.

:func:`worked_update` retraces the step that :func:`~playground.trajectories.inspect` observed,
in the order the rule in :mod:`playground.optim` takes it, as LaTeX lines
``name = formula = formula with numbers = value``. Each line starts from the state *before* the
step (``Internals.before``), so the test suite can check every line against the state the rule
itself left behind and the last line against the real new position. Alongside come the
bias-correction factors the rule really divides by, which differ between the Adam variants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from playground.optim import METHODS
from playground.trajectories.internals import Internals
from playground.trajectories.terms import Term, absolute, given, maximum, show, sqrt


@dataclass
class Line:
    name: str       # the quantity, in LaTeX (m_t, \theta_{k+1}, ...)
    term: Term      # how it was computed
    state: str = ""  # the rule's state key holding this quantity after the step, if any
    note: str = ""

    @property
    def latex(self) -> str:
        parts = [self.name, self.term.symbols, self.term.numbers, show(self.term.value)]
        text = " = ".join(dict.fromkeys(p for p in parts if p))  # no "= x = x" where nothing was substituted
        return text + (rf"\quad\text{{({self.note})}}" if self.note else "")


@dataclass
class Worked:
    """The lines of one step and the correction factors (label -> value) the rule divides by."""

    internals: Internals
    lines: list[Line] = field(default_factory=list)
    corrections: dict[str, float] = field(default_factory=dict)

    @property
    def latex(self) -> list[str]:
        return [line.latex for line in self.lines]

    @property
    def rule(self) -> str:
        """The rule this step followed, in symbols: the same lines without their numbers, so it
        shows exactly the switches in force (momentum, Nesterov, centering, weight decay, AMSGrad,
        maximizing, ...), as one aligned block."""
        rows = [f"{line.name} &= {line.term.symbols}" + (rf"\quad\text{{({line.note})}}" if line.note else "")
                for line in self.lines]
        return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"

    @property
    def new_position(self) -> np.ndarray:
        return self.lines[-1].term.value

    def let(self, name: str, term: Term, state: str = "", note: str = "") -> Term:
        """Write a line and return its result as a named quantity for later lines."""
        self.lines.append(Line(name, term, state, note))
        return given(name, term.value)

    def correction(self, label: str, term: Term) -> Term:
        self.corrections[label] = float(term.value)
        return term

    def old(self, key: str, symbol: str, default: Any = 0.0) -> Term:
        """State entry ``key`` before the step (``default`` everywhere if the rule had not made it yet)."""
        before = self.internals.before
        value = before[key] if key in before else np.full_like(self.internals.position, default)
        return given(symbol, value)

    def hyper(self, symbol: str, key: str) -> Term:
        return given(symbol, self.internals.hyperparameters[key])

    @property
    def t(self) -> Term:
        return given("t", self.internals.t)

    @property
    def eta(self) -> Term:
        return given(r"\eta", self.internals.lr)

    @property
    def theta(self) -> Term:
        return given(r"\theta_k", self.internals.position)

    def start(self, decoupled: bool = False) -> tuple[Term, Term]:
        """The gradient g_t the rule uses (negated when maximizing, plus λθ for coupled weight
        decay) and the θ its step starts from (shrunk to (1 - ηλ)θ by decoupled weight decay)."""
        h, theta = self.internals.hyperparameters, self.theta
        decay = self.hyper(r"\lambda", "weight_decay") if h["weight_decay"] else None
        coupled = None if decoupled else decay  # the λ added to the gradient, if any
        if h["maximize"] or coupled is not None:
            g = given(r"\nabla f", self.internals.gradient)
            g = -g if h["maximize"] else g
            g = self.let("g_t", g + coupled * theta if coupled is not None else g)
        else:
            g = given("g_t", self.internals.gradient)
        if decay is not None and decoupled:
            theta = self.let(r"\theta_k'", (1 - self.eta * decay) * theta, note="decoupled weight decay")
        return g, theta

    def finish(self, term: Term, note: str = "") -> None:
        self.let(r"\theta_{k+1}", term, note=note)

    def first_moment(self, g: Term) -> Term:
        """The running average m_t of g, with β₁."""
        b1 = self.betas[0]
        return self.let("m_t", b1 * self.old("exp_avg", "m_{t-1}") + (1 - b1) * g, state="exp_avg")

    def second_moment(self, g: Term) -> Term:
        """The running average v_t of g², with β₂."""
        b2 = self.betas[1]
        return self.let("v_t", b2 * self.old("exp_avg_sq", "v_{t-1}") + (1 - b2) * g ** 2, state="exp_avg_sq")

    @property
    def betas(self) -> tuple[Term, Term]:
        b1, b2 = self.internals.hyperparameters["betas"]
        return given(r"\beta_1", b1), given(r"\beta_2", b2)


def _sgd(w: Worked, h: dict[str, Any]) -> None:
    g, theta = w.start()
    direction = g
    if h["momentum"]:
        mu = w.hyper(r"\mu", "momentum")
        if "momentum_buffer" in w.internals.before:
            fresh = g if not h["dampening"] else (1 - w.hyper(r"\tau", "dampening")) * g
            v = w.let("v_t", mu * w.old("momentum_buffer", "v_{t-1}") + fresh, state="momentum_buffer")
        else:
            v = w.let("v_t", g, state="momentum_buffer", note="first step: the buffer starts as g")
        direction = w.let("d_t", g + mu * v, note="Nesterov look-ahead") if h["nesterov"] else v
    w.finish(theta - w.eta * direction)


def _adagrad(w: Worked, h: dict[str, Any]) -> None:
    g, theta = w.start()
    eta = w.eta
    if h["lr_decay"]:
        eta = w.let(r"\tilde\eta", eta / (1 + (w.t - 1) * w.hyper(r"\delta", "lr_decay")))
    s0 = w.old("sum", "s_{t-1}", h["initial_accumulator_value"])
    s = w.let("s_t", s0 + g ** 2, state="sum")
    w.finish(theta - eta * g / (sqrt(s) + w.hyper(r"\epsilon", "eps")))


def _rmsprop(w: Worked, h: dict[str, Any]) -> None:
    (g, theta), alpha, eps = w.start(), w.hyper(r"\alpha", "alpha"), w.hyper(r"\epsilon", "eps")
    v = w.let("v_t", alpha * w.old("square_avg", "v_{t-1}") + (1 - alpha) * g ** 2, state="square_avg")
    if h["centered"]:
        mean = alpha * w.old("grad_avg", r"\bar g_{t-1}") + (1 - alpha) * g
        g_bar = w.let(r"\bar g_t", mean, state="grad_avg")
        denominator = w.let("D_t", sqrt(v - g_bar ** 2) + eps, note="centered on the mean gradient")
    else:
        denominator = w.let("D_t", sqrt(v) + eps)
    if h["momentum"]:
        b0 = w.old("momentum_buffer", "b_{t-1}")
        b = w.let("b_t", w.hyper(r"\mu", "momentum") * b0 + g / denominator, state="momentum_buffer")
        w.finish(theta - w.eta * b)
    else:
        w.finish(theta - w.eta * g / denominator)


def _adam(w: Worked, h: dict[str, Any], decoupled: bool | None = None) -> None:
    """Adam, or AdamW with ``decoupled=True`` (its rule has no flag: it always decouples)."""
    g, theta = w.start(h["decoupled_weight_decay"] if decoupled is None else decoupled)
    m, v = w.first_moment(g), w.second_moment(g)
    if h["amsgrad"]:
        v_max = maximum(w.old("max_exp_avg_sq", r"v^{\max}_{t-1}"), v)
        v = w.let(r"v^{\max}_t", v_max, state="max_exp_avg_sq", note="AMSGrad: the largest v so far")
    b1, b2 = w.betas
    m_hat = w.let(r"\hat m_t", m / w.correction("1 − β₁ᵗ (divides m)", 1 - b1 ** w.t))
    v_hat = w.let(r"\hat v_t", v / w.correction("1 − β₂ᵗ (divides v)", 1 - b2 ** w.t))
    w.finish(theta - w.eta * m_hat / (sqrt(v_hat) + w.hyper(r"\epsilon", "eps")))


def _nadam(w: Worked, h: dict[str, Any]) -> None:
    g, theta = w.start(h["decoupled_weight_decay"])
    (b1, b2), psi, t = w.betas, w.hyper(r"\psi", "momentum_decay"), w.t
    mu = w.let(r"\mu_t", b1 * (1 - 0.5 * 0.96 ** (t * psi)))
    mu_next = w.let(r"\mu_{t+1}", b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi)))
    product_before = given(r"\Pi_{t-1}", w.internals.before.get("mu_product", 1.0))
    w.let(r"\Pi_t", product_before * mu, state="mu_product", note="kept in float32, as torch.optim does")
    product = given(r"\Pi_t", w.internals.after["mu_product"])  # the rounded value the rule divides by
    m, v = w.first_moment(g), w.second_moment(g)
    v_hat = w.let(r"\hat v_t", v / w.correction("1 − β₂ᵗ (divides v)", 1 - b2 ** t))
    now = (1 - mu) / w.correction("1 − Πₜ (divides g)", 1 - product)
    ahead = mu_next / w.correction("1 − Πₜμₜ₊₁ (divides m)", 1 - product * mu_next)
    w.finish(theta - w.eta * (now * g + ahead * m) / (sqrt(v_hat) + w.hyper(r"\epsilon", "eps")))


def _radam(w: Worked, h: dict[str, Any]) -> None:
    g, theta = w.start(h["decoupled_weight_decay"])
    (b1, b2), t = w.betas, w.t
    m, v = w.first_moment(g), w.second_moment(g)
    m_hat = w.let(r"\hat m_t", m / w.correction("1 − β₁ᵗ (divides m)", 1 - b1 ** t))
    rho_inf = w.let(r"\rho_\infty", 2 / (1 - b2) - 1)
    rho = w.let(r"\rho_t", rho_inf - 2 * t * b2 ** t / (1 - b2 ** t))
    if rho.value <= 5:
        w.finish(theta - w.eta * m_hat, note="too early to rectify: a plain momentum step")
        return
    c2 = w.correction("1 − β₂ᵗ (its root scales the step)", 1 - b2 ** t)
    rect = w.let("r_t", sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)))
    eps = w.hyper(r"\epsilon", "eps")
    w.finish(theta - w.eta * m_hat * rect * sqrt(c2) / (sqrt(v) + eps),
             note="rectified: the variance estimate is tractable")


def _adadelta(w: Worked, h: dict[str, Any]) -> None:
    (g, theta), rho, eps = w.start(), w.hyper(r"\rho", "rho"), w.hyper(r"\epsilon", "eps")
    v = w.let("v_t", rho * w.old("square_avg", "v_{t-1}") + (1 - rho) * g ** 2, state="square_avg")
    u0 = w.old("acc_delta", "u_{t-1}")
    delta = w.let(r"\Delta_t", sqrt(u0 + eps) / sqrt(v + eps) * g)
    w.let("u_t", rho * u0 + (1 - rho) * delta ** 2, state="acc_delta")
    w.finish(theta - w.eta * delta)


def _adamax(w: Worked, h: dict[str, Any]) -> None:
    (g, theta), (b1, b2) = w.start(), w.betas
    m = w.first_moment(g)
    largest = maximum(b2 * w.old("exp_inf", "u_{t-1}"), absolute(g) + w.hyper(r"\epsilon", "eps"))
    u = w.let("u_t", largest, state="exp_inf")
    m_hat = w.let(r"\hat m_t", m / w.correction("1 − β₁ᵗ (divides m)", 1 - b1 ** w.t))
    w.finish(theta - w.eta * m_hat / u)


#: Each update rule of playground.optim (by function name) and its worked form.
RULES: dict[str, Callable[[Worked, dict[str, Any]], None]] = {
    "sgd": _sgd, "adagrad": _adagrad, "rmsprop": _rmsprop,
    "adam": _adam, "adamw": partial(_adam, decoupled=True),
    "nadam": _nadam, "radam": _radam, "adadelta": _adadelta, "adamax": _adamax,
}


def worked_update(i: Internals) -> Worked:
    """The step of ``i`` as worked LaTeX lines (vectors are (x, y), operations per coordinate)."""
    worked = Worked(i)
    RULES[METHODS[i.method].rule.__name__](worked, i.hyperparameters)
    return worked
