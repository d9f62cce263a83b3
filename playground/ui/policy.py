"""The training-policy controls the lab and Training runs share: which kind of L1 and which kind
of weight decay, by the names both pages show (one policy, see
:mod:`playground.regularization.penalties` and :mod:`playground.regularization.optimizers`)."""

from __future__ import annotations

from streamlit.delta_generator import DeltaGenerator

from playground.regularization.optimizers import DECAYS
from playground.regularization.penalties import L1_KINDS
from playground.ui.urlstate import QueryState


def l1_kind(qs: QueryState, *, where: DeltaGenerator | None = None, disabled: bool = False) -> str:
    return qs.choice("l1_kind", "L1 applied as", L1_KINDS, "proximal", widget="radio", where=where,
                     format_func=lambda kind: L1_KINDS[kind], disabled=disabled,
                     help="The proximal step snaps small weights to exactly zero after each step; the "
                          "penalty adds λΣ|w| to the loss, whose subgradient makes them jitter around zero.")


def decay(qs: QueryState, *, where: DeltaGenerator | None = None, disabled: bool = False) -> str:
    """The decay kind asked for (a method that lacks it uses the one it has, and the page says so)."""
    return qs.choice("decay", "Weight decay kind", DECAYS, "decoupled", widget="radio", where=where,
                     format_func=lambda kind: DECAYS[kind], disabled=disabled,
                     help="Decoupled: θ ← (1 − ηλ)θ, outside the adaptive step (AdamW). Coupled: λθ is "
                          "added to the gradient. Both apply to weight matrices only, never to biases or "
                          "normalization. torch.optim offers the decoupled kind for Adam, AdamW, NAdam and "
                          "RAdam only.")
