"""What the stepper draws, as plain data: the graph as DOT text, the chain rule as LaTeX, tables.

No Streamlit here, so every function is unit-tested on its output.
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
from playground.backprop.graph import INPUT, PARAM, Graph, Step, final_steps, gradients_after
from playground.ui.theme import OKABE_ITO

TOLERANCE = 1e-10  # manual vs autograd, float64
VERDICT_MARKS = {CORRECT: "✓ correct", SUSPICIOUS: "⚠ suspicious", WRONG: "✗ wrong"}
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


def error_jump(clean: float, bugged: float) -> str:
    """The planted bug's relative error as a multiple of the bug-free one."""
    return f"{bugged / clean:.0e}× the bug-free error" if clean > 0 else "the bug-free error is 0"


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
        tooltip = node.formula or node.kind
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
    return pd.DataFrame([{"to": p.parent, "∂L/∂" + step.node + " (incoming)": _cell(p.incoming),
                          "local ∂" + step.node + "/∂to": _cell(p.local), "product": _cell(p.product),
                          "∂L/∂to so far": _cell(p.total)} for p in step.products])


def _cell(value: float | None, spec: str = ".6g") -> str:
    return MISSING if value is None else fmt(value, spec=spec)


def gradient_table(graph: Graph, steps: list[Step], done: int, autograd: dict[str, float]) -> pd.DataFrame:
    """Every node: its value, the gradient backprop has so far, autograd's, and a ✓ once it is final.
    Numbers are text, so that a gradient not yet reached (or not yet final) shows MISSING and an
    overflow shows ∞ or NaN: a table cell cannot tell a missing number from NaN."""
    known, final = gradients_after(steps, done), final_steps(steps)
    rows = []
    for node in graph.nodes.values():
        grad = known.get(node.name)
        diff: float | None = None
        status = "partial" if grad is not None else ""
        if final.get(node.name, math.inf) <= done:
            assert grad is not None, "a node's gradient is final only after a backward step has reached it"
            diff = abs(grad - autograd[node.name])
            status = "✓" if diff <= TOLERANCE else "✗"
        rows.append({"node": node.name, "kind": node.kind, "value": _cell(node.value),
                     "∂L/∂node (backprop)": _cell(grad), "autograd": _cell(autograd[node.name]),
                     "|difference|": _cell(diff, ".1e"), "check": status})
    return pd.DataFrame(rows)


def _names(names: list[str], most: int = 8) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def overflow_notice(graph: Graph, steps: list[Step], autograd: dict[str, float]) -> str | None:
    """Which numbers are not finite, and where the first ∞ and the first NaN came from (None if all are
    finite). Forward values are created in order and backward products visited in order, so the first
    non-finite one of each is its cause."""
    final = gradients_after(steps)
    columns = {"value": [n.name for n in graph.nodes.values() if not math.isfinite(n.value)],
               "∂L/∂node (backprop)": [name for name in graph.nodes if not math.isfinite(final[name])],
               "autograd": [name for name in graph.nodes if not math.isfinite(autograd[name])]}
    if not any(columns.values()):
        return None
    lines = [f"These numbers overflow float64: a result beyond ±{FLOAT64_MAX:.1e} becomes ±∞, one nearer 0 "
             f"than {FLOAT64_TINY:.1e} becomes 0 (and log 0 = −∞), and ∞ − ∞ or 0 × ∞ is NaN, which spreads "
             "to every number computed from it. Not finite:"]
    lines += [f"- *{column}*: {_names(names)}" for column, names in columns.items() if names]
    if first := next((n for n in graph.nodes.values() if not math.isfinite(n.value)), None):
        parents = ", ".join(f"{p} = {fmt(graph.nodes[p].value)}" for p in first.parents)
        lines.append(f"- forward, first: {first.name} = {fmt(first.value)}, from {first.formula} "
                     f"with {parents}")
    products = [p for step in steps for p in step.products]
    for kind, bad in (("∞", math.isinf), ("NaN", math.isnan)):
        if cause := next((p for p in products if bad(p.product)), None):
            lines.append(f"- backward, first {kind}: {cause.child} passes ∂L/∂{cause.parent} += "
                         f"{operand(cause.incoming)} × {operand(cause.local)} = {fmt(cause.product)}")
    lines.append("\nMake the weights or inputs smaller.")
    return "\n".join(lines)


def max_difference(graph: Graph, autograd: dict[str, float]) -> float:
    final = gradients_after(graph.backward())
    return max(abs(final[name] - autograd[name]) for name in graph.nodes)


def output_error_table(p: np.ndarray, y: np.ndarray, grads: dict[str, float]) -> pd.DataFrame:
    """Softmax + cross-entropy: the backpropagated ∂L/∂o next to p − y."""
    names = [f"o[{k + 1}]" for k in range(len(p))]
    return pd.DataFrame({"output": names, "p": p, "y": y, "p − y": p - y,
                         "∂L/∂o (backprop)": [grads[n] for n in names]})


def gradcheck_table(report: gradcheck.GradCheckReport, landing: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame([{"parameter": c.name, "‖numerical‖": float(np.linalg.norm(c.numerical)),
                          "‖analytic‖": float(np.linalg.norm(c.analytic)), "relative error": c.relative_error,
                          "verdict": VERDICT_MARKS[c.verdict], "planted bug lands here": c.name in landing}
                         for c in report.params])


def error_vs_h_frame(hs: list[float], errors: list[float]) -> pd.DataFrame:
    """Positive, finite errors only: a log axis cannot show 0 and no NaN reaches a chart."""
    frame = pd.DataFrame({"h": hs, "relative error": errors})
    keep = np.isfinite(frame["relative error"]) & (frame["relative error"] > 0)
    return frame[keep].reset_index(drop=True)


def error_vs_h_chart(frame: pd.DataFrame, chosen_h: float) -> alt.LayerChart | alt.FacetChart:
    """Relative error against h on log-log axes, over bands for the three verdicts, the chosen h dashed."""
    correct, wrong = gradcheck.CORRECT_BELOW, gradcheck.WRONG_ABOVE
    lo = min(frame["relative error"].min(), correct) / 10
    hi = max(frame["relative error"].max(), wrong) * 10
    log_x, log_y = alt.Scale(type="log"), alt.Scale(type="log", domain=[lo, hi])
    bands = pd.DataFrame({"from": [lo, correct, wrong], "to": [correct, wrong, hi],
                          "verdict": [CORRECT, SUSPICIOUS, WRONG]})
    band = alt.Chart(bands).mark_rect(opacity=0.15).encode(
        y=alt.Y("from:Q", scale=log_y, axis=None), y2="to:Q",
        color=alt.Color("verdict:N", scale=alt.Scale(domain=[CORRECT, SUSPICIOUS, WRONG],
                                                     range=[OKABE_ITO[2], OKABE_ITO[1], OKABE_ITO[4]])))
    line = alt.Chart(frame).mark_line(point=True, color=OKABE_ITO[0]).encode(
        x=alt.X("h:Q", scale=log_x, title="step size h", axis=alt.Axis(format=".0e")),
        y=alt.Y("relative error:Q", scale=log_y, title="relative error", axis=alt.Axis(format=".0e")),
        tooltip=[alt.Tooltip("h:Q", format=".1e"), alt.Tooltip("relative error:Q", format=".2e")])
    chosen = pd.DataFrame({"h": [chosen_h]})
    rule = alt.Chart(chosen).mark_rule(color=OKABE_ITO[7], strokeDash=[4, 3]).encode(
        x=alt.X("h:Q", scale=log_x))
    return alt.layer(band, line, rule).properties(height=280)
