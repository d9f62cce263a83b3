"""The lab's session-state keys, all in one place. Its URL settings live under ``NAMESPACE``
(see :class:`~playground.ui.urlstate.QueryState`); these live only in the session."""

NAMESPACE = "lab"
SHOWN = f"{NAMESPACE}.runs"    # the runs on the page now, by label
PLAYER = f"{NAMESPACE}.player"  # the boundary players (one per run): the epoch each stopped on
PICKED = f"{NAMESPACE}.picked"  # the epoch slider where there is no boundary to play
