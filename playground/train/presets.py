"""Named recipes: a RunConfig's fields for a known-good run (command line ``--preset``, benchmarks).

``cifar10-fast`` follows airbench94 (Keller Jordan, 2024: 94% in 3.8 s on an A100) translated to
a mean-reduced loss: its lr 11.5 per 1,024 examples with Nesterov momentum 0.85 is an SGD lr of
11.5 / (1 + 1/(1 - 0.85)) = 1.5; its decay of 0.0153 per 1,024 examples per step at that lr is
a weight_decay of 0.0153 / 7.67 / 1.5 = 0.00133. It leaves out airbench's lookahead averaging
and trains 12 epochs instead of 9.9 to make up for it. The speed recipes use torch.optim's
multi-tensor kernels (``backend="torch"``); ours is one small kernel per parameter and operation.

``mnist1d-*`` is one recipe for the four models of the MNIST-1D paper (Greydanus & Kobak 2020),
and the Training runs page's defaults (``PAGE_RECIPE``): the paper's Adam at a constant lr of
0.01 in batches of 100, for 100 epochs (4,000 steps) instead of the paper's 6,000 steps; its MLP
has the paper's two hidden layers of 100. ``benchmarks/bench_mnist1d.py`` measures it against the
paper's table. A constant rate is part of the recipe: decaying it (cosine) or halving it let the
MLP and the CNN fit the 4,000 training signals more closely and score 2 to 4 points lower on test
(three seeds each).
"""

from __future__ import annotations

from dataclasses import replace

from playground.train.loop import RunConfig
from playground.train.paper import PAPER

MNIST1D_RECIPE = dict(dataset="mnist1d", optimizer="Adam", lr=1e-2, batch_size=100, epochs=100,
                      hidden=(100, 100))

PRESETS: dict[str, dict] = {
    **{f"mnist1d-{row.model}": dict(MNIST1D_RECIPE, model=row.model) for row in PAPER},
    "digits-mlp": dict(dataset="digits", model="mlp", optimizer="Adam", lr=3e-3, batch_size=64, epochs=15,
                       hidden=(128,)),
    "mnist-mlp": dict(dataset="mnist", model="mlp", optimizer="Adam", lr=1e-3, batch_size=128, epochs=3,
                      hidden=(128,)),
    "mnist-cnn": dict(dataset="mnist", model="cnn", optimizer="Adam", backend="torch", lr=3e-3,
                      batch_size=256, epochs=4, batchnorm=True, schedule="one_cycle", warmup=0.2),
    "cifar10-fast": dict(dataset="cifar10", model="fast", optimizer="NAG", backend="torch", momentum=0.85,
                         lr=1.5, batch_size=1024, epochs=12, weight_decay=0.00133, bias_lr_scale=64.0,
                         label_smoothing=0.2, augment=True, tta=True, schedule="one_cycle", warmup=0.23),
}


def preset(name: str, **overrides) -> RunConfig:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    return replace(RunConfig(**PRESETS[name]), **overrides)


PAGE_RECIPE = preset("mnist1d-mlp")  # the Training runs page's default settings
