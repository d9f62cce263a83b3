"""The Training runs page's session-state keys, all in one place. Its URL settings live under
``NAMESPACE`` (see :class:`~playground.ui.urlstate.QueryState`); these live only in the session."""

NAMESPACE = "runs"
OWNER = f"{NAMESPACE}.owner"   # this browser's unguessable owner token for its runs (and, under
                               # OWNER.browser, the token its cookie component reported)
SHOWN = f"{NAMESPACE}.shown"    # the finished run whose details are open
COMPARED = f"{NAMESPACE}.compare"  # the finished runs overlaid in the comparison
