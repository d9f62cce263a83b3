"""Fixtures shared across the suite."""

from __future__ import annotations

import os

import pytest
import torch

# Classroom links are signed with the server's secret: the tests' own, not one written under $HOME.
os.environ.setdefault("PLAYGROUND_LINK_SECRET", "tests-only-secret")


@pytest.fixture
def one_torch_thread():
    """Tiny matrix products: on a busy two-core machine one torch thread beats several, which only
    add synchronisation (and can make a step ten times slower)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
