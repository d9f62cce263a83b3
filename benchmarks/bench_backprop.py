"""Speed of the backprop pages' computations, each against a baseline measured in the same run.

1. The stepper's gradient check sweep (23 step sizes, every parameter of a 3-4-3 MLP): our numpy
   forward against the same forward in float64 torch.
2. A gradient-health run: ``health.train`` (statistics recorded every step) against a bare
   forward/backward/update loop on the same network, with 1 torch thread and with the default.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.backprop.deepnet import DeepConfig, DeepMLP, fixed_batch  # noqa: E402
from playground.backprop.gradcheck import gradient_check  # noqa: E402
from playground.backprop.health import train  # noqa: E402
from playground.backprop.mlp import (  # noqa: E402
    Example,
    Sizes,
    TinyMLP,
    batch,
    drawn,
    gradient_checks,
    one_hot,
    param_names,
)

HS = [10 ** (e / 2) for e in range(-24, -1)]


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def gradcheck_figures() -> None:
    sizes = Sizes(3, 4, 3)
    net = TinyMLP.from_values(sizes, {n: drawn(0, n) for n in param_names(sizes)}, "tanh", "softmax_ce")
    X, Y = batch(Example(net, np.array([0.5, -1.0, 0.3]), one_hot(0, 3)), m=4, seed=0)
    ours = best_of(lambda: gradient_checks(net, X, Y, "none", HS))
    params = {k: torch.tensor(v) for k, v in net.params().items()}
    Xt, Yt = torch.tensor(X), torch.tensor(Y)

    def torch_loss() -> float:
        O = torch.tanh(Xt @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
        return float(F.cross_entropy(O, Yt))

    analytic = {k: torch.tensor(v) for k, v in net.backward(X, Y).items()}
    baseline = best_of(lambda: [gradient_check(torch_loss, params, analytic, h) for h in HS])
    print(f"gradient-check sweep, 23 h x 43 params: numpy {ours * 1e3:.1f} ms, torch baseline "
          f"{baseline * 1e3:.1f} ms ({baseline / ours:.1f}x)")


def bare_loop(config: DeepConfig, steps: int, lr: float) -> None:
    net = DeepMLP(config)
    X, Y = fixed_batch(config.seed)
    for _ in range(steps):
        prediction, _ = net.forward(X)
        loss = F.mse_loss(prediction, Y)
        grads = torch.autograd.grad(loss, net.parameters())
        with torch.no_grad():
            for p, g in zip(net.parameters(), grads, strict=True):
                p -= lr * g


def health_figures() -> None:
    for threads in (1, torch.get_num_threads()):
        torch.set_num_threads(threads)
        for config, steps in ((DeepConfig(), 30), (DeepConfig(depth=50, width=256), 10)):
            ours = best_of(lambda c=config, n=steps: train(c, steps=n, lr=0.01), repeats=2)
            baseline = best_of(lambda c=config, n=steps: bare_loop(c, steps=n, lr=0.01), repeats=2)
            print(f"health.train depth {config.depth} width {config.width}, {steps} steps, "
                  f"{threads} thread(s): {ours:.2f} s, bare loop {baseline:.2f} s ({ours / baseline:.2f}x)")


if __name__ == "__main__":
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads by default")
    train(DeepConfig(depth=2, width=16), steps=1)  # the first optimizer pays torch's one-off imports
    gradcheck_figures()
    health_figures()
