"""The pages' networks and surfaces are tiny: every UI test runs on one torch thread."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _on_one_thread(one_torch_thread):
    yield
