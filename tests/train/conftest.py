"""Train on one CPU thread: for these tiny models more threads only add synchronisation, and on a
busy two-core machine they can make a step ten times slower."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
