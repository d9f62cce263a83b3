"""The race page's session-state keys, all in one place. Its URL settings live under
``NAMESPACE`` (see :class:`~playground.ui.urlstate.QueryState`); these live only in the session."""

NAMESPACE = "race"
CHART = f"{NAMESPACE}.chart"            # the map's selection state (a click sets the start)
PLAYING = f"{NAMESPACE}.playing"        # Play is on
CLICKED = f"{NAMESPACE}.clicked"        # a click moved the start: rerun the whole page
BASINS_FOR = f"{NAMESPACE}.basins_for"  # the race and grid whose basin maps were asked for
BADGES = f"{NAMESPACE}.badges"          # torch.optim differences, keyed by each method's settings
LAST_GOOD = f"{NAMESPACE}.last_good"    # the last typed formula that parsed, with its window
SCRUB_END = f"{NAMESPACE}.scrub_end"    # the Steps the scrubber was last drawn for
