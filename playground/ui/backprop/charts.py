"""What the stepper draws, as plain data: the graph as DOT text, the chain rule as LaTeX, tables, and
the sentences that read the graph and the error-vs-h chart to a screen reader.

No widgets here, so every function is unit-tested on its output; its words come from the catalogues
(English outside a page).
"""

from __future__ import annotations

import math
import re
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from playground.backprop import gradcheck
from playground.backprop.gradcheck import CORRECT, SUSPICIOUS, WRONG
from playground.backprop.graph import INPUT, OP, PARAM, Graph, Step, final_steps, gradients_after
from playground.ui.i18n import t
from playground.ui.theme import OKABE_ITO

TOLERANCE = 1e-10  # manual vs autograd, float64
_MARKS = {CORRECT: "✓", SUSPICIOUS: "⚠", WRONG: "✗"}
VERDICT_COLORS: dict[str, Literal["green", "orange", "red"]] = {CORRECT: "green", SUSPICIOUS: "orange",
                                                                WRONG: "red"}
_FILL = {INPUT: "#EEEEEE", PARAM: "#D6E9F5"}  # light Okabe–Ito blue for what is learned
_CURRENT, _FLOW = "#F8DFB0", OKABE_ITO[4]


FLOAT64_MAX, FLOAT64_TINY = float(np.finfo(np.float64).max), float(np.finfo(np.float64).smallest_subnormal)
MISSING = "—"


def fmt(value: float, minus: str = "−", spec: str = ".4g") -> str:
    """``value`` to ``spec`` with a true minus sign: a zero prints as 0 (never −0), an overflow as ∞,
    −∞ or NaN."""
    if math.isnan(value):
        return "NaN"
    text = f"{abs(value):{spec}}" if math.isfinite(value) else "∞"
    return minus + text if value < 0 else text


def operand(value: float) -> str:
    """A number as it is put into a formula: negatives in parentheses, as in ``−(1 − (−0.6))``."""
    return f"({fmt(value)})" if value < 0 else fmt(value)


def verdict_word(verdict: str) -> str:
    """A gradient check's verdict in the page's language."""
    return {CORRECT: t("backprop.verdicts.correct"), SUSPICIOUS: t("backprop.verdicts.suspicious"),
            WRONG: t("backprop.verdicts.wrong")}[verdict]


def verdict_mark(verdict: str) -> str:
    """The verdict with its sign, e.g. "✓ correct"."""
    return f"{_MARKS[verdict]} {verdict_word(verdict)}"


def kind_name(kind: str) -> str:
    """A node's kind (data, learnable or computed) in the page's language."""
    names = {INPUT: t("backprop.table.input"), PARAM: t("backprop.table.param"), OP: t("backprop.table.op")}
    return names[kind]


def error_jump(clean: float, bugged: float) -> str:
    """The planted bug's relative error as a multiple of the bug-free one."""
    return t("backprop.check.jump", jump=bugged / clean) if clean > 0 else t("backprop.check.clean_zero")


