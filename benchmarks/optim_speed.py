"""How fast the from-scratch optimizers are, next to torch.optim.

1. One rule call on numpy float64 arrays of shape (K, 2): the 2-D trajectory engine's inner
   loop (K trajectories advanced at once).
2. One optimizer step on a small MLP's parameters (about 200k numbers), ours and torch.optim's,
   on the CPU and, where there is one, on a CUDA GPU. There we also check parity with
   torch.optim after 200 steps and that our step never waits for the GPU.

Run: .venv/bin/python benchmarks/optim_speed.py
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import playground.optim  # noqa: E402
from playground.optim import METHODS  # noqa: E402

CLASSES = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Adadelta", "Adamax"]


def per_call_seconds(fn, min_time: float = 0.2) -> float:
    """Best of 5 batches, each run long enough to swamp the timer."""
    fn()
    calls, elapsed = 1, 0.0
    while elapsed < min_time / 5:
        calls *= 2
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
    best = elapsed
    for _ in range(4):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / calls


def numpy_rules() -> None:
    print("numpy rule call, float64 (K, 2), microseconds per call")
    sizes = (1, 100, 10_000)
    print(f"  {'method':<10}" + "".join(f"{f'K={k}':>11}" for k in sizes))
    for name, method in METHODS.items():
        row = []
        for k in sizes:
            position, state = np.random.default_rng(0).normal(size=(k, 2)), {}
            grad, hyper = 0.1 * position, method.hyperparameters()
            call = functools.partial(method.rule, position, grad, state, **hyper)
            row.append(per_call_seconds(call) * 1e6)
        print(f"  {name:<10}" + "".join(f"{t:>11.1f}" for t in row))


def mlp(device: str) -> list[torch.Tensor]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    return [p.detach().to(device).requires_grad_() for p in model.parameters()]


def torch_steps(device: str) -> None:
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    print(f"optimizer.step() on a 784-256-10 MLP ({sum(p.numel() for p in mlp('cpu'))} numbers), "
          f"{device}, microseconds per step")
    print(f"  {'class':<10}{'ours':>10}{'torch':>10}{'ratio':>8}")
    for name in CLASSES:
        times = []
        for library in (playground.optim, torch.optim):
            params = mlp(device)
            for p in params:
                p.grad = torch.randn_like(p) * 1e-3
            optimizer = getattr(library, name)(params)

            def step(optimizer=optimizer):
                optimizer.step()
                sync()

            times.append(per_call_seconds(step) * 1e6)
        print(f"  {name:<10}{times[0]:>10.0f}{times[1]:>10.0f}{times[0] / times[1]:>8.2f}")


def cuda_checks() -> None:
    """Parity with torch.optim on the GPU (its foreach kernels) and no host-device sync."""
    print("cuda: 200 steps on the MLP, max |ours - torch.optim| (float32), host syncs in our step")
    for name in CLASSES:
        ours_params, theirs_params = mlp("cuda"), mlp("cuda")
        ours = getattr(playground.optim, name)(ours_params, lr=1e-3)
        theirs = getattr(torch.optim, name)(theirs_params, lr=1e-3)
        generator = torch.Generator(device="cuda").manual_seed(0)
        torch.cuda.set_sync_debug_mode("error")  # any GPU->CPU wait in our step raises
        try:
            for _ in range(200):
                for mine, reference in zip(ours_params, theirs_params, strict=True):
                    reference.grad = torch.randn(mine.shape, device="cuda", generator=generator)
                    mine.grad = reference.grad.clone()
                ours.step()
                torch.cuda.set_sync_debug_mode("default")
                theirs.step()
                torch.cuda.set_sync_debug_mode("error")
        finally:
            torch.cuda.set_sync_debug_mode("default")
        gap = max((a - b).abs().max().item() for a, b in zip(ours_params, theirs_params, strict=True))
        print(f"  {name:<10}{gap:>12.2e}   no sync")


if __name__ == "__main__":
    print(f"torch {torch.__version__}, numpy {np.__version__}, {torch.get_num_threads()} CPU threads")
    numpy_rules()
    torch_steps("cpu")
    if torch.cuda.is_available():
        print(f"GPU: {torch.cuda.get_device_name()}")
        torch_steps("cuda")
        cuda_checks()
