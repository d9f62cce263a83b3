"""No user-facing words are typed into a page or a chart: they come from the catalogues.

A static check of ``playground/ui`` and ``app_pages``: a literal string with a word in it, handed
to something that shows it (an ``st`` element's body or label, a widget's help, a column's or an
axis's title), fails; so does an Altair channel that would show its data field's name (an axis,
legend or tooltip without a title of its own). Field names, query keys, icons and code are not
words a student reads.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOWN = {  # calls whose first argument (or ``label``/``help``… keyword) a student reads
    "title", "header", "subheader", "markdown", "caption", "write", "text", "error", "warning", "info",
    "success", "toast", "button", "toggle", "checkbox", "radio", "selectbox", "multiselect", "slider",
    "select_slider", "number_input", "text_input", "text_area", "file_uploader", "expander", "tabs",
    "metric", "download_button", "link_button", "page_link", "popover", "status", "spinner", "dialog",
    "segmented_control", "pills", "form_submit_button", "Page", "TextColumn", "NumberColumn",
    "ProgressColumn", "LineChartColumn", "BarChartColumn", "CheckboxColumn", "ListColumn", "Axis",
    "Legend", "Title", "properties",
}
LABELLED = {"number", "slider", "choice", "switch", "text"}  # QueryState's widgets
SHOWN_KEYWORDS = {"label", "help", "title", "caption", "placeholder", "body", "delta"}
CHANNELS = {"X", "Y", "X2", "Y2", "Color", "Fill", "Stroke", "Shape", "StrokeDash", "Size", "Opacity",
            "Tooltip"}
WORD = re.compile(r"[A-Za-z]{3,}")
ICON = re.compile(r":material/\w+:")
FIELD = re.compile(r"^[\w ]+(:[QNOT])?$")  # an Altair shorthand: a data column and its type


def _literal_text(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
        return ["".join(parts)]
    if isinstance(node, ast.List | ast.Tuple):
        return [text for element in node.elts for text in _literal_text(element)]
    return []


def _name(call: ast.Call) -> tuple[str, str]:
    """The called name and what it is called on (``st.button`` → ("button", "st"))."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr, func.value.id if isinstance(func.value, ast.Name) else ""
    return (func.id, "") if isinstance(func, ast.Name) else ("", "")


def _untitled_channel(call: ast.Call) -> bool:
    """An encoding channel on a data field that shows the field's own name: no title, and (for a
    legend channel) a legend that is not turned off or titled."""
    keywords = {k.arg: k.value for k in call.keywords}
    if not call.args or "title" in keywords:
        return False
    # a field named by a word ("loss", "method"), not by a symbol of the maths (x, h, x1)
    if not any(FIELD.match(text) and WORD.search(text) for text in _literal_text(call.args[0])):
        return False
    for shown_by in ("legend", "axis"):
        value = keywords.get(shown_by)
        if isinstance(value, ast.Constant) and value.value is None:
            return False
        if isinstance(value, ast.Call) and any(k.arg == "title" for k in value.keywords):
            return False
    name, _ = _name(call)
    return name in ("X", "Y", "Tooltip") or "legend" not in keywords or keywords["legend"] is not None


def typed_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of each user-facing literal in ``source``."""
    found = []
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        name, receiver = _name(call)
        if name in CHANNELS and receiver == "alt" and _untitled_channel(call):
            found.append((call.lineno, ast.unparse(call.args[0])))
            continue
        if receiver == "qs" and name in LABELLED:  # the link's key first, the label second
            shown = call.args[1:2]
        elif name in SHOWN and receiver != "self":
            shown = call.args[:1]
        else:
            continue
        shown += [k.value for k in call.keywords if k.arg in SHOWN_KEYWORDS]
        found += [(call.lineno, text) for node in shown for text in _literal_text(node)
                  if WORD.search(ICON.sub("", text))]
    return found


def test_the_check_finds_typed_words_and_passes_catalogue_text():
    typed = '''
st.button("Launch run")
st.caption(f"{n} steps so far")
qs.number("lr", "learning rate", 0.1)
alt.X("step:Q")
alt.Color("method:N")
alt.Tooltip("loss:Q")
'''
    assert [line for line, _ in typed_text(typed)] == [2, 3, 4, 5, 6, 7]
    fine = '''
st.button(t("runs.launch"))
st.markdown(f":material/school: **{title}**")
qs.number("lr", t("knobs.lr.label"), 0.1)
alt.X("step:Q", title=t("race.charts.step"))
alt.Color("method:N", legend=None)
alt.Color("outcome:N", legend=alt.Legend(title=t("race.basins.ends_in")))
st.latex(r"\\theta_{t+1} = \\theta_t - \\eta g_t")
'''
    assert typed_text(fine) == []


def test_no_page_or_chart_types_its_words():
    found = [f"{path.relative_to(ROOT)}:{line}: {text!r}"
             for folder in ("playground/ui", "app_pages") for path in sorted((ROOT / folder).rglob("*.py"))
             for line, text in typed_text(path.read_text())]
    assert not found, "typed words (put them in playground/i18n/*.toml):\n" + "\n".join(found)
