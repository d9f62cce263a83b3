"""The MNIST-1D paper's table beside the student's own runs: the 1-D CNN's spatial inductive bias,
there on MNIST-1D and gone once the positions are shuffled."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from playground.datasets.mnist1d import VARIANTS
from playground.train.loop import RunResult
from playground.train.paper import PAPER, best_accuracies
from playground.train.presets import PAGE_RECIPE
from playground.ui import format as fmt
from playground.ui.i18n import t

COLUMNS = ("model", "paper", "yours", "paper_shuffled", "yours_shuffled")


def frame(results: Iterable[RunResult]) -> pd.DataFrame:
    """One row per model of the paper: its test accuracy on MNIST-1D and on the shuffled variant, each
    beside the best of ``results`` (— where none finished), as the page writes accuracies."""
    best = best_accuracies(results)
    rows = [{"model": t(f"runs.models.{row.model}"), "paper": fmt.percent(row.mnist1d),
             "yours": fmt.percent(best.get((row.model, "mnist1d"))),
             "paper_shuffled": fmt.percent(row.shuffled),
             "yours_shuffled": fmt.percent(best.get((row.model, "mnist1d_shuffled")))} for row in PAPER]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def table(dataset: str, results: Iterable[RunResult]) -> None:
    """The table and what it shows, while an MNIST-1D variant is the chosen dataset."""
    if dataset not in VARIANTS:
        return
    st.subheader(t("runs_mnist1d.title"))
    headers = {"model": t("runs_mnist1d.columns.model"), "paper": t("runs_mnist1d.columns.paper"),
               "yours": t("runs_mnist1d.columns.yours"),
               "paper_shuffled": t("runs_mnist1d.columns.paper_shuffled"),
               "yours_shuffled": t("runs_mnist1d.columns.yours_shuffled")}
    text = st.column_config.TextColumn
    st.dataframe(frame(results), hide_index=True,
                 column_config={name: text(header) for name, header in headers.items()})
    st.caption(t("runs_mnist1d.caption", epochs=PAGE_RECIPE.epochs, lr=fmt.number(PAGE_RECIPE.lr),
                 batch=PAGE_RECIPE.batch_size))
