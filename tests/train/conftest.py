"""Train on one CPU thread: for these tiny models more threads only add synchronisation."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _on_one_thread(one_torch_thread):
    yield
