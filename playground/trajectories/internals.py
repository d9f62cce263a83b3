r"""Inside the optimizer: one method, one start, one step, read from the state dict its rule fills.

:func:`inspect` replays the run to step k with the same engine (same noise draws, clipping and
schedule), copies the rule's state for the chosen start, takes step k, and copies it again.
:func:`worked_update` then writes the update rule with those numbers substituted, as LaTeX.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.surfaces import Surface
from playground.trajectories.engine import Engine, RunOptions

#: What each torch.optim state key means, with the symbol the formulas use.
STATE_LABELS: dict[str, tuple[str, str]] = {
    "momentum_buffer": ("v", "velocity (momentum buffer)"),
    "exp_avg": ("m", "first moment: running mean of g"),
    "exp_avg_sq": ("v", "second moment: running mean of g²"),
    "max_exp_avg_sq": (r"v_{\max}", "largest second moment so far (AMSGrad)"),
    "square_avg": ("s", "running mean of g²"),
    "grad_avg": (r"\bar g", "running mean of g (centered)"),
    "sum": ("s", "sum of all g²"),
    "acc_delta": ("u", "running mean of squared updates"),
    "exp_inf": ("u", "running max of |g|"),
}
FIRST_MOMENT = ("exp_avg", "momentum_buffer")
SECOND_MOMENT = ("exp_avg_sq", "square_avg", "sum", "exp_inf")


@dataclass(frozen=True)
class Internals:
    """Step ``step`` (from ``position`` = θ_k to θ_{k+1}) of one start; vectors are (x, y)."""

    method: str
    step: int
    hyperparameters: dict[str, Any]
    position: np.ndarray        # θ_k
    gradient: np.ndarray        # g as the rule received it (after noise and clipping)
    lr: float                   # η at this step (after the schedule)
    before: dict[str, Any]      # the rule's state for this start before the step
    after: dict[str, Any]       # ... and after it
    update: np.ndarray          # θ_{k+1} - θ_k
    frozen_at: int = -1         # the step at which this start had already stopped or diverged (-1: moving)

    @property
    def t(self) -> int:
        """The rule's own step count for this update (1 on the first step)."""
        return self.step + 1

    @property
    def bias_corrections(self) -> tuple[float, float] | None:
        """(1 - β1^t, 1 - β2^t) for the Adam family; None for methods without betas."""
        betas = self.hyperparameters.get("betas")
        return None if betas is None else (1 - betas[0] ** self.t, 1 - betas[1] ** self.t)

    @property
    def first_moment(self) -> np.ndarray | None:
        return next((self.after[key] for key in FIRST_MOMENT if key in self.after), None)

    @property
    def second_moment(self) -> np.ndarray | None:
        return next((self.after[key] for key in SECOND_MOMENT if key in self.after), None)

    @property
    def effective_step(self) -> np.ndarray:
        """Per coordinate, how far the point moved per unit of gradient, -Δθ_i / g_i: η for plain
        SGD, larger where momentum or an adaptive denominator amplifies the step (0 where g_i = 0)."""
        g = self.gradient
        safe = np.where(g != 0, g, 1.0)
        return np.where(g != 0, -self.update / safe, 0.0)


def _row(value: Any, index: int) -> Any:
    """This start's entry of a state value: a (K, 2) buffer's row, or a scalar as a float."""
    array = np.asarray(value, dtype=float)
    return array[index].copy() if array.ndim == 2 else float(array)


def inspect(surface: Surface, method: str, start: Sequence[float] | np.ndarray, step: int, steps: int,
            options: RunOptions | None = None, index: int = 0, **hyperparameters: Any) -> Internals:
    """The optimizer's internals at 0-based ``step`` of a ``steps``-step run of ``method`` (with
    ``options`` and ``hyperparameters`` as in :func:`run`) from start ``index`` of ``start``."""
    if not 0 <= step < steps:
        raise ValueError(f"step must be from 0 to {steps - 1}, not {step}")
    engine = Engine(surface, {method: hyperparameters}, start, steps, options or RunOptions())
    if not 0 <= index < engine.K:
        raise ValueError(f"index must be from 0 to {engine.K - 1}, not {index}")
    for _ in range(step):
        engine.step()
    state = engine.states[0]
    before = {key: _row(value, index) for key, value in state.items()}
    position = engine.P[index].copy()
    frozen_at = max(engine.diverged_at[index], engine.stopped_at[index]) if not engine.active[index] else -1
    engine.step()
    lr = float(engine.base_lr[0] * engine.factors[step] * engine.used[index])
    after = {key: _row(value, index) for key, value in state.items()}
    return Internals(method, step, engine.hyper[0], position, engine.G[index].copy(), lr, before, after,
                     engine.P[index] - position, int(frozen_at))