def _dot_text(text: str) -> str:
    """Quote for a DOT string; a newline becomes DOT's centred line break."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(graph: Graph, steps: list[Step], done: int) -> str:
    """The graph left to right, values on the nodes, local derivatives on the edges; after ``done``
    backward steps the nodes show the gradients known so far and the current step is highlighted."""
    known = gradients_after(steps, done)
    current = steps[done - 1] if done else None
    lines = ["digraph backprop {", "rankdir=LR; nodesep=0.08; ranksep=0.35;",
             'node [fontname="Helvetica", fontsize=14, style=filled, fillcolor=white, color="#555555", '
             "margin=0.04, height=0.3];",
             'edge [fontname="Helvetica", fontsize=11, color="#AAAAAA", fontcolor="#777777", arrowsize=0.6];']
    columns: dict[int, list[str]] = {}
    for node in graph.nodes.values():
        columns.setdefault(node.column, []).append(node.name)
        label = f"{node.name} = {fmt(node.value)}"
        if node.name in known:
            label += f"\n∂L/∂· = {fmt(known[node.name])}"
        fill = _CURRENT if current and node.name == current.node else _FILL.get(node.kind, "white")
        shape = "box" if node.kind in _FILL else ("doubleoctagon" if node is graph.loss else "ellipse")
        tooltip = node.formula or kind_name(node.kind)
        lines.append(f'"{_dot_text(node.name)}" [label="{_dot_text(label)}", shape={shape}, '
                     f'fillcolor="{fill}", tooltip="{_dot_text(tooltip)}"];')
    for column in columns.values():
        lines.append("{rank=same; " + " ".join(f'"{_dot_text(n)}";' for n in column) + "}")
    flowing = {(p.parent, p.child): p for p in current.products} if current else {}
    for node in graph.nodes.values():
        for parent, local in zip(node.parents, node.local, strict=True):
            edge = f'"{_dot_text(parent)}" -> "{_dot_text(node.name)}"'
            if (parent, node.name) in flowing:
                product = flowing[parent, node.name]
                label = f"{fmt(product.incoming)} × {fmt(local)} = {fmt(product.product)}"
                lines.append(f'{edge} [label="{label}", color="{_FLOW}", fontcolor="{_FLOW}", penwidth=2.5, '
                             f'dir=back, fontsize=10];')
            else:
                lines.append(f'{edge} [label="{fmt(local)}"];')
    lines.append("}")
    return "\n".join(lines)


def graph_summary(graph: Graph, steps: list[Step], done: int) -> str:
    """The graph in words, for a screen reader: its size and loss, then the step shown (what the
    highlighted edges carry) and how many nodes have a gradient so far."""
    edges = sum(len(node.parents) for node in graph.nodes.values())
    sentence = t("backprop.alt.graph", nodes=len(graph.nodes), edges=edges, loss=fmt(graph.loss.value))
    if not done:
        return t("backprop.alt.graph_forward", graph=sentence)
    step = steps[done - 1]
    products = t("backprop.alt.separator").join(
        t("backprop.alt.graph_product", parent=p.parent, incoming=operand(p.incoming),
          local=operand(p.local), product=fmt(p.product)) for p in step.products)
    return t("backprop.alt.graph_step", graph=sentence, done=done, total=len(steps), node=step.node,
             gradient=fmt(step.incoming), products=products, known=len(gradients_after(steps, done)),
             nodes=len(graph.nodes))


def tex(name: str) -> str:
    """A node name as LaTeX: ``W1[1,2]`` → ``W^{(1)}_{12}``, ``ŷ[1]`` → ``\\hat y_{1}``, ``w2`` → ``w_2``."""
    match = re.fullmatch(r"([A-Za-zŷ]+?)(\d?)(?:\[([\d,]+)\])?", name)
    if not match:
        return rf"\text{{{name}}}"
    base, layer, index = match.groups()
    base = r"\hat y" if base == "ŷ" else base
    if index is not None:
        sub = index.replace(",", "")
        return f"{base}^{{({layer})}}_{{{sub}}}" if layer else f"{base}_{{{sub}}}"
    return f"{base}_{{{layer}}}" if layer else base


def step_latex(step: Step) -> str:
    r"""The chain rule of one step with its numbers, one line per parent:
    ∂L/∂parent += ∂L/∂node · ∂node/∂parent."""
    node = tex(step.node)
    lines = [rf"\frac{{\partial L}}{{\partial {tex(p.parent)}}} &\mathrel{{+}}= "
             rf"\underbrace{{\frac{{\partial L}}{{\partial {node}}}}}_{{{fmt(p.incoming, '-')}}} \cdot "
             rf"\underbrace{{\frac{{\partial {node}}}{{\partial {tex(p.parent)}}}}}_{{{fmt(p.local, '-')}}} "
             rf"= {fmt(p.product, '-')}" for p in step.products]
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def step_table(step: Step) -> pd.DataFrame:
    """One row per parent: incoming × local = product, and the parent's sum so far (as text, see
    :func:`gradient_table`)."""
    to, incoming = t("backprop.table.to"), t("backprop.table.incoming", node=step.node)
    local, product = t("backprop.table.local", node=step.node), t("backprop.table.product")
    so_far = t("backprop.table.so_far")
    return pd.DataFrame([{to: p.parent, incoming: _cell(p.incoming), local: _cell(p.local),
                          product: _cell(p.product), so_far: _cell(p.total)} for p in step.products])


def _cell(value: float | None, spec: str = ".6g") -> str:
    return MISSING if value is None else fmt(value, spec=spec)


def gradient_table(graph: Graph, steps: list[Step], done: int, autograd: dict[str, float]) -> pd.DataFrame:
    """Every node: its value, the gradient backprop has so far, autograd's, and a ✓ once it is final.
    Numbers are text, so that a gradient not yet reached (or not yet final) shows MISSING and an
    overflow shows ∞ or NaN: a table cell cannot tell a missing number from NaN."""
    known, final = gradients_after(steps, done), final_steps(steps)
    partial = t("backprop.table.partial")
    rows = []
    for node in graph.nodes.values():
        grad = known.get(node.name)
        diff: float | None = None
        status = partial if grad is not None else ""
        if final.get(node.name, math.inf) <= done:
            assert grad is not None, "a node's gradient is final only after a backward step has reached it"
            diff = abs(grad - autograd[node.name])
            status = "✓" if diff <= TOLERANCE else "✗"
        rows.append({t("backprop.table.node"): node.name, t("backprop.table.kind"): kind_name(node.kind),
                     t("backprop.table.value"): _cell(node.value), t("backprop.table.backprop"): _cell(grad),
                     t("backprop.table.autograd"): _cell(autograd[node.name]),
                     t("backprop.table.difference"): _cell(diff, ".1e"), t("backprop.table.check"): status})
    return pd.DataFrame(rows)


def _names(names: list[str], most: int = 8) -> str:
    shown = ", ".join(names[:most])
    return t("backprop.overflow.more", names=shown, more=len(names) - most) if len(names) > most else shown


def overflow_notice(graph: Graph, steps: list[Step], autograd: dict[str, float]) -> str | None:
    """Which numbers are not finite, and where the first ∞ and the first NaN came from (None if all are
    finite). Forward values are created in order and backward products visited in order, so the first
    non-finite one of each is its cause."""
    final = gradients_after(steps)
    def not_finite(numbers: dict[str, float]) -> list[str]:
        return [name for name in graph.nodes if not math.isfinite(numbers[name])]

    values = {name: node.value for name, node in graph.nodes.items()}
    columns = {t("backprop.table.value"): not_finite(values), t("backprop.table.backprop"): not_finite(final),
               t("backprop.table.autograd"): not_finite(autograd)}
    if not any(columns.values()):
        return None
    lines = [t("backprop.overflow.intro", largest=FLOAT64_MAX, tiny=FLOAT64_TINY)]
    lines += [f"- *{column}*: {_names(names)}" for column, names in columns.items() if names]
    if first := next((n for n in graph.nodes.values() if not math.isfinite(n.value)), None):
        parents = ", ".join(f"{p} = {fmt(graph.nodes[p].value)}" for p in first.parents)
        lines.append(t("backprop.overflow.forward", name=first.name, value=fmt(first.value),
                       formula=first.formula, parents=parents))
    products = [p for step in steps for p in step.products]
    for kind, bad in (("∞", math.isinf), ("NaN", math.isnan)):
        if cause := next((p for p in products if bad(p.product)), None):
            lines.append(t("backprop.overflow.backward", kind=kind, child=cause.child, parent=cause.parent,
                           incoming=operand(cause.incoming), local=operand(cause.local),
                           product=fmt(cause.product)))
    if at := next((done for done, step in enumerate(steps, start=1)
                   if not all(math.isfinite(p.product) for p in step.products)), None):
        lines.append(t("backprop.overflow_step.backward", step=at, total=len(steps)))
    lines.append("\n" + t("backprop.overflow.fix"))
    return "\n".join(lines)


def check_overflow_notice(zeros: list[tuple[int, int, bool]], report: gradcheck.GradCheckReport,
                          batch: int) -> str:
    """Why a gradient check's numbers are NaN: the softmax outputs of its batch that rounded to 0, each
    (example, class, whether it is the example's own class), as
    :func:`~playground.backprop.mlp.rounded_to_zero` finds them, and what that does to ``report``."""
    gap = -math.log(FLOAT64_TINY)  # how far below the largest output an output's p rounds to 0
    lines = [t("backprop.check_overflow.intro", batch=batch, tiny=FLOAT64_TINY, gap=gap)]
    lines += [t("backprop.check_overflow.own", example=example, k=k) if own else
              t("backprop.check_overflow.other", example=example, k=k) for example, k, own in zeros]
    params = [check.name for check in report.params if not np.isfinite(check.numerical).all()]
    lines.append("\n" + t("backprop.check_overflow.effect", params=", ".join(params)))
    lines.append("\n" + t("backprop.check_overflow.fix", gap=gap))
    return "\n".join(lines)


def max_difference(graph: Graph, autograd: dict[str, float]) -> float:
    final = gradients_after(graph.backward())
    return max(abs(final[name] - autograd[name]) for name in graph.nodes)


def output_error_table(p: np.ndarray, y: np.ndarray, grads: dict[str, float]) -> pd.DataFrame:
    """Softmax + cross-entropy: the backpropagated ∂L/∂o next to p − y."""
    names = [f"o[{k + 1}]" for k in range(len(p))]
    return pd.DataFrame({t("backprop.table.output"): names, "p": p, "y": y, "p − y": p - y,
                         t("backprop.table.output_backprop"): [grads[n] for n in names]})


def gradcheck_table(report: gradcheck.GradCheckReport, landing: tuple[str, ...]) -> pd.DataFrame:
    """One row per parameter: both gradients' norms, their relative error and its verdict (the column
    of relative errors is :func:`relative_error_column`)."""
    return pd.DataFrame([{t("backprop.table.parameter"): c.name,
                          t("backprop.table.numerical"): float(np.linalg.norm(c.numerical)),
                          t("backprop.table.analytic"): float(np.linalg.norm(c.analytic)),
                          relative_error_column(): c.relative_error,
                          t("backprop.table.verdict"): verdict_mark(c.verdict),
                          t("backprop.table.lands"): c.name in landing}
                         for c in report.params])


def relative_error_column() -> str:
    return t("backprop.check.relative_error")


def error_vs_h_frame(hs: list[float], errors: list[float]) -> pd.DataFrame:
    """Positive, finite errors only: a log axis cannot show 0 and no NaN reaches a chart."""
    frame = pd.DataFrame({"h": hs, "relative error": errors})
    keep = np.isfinite(frame["relative error"]) & (frame["relative error"] > 0)
    return frame[keep].reset_index(drop=True)


def error_vs_h_chart(frame: pd.DataFrame, chosen_h: float) -> alt.LayerChart | alt.FacetChart:
    """Relative error against h on log-log axes, over bands for the three verdicts (each named inside
    it, so that no colour has to be told apart), the chosen h dashed."""
    correct, wrong = gradcheck.CORRECT_BELOW, gradcheck.WRONG_ABOVE
    lo = min([*frame["relative error"], correct]) / 10  # the bands' edges show even with no data
    hi = max([*frame["relative error"], wrong]) * 10
    log_x, log_y = alt.Scale(type="log"), alt.Scale(type="log", domain=[lo, hi])
    error_title = relative_error_column()
    decades = [10.0**k for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]
    y_axis = alt.Axis(format=".0e", values=decades)  # a tick per decade

    def y(field: str) -> alt.Y:  # the same axis on every layer, so the layers share one
        return alt.Y(f"{field}:Q", scale=log_y, title=error_title, axis=y_axis)

    verdicts = [CORRECT, SUSPICIOUS, WRONG]
    bands = pd.DataFrame({"from": [lo, correct, wrong], "to": [correct, wrong, hi],
                          "verdict": [verdict_word(v) for v in verdicts]}).assign(
        middle=lambda f: np.sqrt(f["from"] * f["to"]))  # the band's middle on the log axis
    band = alt.Chart(bands).mark_rect(opacity=0.15).encode(
        y=y("from"), y2="to:Q",
        color=alt.Color("verdict:N", legend=None, scale=alt.Scale(
            domain=list(bands["verdict"]), range=[OKABE_ITO[2], OKABE_ITO[1], OKABE_ITO[4]])))
    names = alt.Chart(bands).mark_text(align="left", dx=6, color=OKABE_ITO[7]).encode(
        x=alt.value(0), y=y("middle"), text="verdict:N")
    line = alt.Chart(frame).mark_line(point=True, color=OKABE_ITO[0]).encode(
        x=alt.X("h:Q", scale=log_x, title=t("backprop.check.step_size"), axis=alt.Axis(format=".0e")),
        y=y("relative error"),
        tooltip=[alt.Tooltip("h:Q", format=".1e", title="h"),
                 alt.Tooltip("relative error:Q", format=".2e", title=error_title)])
    chosen = pd.DataFrame({"h": [chosen_h]})
    rule = alt.Chart(chosen).mark_rule(color=OKABE_ITO[7], strokeDash=[4, 3]).encode(
        x=alt.X("h:Q", scale=log_x))
    return alt.layer(band, names, line, rule).properties(height=280)


def h_text(h: float) -> str:
    """h as the slider writes it, in half decades: 1e-6, 1e-6.5."""
    return f"1e{round(2 * math.log10(h)) / 2:g}"


def error_vs_h_table(frame: pd.DataFrame) -> pd.DataFrame:
    """What the error-vs-h chart draws, as a table: each h with its relative error and verdict."""
    errors = frame["relative error"]
    return pd.DataFrame({"h": [h_text(h) for h in frame["h"]], relative_error_column(): errors,
                         t("backprop.table.verdict"): [verdict_word(gradcheck.verdict(e)) for e in errors]})


def error_vs_h_summary(frame: pd.DataFrame, chosen_h: float) -> str:
    """The error-vs-h chart in one sentence: the best h and its error, and the error at the chosen h."""
    if frame.empty:
        return t("a11y.no_data", what=relative_error_column())
    best = frame.loc[frame["relative error"].idxmin()]
    at = frame[np.isclose(frame["h"], chosen_h, rtol=1e-9, atol=0)]["relative error"]
    sentence = t("backprop.alt.h_best", error=best["relative error"], h=h_text(best["h"]))
    if at.empty:
        return t("backprop.alt.h_chosen_missing", best=sentence, h=h_text(chosen_h))
    error = float(at.iloc[0])
    return t("backprop.alt.h_chosen", best=sentence, h=h_text(chosen_h), error=error,
             verdict=verdict_word(gradcheck.verdict(error)))
