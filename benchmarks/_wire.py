"""A Streamlit session without a browser: the websocket protocol the browser speaks, for load tests.

A browser tab costs a core's worth of rendering, so thirty Chromium contexts on a 2-core machine
measure the browsers, not the server. A :class:`WireSession` connects to ``/_stcore/stream`` as the
frontend does, asks for a page with its query string, keeps the elements the server sends (each
widget's id and value), changes a widget by sending the widget states back (a rerun), and honours
``auto_rerun`` as the frontend does (fragments that poll, e.g. a training run's live panel). Time to
result is from sending the change to the server's ``script_finished``: all the server's work, none
of the browser's drawing.

It speaks the protocol of the Streamlit version pinned in requirements.txt (ClientState, BackMsg,
ForwardMsg, WidgetStates protobufs shipped with streamlit); the messages it sends are the ones
the frontend sends for the same actions.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import websockets
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

FINISHED = ForwardMsg.ScriptFinishedStatus
# Widget kinds and the WidgetState field that carries their value.
VALUE_FIELD = {"checkbox": "bool_value", "slider": "double_array_value", "text_input": "string_value",
               "radio": "string_value"}  # a radio sends its option as shown


@dataclass
class Widget:
    kind: str
    id: str
    label: str
    proto: Any  # the element's protobuf (its value, options, data type)
    fragment: str  # the fragment it is drawn in ("" for none): a change reruns only that


@dataclass
class WireSession:
    """One student's session, driven over the websocket; ``elements`` holds what the page shows."""

    url: str
    elements: dict[tuple[int, ...], Any] = field(default_factory=dict)  # delta path: element
    fragments: dict[tuple[int, ...], str] = field(default_factory=dict)  # delta path: its fragment id
    states: dict[str, WidgetState] = field(default_factory=dict)  # widget id: the value sent
    query_string: str = ""
    page: str = ""
    page_hash: str = ""  # the page the server last ran: every later rerun names it, as the frontend does
    exceptions: list[str] = field(default_factory=list)
    _socket: Any = None
    _reader: asyncio.Task | None = None
    _finished: asyncio.Event = field(default_factory=asyncio.Event)
    _until: str = ""  # the kind of element whose arrival ends the timing ("": the script's end)
    _arrived: float | None = None
    _auto: dict[str, asyncio.Task] = field(default_factory=dict)  # fragment id: its polling task

    async def connect(self) -> None:
        address = urlparse(self.url)
        self._socket = await websockets.connect(
            f"ws://{address.netloc}/_stcore/stream", subprotocols=["streamlit"],  # type: ignore[list-item]
            origin=self.url, max_size=None)  # type: ignore[arg-type]
        self._reader = asyncio.create_task(self._read())

    def _stop_polls(self) -> None:
        for task in self._auto.values():
            task.cancel()
        self._auto.clear()

    async def close(self) -> None:
        self._stop_polls()
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def open(self, page: str, query_string: str = "") -> float:
        """Open ``page`` (its URL path) with ``query_string``, as following a link; seconds to result."""
        self.page, self.page_hash, self.query_string = page, "", query_string
        self.states.clear()
        return await self._rerun()

    def widgets(self) -> Iterator[Widget]:
        for path, element in self.elements.items():
            kind = element.WhichOneof("type")
            proto = getattr(element, kind)
            if hasattr(proto, "id") and (hasattr(proto, "label") or kind == "bidi_component"):
                yield Widget(kind, proto.id, getattr(proto, "label", ""), proto, self.fragments.get(path, ""))

    def widget(self, *, key: str | None = None, label: str | None = None) -> Widget:
        """The widget whose user key is ``key`` (its id ends with it) or whose label is ``label``."""
        for widget in self.widgets():
            by_key = key is not None and widget.id.endswith(f"-{key}")
            if by_key or (label is not None and label == widget.label):
                return widget
        raise LookupError(f"no widget {key or label!r} on the page")

    def texts(self) -> list[str]:
        """Every markdown, heading, alert and caption text on the page."""
        out = []
        for element in self.elements.values():
            kind = element.WhichOneof("type")
            if kind in ("markdown", "alert", "heading"):
                out.append(getattr(element, kind).body)
        return out

    def metrics(self) -> list[str]:
        """The labels of the metrics on the page."""
        return [e.metric.label for e in self.elements.values() if e.WhichOneof("type") == "metric"]

    async def set(self, widget: Widget, value: Any, until: str = "") -> float:
        """Change ``widget`` to ``value`` (a button: press it; an ``st.components.v2`` element: send
        ``value`` as (event, payload), as its ``setTriggerValue`` does); seconds to result: to the
        first element of kind ``until`` (e.g. ``"vega_lite_chart"``), else to the script's end."""
        state = WidgetState(id=widget.id)
        if widget.kind == "bidi_component":
            event, payload = value
            state.id = _make_trigger_id(widget.id, "events")
            state.json_trigger_value = json.dumps([{"event": event, "value": payload}])
        elif widget.kind == "button":
            state.trigger_value = True
        elif widget.kind == "number_input":
            if widget.proto.data_type == widget.proto.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        elif widget.kind == "slider":
            state.double_array_value.data.extend([float(v) for v in value])
        else:
            setattr(state, VALUE_FIELD[widget.kind], value)
        trigger = widget.kind in ("button", "bidi_component")
        if not trigger:
            self.states[widget.id] = state
        return await self._rerun([state] if trigger else [], widget.fragment, until)

    async def wait_for(self, done, timeout: float) -> float:
        """Wait until ``done(self)`` (fragments polling meanwhile); seconds waited."""
        started = time.perf_counter()
        while not done(self):
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"not done after {timeout:.0f} s")
            await asyncio.sleep(0.1)
        return time.perf_counter() - started

    async def _rerun(self, extra: list[WidgetState] | None = None, fragment: str = "",
                     until: str = "") -> float:
        self._finished.clear()
        self._until, self._arrived = until, None
        started = time.perf_counter()
        await self._send(extra or [], fragment)
        await self._finished.wait()
        return (self._arrived or time.perf_counter()) - started

    async def _send(self, extra: list[WidgetState], fragment: str = "") -> None:
        message = BackMsg()
        client = message.rerun_script
        client.query_string, client.page_name, client.fragment_id = self.query_string, self.page, fragment
        client.page_script_hash = self.page_hash
        client.is_auto_rerun = fragment in self._auto
        client.widget_states.CopyFrom(WidgetStates(widgets=[*self.states.values(), *extra]))
        await self._socket.send(message.SerializeToString())

    async def _poll(self, fragment: str, interval: float) -> None:
        """A fragment's ``run_every``: rerun it every ``interval`` seconds, as the frontend does."""
        while True:
            await asyncio.sleep(interval)
            await self._send([], fragment)

    async def _read(self) -> None:
        async for raw in self._socket:
            self.received(raw)

    def received(self, raw: bytes) -> None:
        """Take one ForwardMsg from the server, as the frontend would."""
        message = ForwardMsg()
        message.ParseFromString(raw)
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            path = tuple(message.metadata.delta_path)
            element = message.delta.new_element
            self.elements[path] = element
            self.fragments[path] = message.delta.fragment_id
            if self._arrived is None and element.WhichOneof("type") == self._until:
                self._arrived = time.perf_counter()
            if element.WhichOneof("type") == "exception":
                self.exceptions.append(element.exception.message)
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "auto_rerun":
            rerun = message.auto_rerun
            if rerun.fragment_id not in self._auto:
                poll = self._poll(rerun.fragment_id, rerun.interval)
                self._auto[rerun.fragment_id] = asyncio.create_task(poll)
        elif kind == "new_session" and not message.metadata.run.fragment_ids:
            self.elements.clear()  # a full run draws the page anew, and registers its polls anew
            self._stop_polls()
        elif kind == "navigation":  # st.navigation picked the page (new_session names app.py)
            self.page_hash = message.navigation.page_script_hash
        elif kind == "stop_auto_rerun":
            self._stop_polls()
        elif kind == "script_finished" and message.script_finished != FINISHED.FINISHED_EARLY_FOR_RERUN:
            self._finished.set()
