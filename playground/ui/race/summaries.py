"""The race page's text alternatives: one sentence per chart, computed from the runs it draws, and
each chart's data with headers in the page's language (for :func:`playground.ui.a11y.described`).

Functions of the race that draw nothing, so tests check the sentences against the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from playground.surfaces import Surface
from playground.trajectories import BasinMap, LineSlice, Trajectory
from playground.ui import format as fmt
from playground.ui.a11y import series_summary
from playground.ui.i18n import t
from playground.ui.race import charts


def _n(value: float) -> str:
    return fmt.number(float(value))


def _join(items: list[str]) -> str:
    return t("race.alt.join").join(items)


def _then(first: str, second: str) -> str:
    """Two sentences, one after the other (a space between them in English, none in Chinese)."""
    return t("race.alt.joined.sentences", first=first, second=second) if second else first


def _ends(curves: pd.DataFrame, field: str) -> pd.Series:
    """Each method's value of ``field`` at its last step in ``curves``, in race order."""
    last = curves.sort_values("step").groupby("method", sort=False).tail(1).set_index("method")[field]
    return last.reindex(list(dict.fromkeys(curves["method"])))


def _diverged(paths: Mapping[str, Trajectory], names: list[str]) -> str:
    """"Diverged: SGD at step 12." for the methods among ``names`` that diverged; "" if none did."""
    items = [t("race.alt.diverged_item", name=name, step=int(paths[name].diverged_at[0])) for name in names
             if paths[name].diverged_at[0] >= 0]
    return t("race.alt.diverged", items=_join(items)) if items else ""


def loss_summary(curves: pd.DataFrame, paths: Mapping[str, Trajectory]) -> str:
    """Which method ends with the lowest loss and which the highest (as the loss chart draws them)."""
    if curves.empty:
        return t("a11y.no_data", what=t("race.charts.loss"))
    ends, end = _ends(curves, "loss"), int(curves["step"].max())
    names = list(ends.index)
    if len(ends) == 1:
        first = curves.sort_values("step")["loss"].iloc[0]
        text = t("race.alt.loss_one", name=names[0], first=_n(first), last=_n(ends.iloc[0]), step=end)
    else:
        ranked = ends.sort_values(kind="stable")
        text = t("race.alt.loss", step=end, best=ranked.index[0], best_value=_n(ranked.iloc[0]),
                 worst=ranked.index[-1], worst_value=_n(ranked.iloc[-1]))
    return _then(text, _diverged(paths, names))


def grad_summary(curves: pd.DataFrame, paths: Mapping[str, Trajectory], tol: float) -> str:
    """Who first gets the gradient norm below ``tol`` (the step the summary table gives) and who is
    furthest from it at the end."""
    if curves.empty:
        return t("a11y.no_data", what=t("race.charts.grad_norm"))
    if tol <= 0:  # no tolerance to reach: where each ends
        return series_summary(curves, "method", "step", "grad_norm", t("race.charts.grad_norm"))
    ends, end = _ends(curves, "grad_norm"), int(curves["step"].max())
    reached = {name: paths[name].reached(tol) for name in ends.index}
    done = sorted((step, i, name) for i, (name, step) in enumerate(reached.items()) if step is not None)
    never = ends[[name for name, step in reached.items() if step is None]]
    if not done:
        return t("race.alt.grad_none", tol=_n(tol), end=end, best=ends.idxmin(), value=_n(ends.min()))
    (step, _, first) = done[0]
    if len(never):
        return t("race.alt.grad_some", first=first, tol=_n(tol), step=step, worst=never.idxmax(),
                 value=_n(never.max()), end=end)
    if len(done) == 1:
        return t("race.alt.grad_one", name=first, tol=_n(tol), step=step)
    (last_step, _, last) = done[-1]
    return t("race.alt.grad_all", first=first, tol=_n(tol), step=step, last=last, last_step=last_step)


def lr_summary(paths: Mapping[str, Trajectory]) -> str:
    """Each method's learning rate at the first and the last update, and its peak where that is
    higher than both; a method whose rate never changed, that rate (one sentence when none did)."""
    items, kept = [], {}
    for name, path in paths.items():
        lrs = path.lrs[:, 0]
        first, last, peak = float(lrs[0]), float(lrs[-1]), int(np.argmax(lrs))
        if (lrs == first).all():
            kept[name] = _n(first)
            items.append(t("race_lr.kept", name=name, lr=kept[name]))
        elif lrs[peak] > max(first, last):
            items.append(t("race.alt.lr_peak", name=name, first=_n(first), last=_n(last), peak=_n(lrs[peak]),
                           step=peak))
        else:
            items.append(t("race.alt.lr_item", name=name, first=_n(first), last=_n(last)))
    end = max(path.steps for path in paths.values()) - 1
    if len(kept) == len(paths):
        return t("race_lr.constant", end=end,
                 items=_join([t("race_lr.constant_item", name=name, lr=lr) for name, lr in kept.items()]))
    return t("race.alt.lr", end=end, items=_join(items))


