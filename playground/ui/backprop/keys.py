"""The backprop page's session-state keys: its URL settings live under ``NAMESPACE``
(see :class:`~playground.ui.urlstate.QueryState`)."""

NAMESPACE = "backprop"
