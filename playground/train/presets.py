"""Named recipes: a RunConfig's fields for a known-good run (command line ``--preset``, benchmarks).

``cifar10-fast`` follows airbench94 (Keller Jordan, 2024: 94% in 3.8 s on an A100) translated to
a mean-reduced loss: its lr 11.5 per 1,024 examples with Nesterov momentum 0.85 is an SGD lr of
11.5 / (1 + 1/(1 - 0.85)) = 1.5; its decay of 0.0153 per 1,024 examples per step at that lr is
a weight_decay of 0.0153 / 7.67 / 1.5 = 0.00133. It leaves out airbench's lookahead averaging
and trains 12 epochs instead of 9.9 to make up for it. The speed recipes use torch.optim's
multi-tensor kernels (``backend="torch"``); ours is one small kernel per parameter and operation.
"""

from __future__ import annotations

from dataclasses import replace

from playground.train.loop import RunConfig

PRESETS: dict[str, dict] = {
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
