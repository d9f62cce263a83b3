"""Every setting on a page lives in the URL, so a copied link reopens the same experiment.

A page declares each setting once, with the widget that edits it: :meth:`QueryState.number`,
:meth:`~QueryState.slider`, :meth:`~QueryState.choice`, :meth:`~QueryState.switch` and
:meth:`~QueryState.text` draw the widget with the same bounds or choices that the URL value is
checked against. (:meth:`QueryState.field`, under them, returns the widget key and seeds the
widget's value: from the URL the first time, else from what the user last
chose on this page (kept across page switches by the sidebar; a link with settings from another
page starts afresh), else the default. A URL value that does
not parse or is out of range falls back to the default and leaves a notice for the page to
show; a list that names an item twice keeps its first mention, with a notice. After the
widgets, :meth:`QueryState.sync` writes the non-default values back to the query string.

Links carry their format's version, ``v=`` :data:`SCHEMA`, so links handed out today keep
opening the same experiment after settings are renamed or rescaled: such a change bumps
SCHEMA and adds the step from the old format to :data:`UPGRADES`, and a link is read through
every step from its own version (a link without ``v`` is version 1, the format before versions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.ui import classroom, share
from playground.ui.escape import LIMIT, in_code, literal
from playground.ui.i18n import PARAM as LANG
from playground.ui.i18n import link_params, t

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

VERSION = "v"  # the query parameter that holds a link's format version
#: Query parameters no page owns and every page keeps as they are: a lesson's step and the choice
#: made there (see playground.ui.lessons).
KEPT = ("lesson", "guess")
_SHOWING = "_urlstate.showing"  # the page this session showed last (see showing)
SCHEMA = 2  # the format links are written in


def _runs_before_mnist1d(page: str, params: dict[str, str]) -> dict[str, str]:
    """Format 2 made MNIST-1D's recipe the Training runs page's defaults; a format-1 link with
    settings for that page meant the old ones for what it leaves out: digits, lr 0.001, 3 epochs,
    batches of 128. (A plain address, with no settings, opens today's defaults.)"""
    old = {"dataset": "digits", "lr": "0.001", "epochs": "3", "batch": "128"}
    settings = set(params) - {LANG, share.BUILD, *KEPT}
    return {**old, **params} if page == "runs" and settings else params


#: From version n to n + 1: the query parameters of a link in format n to a page (its settings'
#: namespace), rewritten into format n + 1.
UPGRADES: dict[int, Callable[[str, dict[str, str]], dict[str, str]]] = {1: _runs_before_mnist1d}


def versioned(query: dict[str, str]) -> dict[str, str]:
    """``query`` as a link in today's format (a link to a page's defaults needs no version)."""
    return {**query, VERSION: str(SCHEMA)} if query else {}


def upgraded(params: dict[str, str], page: str = "") -> tuple[dict[str, str], str | None]:
    """A link's parameters to ``page`` in today's format (without ``v``), and a notice when its
    version is not one this app can read."""
    params = dict(params)
    text = params.pop(VERSION, "1")
    try:
        version = int(text)
    except ValueError:
        return params, t("urlstate.bad_version", text=in_code(text, 20))
    if version > SCHEMA or version < 1:
        return params, t("urlstate.unknown_version", version=version, schema=SCHEMA)
    for step in range(version, SCHEMA):
        params = UPGRADES[step](page, params)
    return params, None


def showing(page: str) -> bool:
    """Note that this run shows ``page`` (a page's key, which is its settings' namespace), and say
    whether the session's last run showed another page. Every page calls it once a run, a page
    with settings through :class:`QueryState`, so that a link followed from any page (Home's
    experiments) opens its page afresh."""
    arrived = st.session_state.get(_SHOWING) != page
    st.session_state[_SHOWING] = page
    return arrived


class RepeatedItems(ValueError):
    """A list value that names an item more than once; ``kept`` is the list without repeats."""

    def __init__(self, repeated: list[str], kept: list | tuple) -> None:
        super().__init__(t("urlstate.repeated", items=literal(", ".join(repeated))))
        self.kept = kept


@dataclass(frozen=True)
class Field:
    name: str
    default: Any
    choices: Sequence[Any] | None = None
    lo: float | None = None
    hi: float | None = None

    def parse(self, text: str) -> Any:
        """The typed value of ``text`` or ValueError saying why not (:class:`RepeatedItems`, which
        carries the list without repeats, for a list naming an item twice)."""
        kind = type(self.default)
        if kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(t("urlstate.not_bool"))
        if kind in (list, tuple):
            items = [item.strip() for item in text.split(",") if item.strip()]
            element = type(self.default[0]) if self.default else str
            values = [self._scalar(item, element) for item in items]
            unique = list(dict.fromkeys(values))
            if len(unique) < len(values):
                repeated = [self.format(v) for v in unique if values.count(v) > 1]
                raise RepeatedItems(repeated, kind(unique))
            return kind(values)
        return self._scalar(text, kind)

    def _scalar(self, text: str, kind: type) -> Any:
        try:
            value: Any = int(text) if kind is int else float(text) if kind is float else text
        except ValueError:  # Python's own words, in the page's language
            shown = literal(repr(text), LIMIT)
            raise ValueError(t("urlstate.not_int", text=shown) if kind is int
                             else t("urlstate.not_float", text=shown)) from None
        if kind is float and not math.isfinite(value):
            raise ValueError(t("urlstate.not_finite"))
        if self.choices is not None and value not in self.choices:
            raise ValueError(t("urlstate.not_a_choice"))
        if self.lo is not None and value < self.lo or self.hi is not None and value > self.hi:
            raise ValueError(t("urlstate.outside", lo=self.lo, hi=self.hi))
        return value

    def format(self, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, tuple)):
            return ",".join(self.format(item) for item in value)
        if isinstance(value, float):
            return repr(value)
        return str(value)


