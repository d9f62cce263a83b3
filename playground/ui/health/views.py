"""What the gradient-health page says about a run, in metrics and words: every number in it is
formatted from the run itself, so a preset's description and the page it opens agree."""

from __future__ import annotations

import streamlit as st

from playground.backprop.health import (
    DIVERGED_GROWTH,
    DIVERGES,
    EXPLODED,
    HEALTHY_SPREAD,
    TRAINS,
    TRAINS_BELOW,
    VANISHED,
    Run,
)

SPREAD_HELP = (f"Healthy: first and last layer within {HEALTHY_SPREAD:g}× of each other, every norm in "
               f"[{VANISHED:g}, {EXPLODED:g}].")
LOSS_HELP = (f"Trains: no step diverges and the last step's loss is at most {TRAINS_BELOW:.0%} of the "
             f"first step's. Diverges: the loss or a gradient overflowed, or the loss grew "
             f"{DIVERGED_GROWTH:.0e}-fold.")


def number(value: float) -> str:
    return f"{value:.3g}"


def outcome(run: Run) -> str:
    """'trains', 'does not train' or 'diverges at step k'."""
    return f"{DIVERGES} at step {run.diverged_at}" if run.outcome == DIVERGES else run.outcome


def losses(run: Run) -> str:
    """The loss at the first and the last recorded step ('—' if the very first step diverged)."""
    loss = run.steps.loss
    return f"{number(loss.iloc[0])} → {number(loss.iloc[-1])}" if len(loss) else "—"


def measured(run: Run, lr: float) -> str:
    """One sentence of what the page will show for ``run``."""
    return (f"first ÷ last = {number(run.spread)} ({run.verdict}); at lr {lr:g} the loss goes {losses(run)} "
            f"({outcome(run)})")


def metrics(run: Run, depth: int) -> None:
    """First and last layer's gradient norm, their ratio with its verdict, and the loss with the outcome."""
    norms = run.at_init().grad_norm
    first, last, spread, loss = st.columns(4)
    first.metric("‖∂L/∂W‖, first layer", f"{norms.iloc[0]:.2e}")
    last.metric(f"‖∂L/∂W‖, last layer ({depth})", f"{norms.iloc[-1]:.2e}")
    spread.metric("first ÷ last", number(run.spread), delta=run.verdict, delta_arrow="off",
                  delta_color="green" if run.verdict == "healthy" else "red", help=SPREAD_HELP)
    loss.metric("loss, first → last step", losses(run), delta=outcome(run), delta_arrow="off",
                delta_color="green" if run.outcome == TRAINS else "red", help=LOSS_HELP)
