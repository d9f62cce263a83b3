"""What a student sees when a page fails on a shared server: a reference number, not a traceback.

Locally the error propagates and Streamlit shows it whole, for whoever is developing. With
``PLAYGROUND_HOSTED=1`` the traceback goes to the server's log under a short reference number,
and the page says only that something went wrong and which number to give the instructor.
(Errors in a fragment's own reruns bypass this; the Dockerfile also sets Streamlit's
``client.showErrorDetails`` to ``none`` for those.)
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import streamlit as st

from playground.train.runs import hosted_mode
from playground.ui.i18n import t

LOG = logging.getLogger("playground")


def reported(run: Callable[[], None]) -> None:
    """Run a page; on a hosted server an error ends in a message with its reference number."""
    try:
        run()
    except Exception:  # Streamlit's stop and rerun signals are BaseExceptions and pass through
        if not hosted_mode():
            raise
        reference = secrets.token_hex(3).upper()
        LOG.exception("page error %s", reference)
        st.error(t("errors.hosted", reference=reference), icon=":material/error:")