def map_frame(paths: Mapping[str, Trajectory], surface: Surface, step: int) -> pd.DataFrame:
    """Where each method is at ``step`` (the map's markers): position, loss and distance to the
    nearest known minimum (empty where there is none)."""
    rows = []
    for name, path in paths.items():
        k = min(step, path.steps)
        x, y = (float(v) for v in path.positions[k, 0])
        # diverged at step 0: the engine's loss is a placeholder, f where it is undefined is the truth
        loss = float(surface.value(x, y)) if path.diverged_at[0] == 0 else float(path.losses[k, 0])
        _, distance = surface.nearest_minimum(x, y)
        rows.append({"method": name, "step": k, "x": x, "y": y, "loss": loss,
                     "distance": float(distance) if np.isfinite(distance) else None})
    return pd.DataFrame(rows)


def map_summary(paths: Mapping[str, Trajectory], frame: pd.DataFrame, step: int) -> str:
    """Where each method's marker is at the shown step, and which is closest to a known minimum."""
    items = []
    for row in frame.itertuples():
        at = int(paths[str(row.method)].diverged_at[0])
        if 0 <= at <= step:
            items.append(t("race.alt.map_diverged", name=row.method, at=at, x=_n(row.x), y=_n(row.y)))
        else:
            items.append(t("race.alt.map_item", name=row.method, x=_n(row.x), y=_n(row.y), loss=_n(row.loss)))
    steps = max(path.steps for path in paths.values())
    text = t("race.alt.map", step=min(step, steps), steps=steps, items=_join(items))
    distances = frame["distance"].dropna()
    if not len(distances):
        return text
    closest = frame.loc[distances.idxmin()]
    return _then(text, t("race.alt.map_closest", name=closest["method"], distance=_n(closest["distance"])))


def surface_summary(frame: pd.DataFrame, step: int, steps: int) -> str:
    """The 3-D view's sentence: the methods at the shown step (a :func:`map_frame`), lowest on the
    surface first (its height rises with f)."""
    ranked = frame.sort_values("loss", kind="stable", na_position="last")
    items = [t("race_3d.alt_item", name=row.method, loss=_n(row.loss)) for row in ranked.itertuples()]
    return t("race_3d.alt", step=min(step, steps), steps=steps, items=_join(items))


def basins_summary(maps: Mapping[str, BasinMap], surface: Surface, field: str) -> str:
    """Outcome colours: where most starts of each method end. Step colours: the fewest, most and
    median steps of the starts that converged."""
    items, names = [], charts.outcome_names(surface)
    for name, b in maps.items():
        if field == "outcome":
            values, counts = np.unique(b.label, return_counts=True)
            top = int(np.argmax(counts))
            items.append(t("race.alt.basins_item", name=name, share=fmt.percent(counts[top] / b.label.size),
                           outcome=names[int(values[top])]))
        else:
            converged = b.steps[(b.label >= 0) & (b.steps >= 0)]
            items.append(t("race.alt.steps_item", name=name, fastest=int(converged.min()),
                           slowest=int(converged.max()), median=_n(float(np.median(converged))))
                         if len(converged) else t("race.alt.steps_none", name=name))
    starts = next(iter(maps.values())).label.size
    if field == "outcome":
        return t("race.alt.basins", starts=starts, items=_join(items))
    return t("race.alt.steps", items=_join(items))


def slice_summary(slices: Mapping[str, LineSlice], paths: Mapping[str, Trajectory]) -> str:
    """Per method, whether the straight line from the start to its end crosses a ridge (how much
    higher than the start), only descends, or dips below its end on the way; a diverged method's
    line ends at its last finite point, and the sentence says so."""
    if not slices:
        return t("a11y.no_data", what=t("race_slice.title"))
    items = []
    for name, line in slices.items():
        if line.rise > 0:
            top = int(np.nanargmax(line.loss))
            item = t("race_slice.ridge", name=name, rise=_n(line.rise), peak=_n(line.loss[top]),
                     s=_n(line.s[top]))
        elif line.descends:
            item = t("race_slice.descends", name=name)
        else:
            low = int(np.nanargmin(line.loss))
            item = t("race_slice.dips", name=name, low=_n(line.loss[low]), s=_n(line.s[low]))
        at = int(paths[name].diverged_at[0])
        items.append(t("race_slice.diverged", item=item, step=at - 1) if at > 0 else item)
    return t("race_slice.summary", items=_join(items))


def table(frame: pd.DataFrame, *fields: str) -> pd.DataFrame:
    """A chart's data with its headers in the page's language: the method, the step, x and y where
    the frame has them, then ``fields`` (the frames' own column names), each named as its chart names it."""
    names = {"method": t("race.charts.method"), "step": t("race.charts.step"), "loss": t("race.charts.loss"),
             "grad_norm": t("race.charts.grad_norm"), "lr": t("race.charts.lr"),
             "distance": t("race.summary.distance"), "outcome": t("race.basins.ends_in"),
             "steps": t("race.basins.steps_to_converge"), "s": t("race_slice.axis")}
    columns = [c for c in ("method", "step", "x", "y") if c in frame.columns and c not in fields]
    return frame[[*columns, *fields]].rename(columns=names).reset_index(drop=True)