def number(value: float) -> str:
    """A number for LaTeX: 4 significant digits, powers of ten written out."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return r"\text{" + str(value) + "}"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def vector(values: Sequence[float]) -> str:
    return r"\begin{pmatrix}" + r" \\ ".join(number(float(v)) for v in values) + r"\end{pmatrix}"


def worked_update(i: Internals) -> list[str]:
    """LaTeX lines: the method's update with this step's numbers substituted (vector operations
    are per coordinate). Methods or settings without a worked form get the generic θ + Δθ line."""
    h, g, eta, t = i.hyperparameters, i.gradient, number(i.lr), i.t

    def move(symbolic: str, numeric: str) -> str:
        return (rf"\theta_{{k+1}} = \theta_k - {symbolic} = {vector(i.position)} - {numeric} = "
                rf"{vector(i.position + i.update)}")

    def old(key: str) -> str:
        return vector(i.before.get(key, np.zeros(2)))

    plain = not h.get("weight_decay") and not h.get("maximize")
    if i.method in ("SGD", "Momentum", "NAG") and plain and h["dampening"] == 0:
        if h["momentum"] == 0:
            return [move(r"\eta\,g", rf"{eta}\cdot{vector(g)}")]
        mu, v = number(h["momentum"]), vector(i.after["momentum_buffer"])
        velocity = rf"v_t = \mu\,v_{{t-1}} + g = {mu}\cdot{old('momentum_buffer')} + {vector(g)} = {v}"
        if h["nesterov"]:
            look_ahead = rf"{eta}\cdot\left({vector(g)} + {mu}\cdot{v}\right)"
            return [velocity, move(r"\eta\,(g + \mu\,v_t)", look_ahead)]
        return [velocity, move(r"\eta\,v_t", rf"{eta}\cdot{v}")]
    extras = ("lr_decay", "momentum", "centered", "initial_accumulator_value")
    adaptive = plain and not any(h.get(k) for k in extras)
    if i.method in ("AdaGrad", "RMSprop") and adaptive:
        key = "sum" if i.method == "AdaGrad" else "square_avg"
        s, g2 = i.after[key], vector(g * g)
        if i.method == "AdaGrad":
            average = rf"s_t = s_{{t-1}} + g^2 = {old(key)} + {g2} = {vector(s)}"
        else:
            a, b = number(h["alpha"]), number(1 - h["alpha"])
            average = (rf"s_t = \alpha\,s_{{t-1}} + (1-\alpha)\,g^2 = {a}\cdot{old(key)} + {b}\cdot{g2} = "
                       rf"{vector(s)}")
        step = rf"\frac{{{eta}\cdot{vector(g)}}}{{{vector(np.sqrt(s))} + {number(h['eps'])}}}"
        return [average, move(r"\frac{\eta\,g}{\sqrt{s_t} + \epsilon}", step)]
    if i.method == "Adam" and plain and not h["amsgrad"]:
        (b1, b2), (c1, c2) = h["betas"], i.bias_corrections
        m, v = i.after["exp_avg"], i.after["exp_avg_sq"]
        m_hat, v_hat = m / c1, v / c2
        return [
            rf"m_t = \beta_1 m_{{t-1}} + (1-\beta_1)\,g = {number(b1)}\cdot{old('exp_avg')} + "
            rf"{number(1 - b1)}\cdot{vector(g)} = {vector(m)}",
            rf"v_t = \beta_2 v_{{t-1}} + (1-\beta_2)\,g^2 = {number(b2)}\cdot{old('exp_avg_sq')} + "
            rf"{number(1 - b2)}\cdot{vector(g * g)} = {vector(v)}",
            rf"\hat m_t = \frac{{m_t}}{{1-\beta_1^{{{t}}}}} = \frac{{{vector(m)}}}{{{number(c1)}}} = "
            rf"{vector(m_hat)},"
            rf"\quad \hat v_t = \frac{{v_t}}{{1-\beta_2^{{{t}}}}} = \frac{{{vector(v)}}}{{{number(c2)}}} = "
            rf"{vector(v_hat)}",
            move(r"\frac{\eta\,\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
                 rf"\frac{{{eta}\cdot{vector(m_hat)}}}{{{vector(np.sqrt(v_hat))} + {number(h['eps'])}}}"),
        ]
    return [rf"\theta_{{k+1}} = \theta_k + \Delta\theta = {vector(i.position)} + {vector(i.update)} = "
            rf"{vector(i.position + i.update)}"]
