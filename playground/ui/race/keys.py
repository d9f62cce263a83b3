"""The race page's session-state keys, all in one place. Its URL settings live under
``NAMESPACE`` (see :class:`~playground.ui.urlstate.QueryState`); these live only in the session."""

NAMESPACE = "race"
PLAYER = f"{NAMESPACE}.player"          # the map's player: the step it stopped on, a click (the start)
CLICKED = f"{NAMESPACE}.clicked"        # a click moved the start: rerun the whole page
BASINS_FOR = f"{NAMESPACE}.basins_for"  # the race and grid whose basin maps were asked for
BADGES = f"{NAMESPACE}.badges"          # torch.optim differences, keyed by each method's settings
LAST_GOOD = f"{NAMESPACE}.last_good"    # the last typed formula that parsed, with its window
SCRUB_END = f"{NAMESPACE}.scrub_end"    # the Steps the scrubbed step was last kept within
ARROWS_FOR = f"{NAMESPACE}.arrows_for"  # the map's method picker (mirrors `inspect` and `arrows` in the link)