class QueryState:
    """The URL-backed settings of one page; ``namespace`` keeps pages' widget keys apart."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.fields: dict[str, Field] = {}
        self._link, notice = upgraded({name: st.query_params[name] for name in st.query_params}, namespace)
        self.notices: list[str] = [notice] if notice else []
        # A link followed from another page (an experiment, a lesson step) is the whole experiment:
        # what it leaves out is at its default, not what this session last chose on this page (that
        # memory serves the links that carry no settings: the sidebar's, Home's to the classroom builder).
        if showing(namespace) and set(self._link) - {LANG, share.BUILD}:
            self.forget(namespace)
        self._memory: dict[str, Any] = st.session_state.setdefault(f"_memory.{namespace}", {})
        # An instructor's classroom link locks settings; one altered by hand opens at the defaults.
        self.classroom, altered = classroom.read(namespace, self._link)
        if altered:
            self._link = {}
            self.notices.append(t("classroom.altered"))
        self.labels: dict[str, str] = {}  # each setting drawn with a widget this run: its label

    def locked(self, name: str) -> bool:
        return self.classroom is not None and name in self.classroom.locked

    def key(self, name: str) -> str:
        return f"{self.namespace}.{name}"

    def field(self, name: str, default: Any, *, choices: Sequence[Any] | None = None,
              lo: float | None = None, hi: float | None = None) -> str:
        """Declare a setting and return the widget key that holds it."""
        spec = Field(name, default, choices, lo, hi)
        self.fields[name] = spec
        key = self.key(name)
        if key not in st.session_state or self.locked(name):  # a locked setting is the link's, every run
            st.session_state[key] = self._initial(spec)
        return key

    def number(self, name: str, label: str, default: float, *, lo: float, hi: float,
               where: DeltaGenerator | None = None, **widget: Any) -> Any:
        """A number input bounded to [lo, hi] on the page and in the link; floats show as %g."""
        kind = type(default)
        if kind is float:
            widget.setdefault("format", "%g")
        key = self.field(name, default, lo=lo, hi=hi)
        return self._draw(name, where, "number_input", label, kind(lo), kind(hi), key=key, **widget)

    def slider(self, name: str, label: str, default: float, *, lo: float, hi: float,
               where: DeltaGenerator | None = None, **widget: Any) -> Any:
        """A slider over [lo, hi], the same bounds a link's value must keep."""
        kind = type(default)
        key = self.field(name, default, lo=lo, hi=hi)
        return self._draw(name, where, "slider", label, kind(lo), kind(hi), key=key, **widget)

    def choice(self, name: str, label: str, choices: Iterable[Any], default: Any, *,
               widget: str = "selectbox", where: DeltaGenerator | None = None, **options: Any) -> Any:
        """One of ``choices`` (a list for ``widget="multiselect"``) with a selectbox, radio,
        select_slider, segmented_control or multiselect; a link may name only these choices."""
        items = list(choices)
        key = self.field(name, default, choices=items)
        if "format_func" in options:
            # The browser keeps a choice as the text it shows: set the value from here, so it shows
            # (and later sends back) the text in the page's language after the language changes.
            st.session_state[key] = st.session_state[key]
        return self._draw(name, where, widget, label, items, key=key, **options)

    def switch(self, name: str, label: str, default: bool = False, *, widget: str = "toggle",
               where: DeltaGenerator | None = None, **options: Any) -> bool:
        """An on/off setting drawn as a toggle (or ``widget="checkbox"``)."""
        return bool(self._draw(name, where, widget, label, key=self.field(name, default), **options))

    def text(self, name: str, label: str, default: str, *, where: DeltaGenerator | None = None,
             **options: Any) -> str:
        return str(self._draw(name, where, "text_input", label, key=self.field(name, default), **options))

    def _draw(self, name: str, where: DeltaGenerator | None, widget: str, label: str, *args: Any,
              **options: Any) -> Any:
        """Draw the setting's widget (``st.<widget>(label, *args, **options)``): greyed out when
        a classroom link locks it, not at all when it hides it."""
        self.labels[name] = label
        if self.classroom is not None and name in self.classroom.hidden:
            return self.get(name)
        if self.locked(name):
            options.update(disabled=True, help=t("classroom.locked"))
        return getattr(_on(where), widget)(label, *args, **options)

    def _initial(self, spec: Field) -> Any:
        text = self._link.get(spec.name)
        if text is not None:
            try:
                return spec.parse(text)
            except RepeatedItems as error:
                self.notices.append(t("urlstate.dropped", name=spec.name, text=in_code(text), reason=error,
                                      kept=literal(spec.format(error.kept))))
                return error.kept
            except ValueError as error:
                self.notices.append(t("urlstate.ignored", name=spec.name, text=in_code(text), reason=error,
                                      default=spec.format(spec.default)))
                return spec.default
        return spec.default if self.locked(spec.name) else self._memory.get(spec.name, spec.default)

    def get(self, name: str, *default: Any) -> Any:
        """The setting's current value; ``default`` if given, for one whose widget has not yet
        been drawn in this session."""
        return st.session_state.get(self.key(name), *default) if default else st.session_state[self.key(name)]

    def set(self, name: str, value: Any) -> None:
        """Change a setting from code (e.g. a chart click); call before its widget is drawn.
        The value is also remembered, so a setting whose widget is hidden this run keeps it. A
        setting a classroom link locks keeps the link's value."""
        if self.locked(name):
            return
        st.session_state[self.key(name)] = value
        self._memory[name] = value

    def show_notices(self, show: Callable[..., Any] = st.warning) -> None:
        for notice in self.notices:
            show(notice, icon="🔗")

    def query(self) -> dict[str, str]:
        """The non-default settings as the link writes them."""
        values = {name: self.get(name) for name in self.fields}
        return {name: spec.format(values[name]) for name, spec in self.fields.items()
                if values[name] != spec.default}

    def link(self) -> dict[str, str]:
        """The page's link as it stands: its settings, a classroom link's locks, the lesson's place
        and the language."""
        kept = {name: st.query_params[name] for name in KEPT if name in st.query_params}
        query = self.query()
        locks = self.classroom.params(self.namespace, query) if self.classroom is not None else {}
        return versioned({**query, **locks, **kept, **link_params()})

    def sync(self) -> None:
        """Write every non-default setting to the query string, and remember it for this page;
        open the classroom-link builder when asked for (from Share, or Home's link to it)."""
        for name in self.fields:
            self._memory[name] = self.get(name)
        building = st.query_params.get(share.BUILD) is not None or st.session_state.pop(share.BUILD, False)
        wanted = self.link()
        current = {name: st.query_params.get(name) for name in st.query_params}
        if current != wanted:
            st.query_params.from_dict(wanted)
        if building:
            plain = {name: value for name, value in wanted.items() if name not in KEPT}
            share.classroom_builder(self.namespace, plain, self.labels)

    @staticmethod
    def forget(namespace: str) -> None:
        """Drop every setting this session holds under ``namespace``, so that the page's next run
        takes them from its link (how a lesson moves a page to its next step's settings)."""
        for key in [key for key in st.session_state if str(key).startswith(f"{namespace}.")]:
            del st.session_state[key]
        st.session_state.pop(f"_memory.{namespace}", None)


def _on(where: DeltaGenerator | None) -> Any:
    """Where a widget goes: a container, column or the sidebar, else the page's main body."""
    return st if where is None else where
