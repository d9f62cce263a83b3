import pytest
import torch


@pytest.fixture(autouse=True, scope="package")
def _one_thread():
    """These tensors are tiny: a second intra-op thread only adds contention (on a busy
    2-core machine it makes the MLP runs ~10x slower). Restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
