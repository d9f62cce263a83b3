"""Data-parallel runs: the averaged gradient of two shares is the whole batch's, a two-process run
learns as one process does, and settings that cannot split are refused."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from playground.train.__main__ import main
from playground.train.distributed import process_counts, train_data_parallel
from playground.train.loop import RunConfig, train


def _mlp() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    return torch.randn(8, 5, generator=generator), torch.randint(0, 3, (8,), generator=generator)


def _shard_gradient(rank: int, rendezvous: str, results) -> None:
    """One of two processes: the mean loss of its half of the batch, backpropagated through DDP."""
    dist.init_process_group("gloo", init_method=rendezvous, rank=rank, world_size=2)
    try:
        model = DistributedDataParallel(_mlp())
        x, y = _batch()
        F.cross_entropy(model(x[rank::2]), y[rank::2]).backward()
        if rank == 0:
            results.put(pickle.dumps({name: p.grad for name, p in model.module.named_parameters()}))
    finally:
        dist.destroy_process_group()


def test_two_processes_average_to_the_gradient_of_the_whole_batch(tmp_path):
    context = mp.get_context("spawn")
    results = context.Queue()
    rendezvous = (tmp_path / "rendezvous").as_uri()
    ranks = [context.Process(target=_shard_gradient, args=(rank, rendezvous, results)) for rank in range(2)]
    for process in ranks:
        process.start()
    averaged = pickle.loads(results.get(timeout=60))
    for process in ranks:
        process.join(timeout=30)
    model = _mlp()
    x, y = _batch()
    F.cross_entropy(model(x), y).backward()
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None
        torch.testing.assert_close(averaged[name], parameter.grad, rtol=0, atol=1e-6)


def test_a_two_process_run_learns_digits_as_one_process_does():
    config = RunConfig(dataset="digits", epochs=2, batch_size=64, seed=0)
    reports = []
    parallel = train_data_parallel(replace(config, nproc=2), callback=reports.append)
    alone = train(config)
    assert parallel.status == "finished", parallel.message
    assert parallel.test_accuracy is not None and alone.test_accuracy is not None
    assert parallel.test_accuracy > 0.8
    assert abs(parallel.test_accuracy - alone.test_accuracy) < 0.03
    assert [report.epoch for report in reports if report.kind == "epoch"] == [1, 2]
    assert parallel.state_dict.keys() == alone.state_dict.keys()


def test_a_batch_that_does_not_split_evenly_is_refused(capsys):
    divisible = r"batch size \(65\) must be divisible by the number of processes \(2\)"
    with pytest.raises(ValueError, match=divisible):
        train_data_parallel(RunConfig(dataset="digits", batch_size=65, nproc=2))
    assert main(["--dataset", "digits", "--batch-size", "65", "--nproc", "2"]) == 2
    assert "must be divisible by the number of processes" in capsys.readouterr().err


def test_a_run_of_three_processes_on_batches_of_128_is_refused_in_either_language():
    with pytest.raises(ValueError) as refused:
        RunConfig(batch_size=128, nproc=3).validate()
    assert str(refused.value) == ("the batch size (128) must be divisible by the number of processes (3): "
                                  "each process trains on an equal share of every batch")
    assert refused.value.said.text("zh") == ("批大小（128）必须能被进程数（3）整除："
                                             "每个进程处理每个批次中相等的一份")


@pytest.mark.parametrize("nproc", [0, -2, 1.5, True, "2"],
                         ids=["zero", "negative", "fraction", "bool", "text"])
def test_a_process_count_that_is_not_a_whole_number_of_at_least_one_is_refused(nproc):
    with pytest.raises(ValueError, match="the number of processes must be a whole number, at least 1"):
        RunConfig(nproc=nproc).validate()


def test_an_old_saved_config_without_a_process_count_trains_as_one_process():
    saved = RunConfig(batch_size=100).to_dict()
    del saved["nproc"]
    assert RunConfig.from_dict(saved).nproc == 1


def test_the_counts_offered_split_the_batch_and_fit_the_device():
    assert process_counts(128, "cpu", 4) == [1, 2, 4]
    assert process_counts(100, "cpu", 8) == [1, 2, 4, 5]
    assert process_counts(128, "cpu", 1) == [1]


def test_a_process_that_fails_ends_the_run_with_a_message(tmp_path):
    missing = RunConfig(dataset="mnist", batch_size=64, data_root=str(tmp_path / "nothing here"))
    result = train_data_parallel(replace(missing, nproc=2))
    assert result.status == "failed"
    assert "of the data-parallel run failed" in str(result.message)
