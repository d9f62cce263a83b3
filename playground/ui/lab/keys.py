"""The lab's session-state keys, all in one place. Its URL settings live under ``NAMESPACE``
(see :class:`~playground.ui.urlstate.QueryState`); these live only in the session."""

NAMESPACE = "lab"
CACHE = f"{NAMESPACE}.cache"   # the most recent runs, as [((data source, config), Run)]
SHOWN = f"{NAMESPACE}.runs"    # the runs on the page now, by label
PLAY = f"{NAMESPACE}.play"     # Play through training is on
EPOCH = f"{NAMESPACE}.epoch"   # the epoch the boundary and weight charts show
