"""The training-policy controls the lab and Training runs share: which kind of L1 and which kind
of weight decay, by the names both pages show (one policy, see
:mod:`playground.regularization.penalties` and :mod:`playground.regularization.optimizers`).
The link keeps the kinds' own names; the page shows them in its language, looked up in dicts made
during the run, so a format_func called after it (AppTest calls it outside the run) answers in that
language too."""

from __future__ import annotations

from streamlit.delta_generator import DeltaGenerator

from playground.regularization.optimizers import DECAYS
from playground.regularization.penalties import L1_KINDS
from playground.ui.i18n import t
from playground.ui.urlstate import QueryState


def l1_kinds() -> dict[str, str]:
    """How the page names each L1 kind (:data:`~playground.regularization.penalties.L1_KINDS`)."""
    return {"proximal": t("policy.l_one.proximal"), "penalty": t("policy.l_one.penalty")}


def decays() -> dict[str, str]:
    """How the page names each weight-decay kind (:data:`~playground.regularization.optimizers.DECAYS`)."""
    return {"decoupled": t("policy.decay.decoupled"), "coupled": t("policy.decay.coupled")}


def decay_rules() -> dict[str, str]:
    """What each weight-decay kind does to the weights, in words and symbols."""
    return {"decoupled": t("policy.decay.decoupled_rule"), "coupled": t("policy.decay.coupled_rule")}


def l1_kind(qs: QueryState, *, where: DeltaGenerator | None = None, disabled: bool = False) -> str:
    return qs.choice("l1_kind", t("policy.l_one.label"), L1_KINDS, "proximal", widget="radio", where=where,
                     format_func=l1_kinds().__getitem__, disabled=disabled, help=t("policy.l_one.help"))


def decay(qs: QueryState, *, where: DeltaGenerator | None = None, disabled: bool = False) -> str:
    """The decay kind asked for (a method that lacks it uses the one it has, and the page says so)."""
    return qs.choice("decay", t("policy.decay.label"), DECAYS, "decoupled", widget="radio", where=where,
                     format_func=decays().__getitem__, disabled=disabled, help=t("policy.decay.help"))
