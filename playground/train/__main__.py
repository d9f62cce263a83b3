"""Command line: ``python -m playground.train --dataset mnist --model mlp --optimizer adam --lr 1e-3
--epochs 3``. Every RunConfig field is an option; the run prints a progress bar and writes
metrics.csv, metrics.json and model.safetensors to ``--out``. Ctrl-C stops the run and still
saves what it has. ``--nproc N`` trains the one run as N processes, each on 1/N of every batch
(data parallelism, :mod:`playground.train.distributed`)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from dataclasses import fields

import torch

from playground.datasets import download
from playground.datasets.images import load
from playground.optim import METHODS
from playground.optim.hyperparameters import KNOBS
from playground.regularization.mlp import parse_widths
from playground.train import export
from playground.train.device import pick_device
from playground.train.distributed import backend_for, train_data_parallel
from playground.train.loop import Progress, RunConfig
from playground.train.presets import PRESETS, preset

BAR = 30
# the fields whose default is None, and their types
OPTIONAL = {"momentum": float, "max_train": int, "max_test": int, "data_root": str}
HELP = {"accumulate": "sum the gradients of K batches before each optimizer step: an effective batch of "
                      "K × batch size in the memory of one batch (batchnorm still sees one batch at a time)",
        "channels": "the CNN's channels, stage by stage, comma-separated: 1 to 3 stages for --model cnn "
                    "(default 32,64), 3 for cnn1d (default 25,25,25); other models ignore them",
        "nproc": "train as N processes, each on 1/N of every batch, their gradients averaged (data "
                 "parallelism: gloo on the CPU, nccl on N GPUs; the batch size must be divisible by N; "
                 "each process takes cores ÷ N threads)",
        "adversarial": "train on FGSM examples too: half the loss on each batch, half on its FGSM version at "
                       "ε = 8/255 (images) or 0.2 σ (MNIST-1D)"}


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m playground.train", description=__doc__.split("\n")[0])
    cli.add_argument("--preset", choices=PRESETS, help="start from a named recipe; other options override it")
    cli.add_argument("--out", help="output folder (default runs/<dataset>-<model>-<time>)")
    cli.add_argument("--download", action="store_true", help="download the dataset if it is missing")
    cli.add_argument("--threads", type=int, default=0, help="CPU threads for torch (default: torch's)")
    for spec in fields(RunConfig):
        flag, default = f"--{spec.name.replace('_', '-')}", spec.default
        if spec.name == "hyper":
            cli.add_argument(flag, action="append", type=hyperparameter, default=None, metavar="NAME=VALUE",
                             help="one more of the optimizer's hyperparameters, e.g. --hyper beta2=0.99 "
                                  f"--hyper amsgrad=true (any of {', '.join(KNOBS)} the optimizer has)")
        elif isinstance(default, bool):
            cli.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        elif isinstance(default, tuple):
            cli.add_argument(flag, type=parse_widths, default=None,
                             help=HELP.get(spec.name, "comma-separated widths, e.g. 256,128"))
        else:
            cli.add_argument(flag, type=OPTIONAL.get(spec.name, type(default)), default=None,
                             help=HELP.get(spec.name))
    return cli


def hyperparameter(text: str) -> tuple[str, float | bool]:
    """``--hyper`` NAME=VALUE as (name, number), or (name, True/False) for a switch such as amsgrad."""
    name, equals, value = text.partition("=")
    if not equals or name not in KNOBS:
        raise argparse.ArgumentTypeError(f"write NAME=VALUE, NAME one of {', '.join(KNOBS)}, not {text!r}")
    if KNOBS[name].flag:
        if value.lower() not in ("true", "false"):
            raise argparse.ArgumentTypeError(f"{name} is a switch: write {name}=true or {name}=false")
        return name, value.lower() == "true"
    try:
        return name, float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name} takes a number, not {value!r}") from None


def config_from(args: argparse.Namespace) -> RunConfig:
    given = {spec.name: getattr(args, spec.name) for spec in fields(RunConfig)
             if getattr(args, spec.name) is not None}
    if "optimizer" in given:  # accept any case: adam, ADAM, Adam
        names = {name.lower(): name for name in METHODS}
        given["optimizer"] = names.get(given["optimizer"].lower(), given["optimizer"])
    if "schedule" in given:  # one-cycle and warmup-cosine read better on a command line
        given["schedule"] = given["schedule"].replace("-", "_")
    if "hyper" in given:
        given["hyper"] = tuple(given["hyper"])
    return preset(args.preset, **given) if args.preset else RunConfig(**given)


def show(progress: Progress) -> None:
    done = progress.step / max(progress.total_steps, 1)
    bar = "#" * round(done * BAR) + "-" * (BAR - round(done * BAR))
    line = (f"\repoch {progress.epoch} [{bar}] {done:4.0%}  loss {progress.loss:.4f}  "
            f"acc {progress.accuracy:6.2%}  {progress.images_per_s:9,.0f} img/s")
    if progress.kind == "epoch":
        line += f"  test loss {progress.test_loss:.4f}  test acc {progress.test_accuracy:6.2%}\n"
    sys.stderr.write(line)
    sys.stderr.flush()


def show_download(progress: download.Progress) -> None:
    sys.stderr.write(f"\rdownloading {progress.filename}: {progress.done / progress.total:4.0%}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = config_from(args)
        config.validate()
        pick_device(config.device)  # a missing GPU is the user's to fix, before any data is read
        if config.nproc > 1:
            backend_for(config)  # too few GPUs, or a device data parallelism does not run on
        data = load(config.dataset, config.data_root, download=args.download, progress=show_download)
    except (ValueError, TypeError) as error:  # DatasetError is a ValueError
        print(f"\nerror: {error}", file=sys.stderr)
        return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    result = train_data_parallel(config, callback=show, should_stop=stop.is_set, data=data)
    out = args.out or f"runs/{config.dataset}-{config.model}-{time.strftime('%Y%m%d-%H%M%S')}"
    paths = export.save(result, out)
    print(f"\n{result.status}: {result.message}\ndevice: {result.device}", file=sys.stderr)
    print("\n".join(str(path) for path in paths))
    return 0 if result.status in ("finished", "early-stopped", "stopped") else 1


if __name__ == "__main__":
    sys.exit(main())
