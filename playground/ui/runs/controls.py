"""The Training runs page's sidebar: every setting of a run, each kept in the URL.

A control that does not apply to the current choice stays visible but disabled, with a help
text saying why (so its value, and the link, survive switching back): momentum outside the
SGD-with-velocity methods, warmup outside the warming schedules, dropout and batchnorm on the
fast CIFAR net, which has its own fixed BatchNorm and no dropout, and on the MNIST-1D paper's
models, built as the paper built them; augmentation and test-time augmentation on 1-D signals;
hidden widths outside the MLP; conv channels outside the small CNN and the 1-D CNN; mixed precision
off CUDA, where every run computes in float32; data-parallel processes where the server allows,
or the device holds, only one.

The defaults are the MNIST-1D recipe (``presets.PAGE_RECIPE``): a link that names none of the
settings trains the paper's MLP on MNIST-1D, which every machine can generate, offline. Mixed
precision is on and test-time augmentation off, as in :class:`RunConfig`.

Labels and the names of choices come from the catalogues; the link keeps the choices' ids
(``format_func`` shows them, and :meth:`QueryState.choice` keeps them right after a language switch).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.datasets.images import DATASETS
from playground.i18n import SettingsError
from playground.optim import METHODS
from playground.regularization.mlp import MAX_HIDDEN_LAYERS, MAX_WIDTH, parse_hidden
from playground.schedules import SCHEDULES
from playground.train import RunConfig
from playground.train.device import available, pick_device
from playground.train.distributed import process_counts
from playground.train.models import CHANNELS, FIXED_ARCHITECTURE, MAX_CHANNELS, MODELS, STAGES, parse_channels
from playground.train.presets import PAGE_RECIPE
from playground.ui import policy
from playground.ui.escape import in_code, said_literally
from playground.ui.i18n import t
from playground.ui.knobs import knob, method_knobs
from playground.ui.runs.compute import run_queue
from playground.ui.urlstate import QueryState

WARMUP_SCHEDULES = ("warmup_cosine", "one_cycle")
MOMENTUM_METHODS = tuple(name for name, method in METHODS.items() if "momentum" in method.defaults)
BATCH_SIZES = [16, 32, 64, 100, 128, 256, 512, 1024, 2048]  # 100: the MNIST-1D paper's
ACCUMULATE = [1, 2, 4, 8, 16]  # micro-batches per optimizer step


def settings(qs: QueryState) -> RunConfig:
    """Draw the sidebar's controls and return the run they describe."""
    optimization = _optimization(qs)
    with st.sidebar.expander(t("runs.controls.regularization")):
        regularization = _regularization(qs, optimization["model"],
                                         signals=DATASETS[optimization["dataset"]].signals)
    with st.sidebar.expander(t("runs.controls.hardware")):
        auto, devices = t("runs.controls.auto"), available()
        device = qs.choice("device", t("runs.controls.device"), ["auto", *devices], "auto",
                           format_func=lambda name: auto if name == "auto" else name)
        amp = _mixed_precision(qs, devices[0] if device == "auto" else device)
        seed = qs.number("seed", t("runs.controls.seed"), 0, lo=0, hi=2**31 - 1)
        nproc = _processes(qs, optimization["batch_size"], device)
    if regularization["batchnorm"] and optimization["accumulate"] > 1:
        # the one setting where accumulation changes more than memory: say so where both are set
        st.sidebar.caption(t("runs_accumulate.controls.batchnorm_note", batch=optimization["batch_size"],
                             effective=optimization["batch_size"] * optimization["accumulate"]))
    return RunConfig(**optimization, **regularization, device=device, amp=amp, seed=seed, nproc=nproc)


def _optimization(qs: QueryState) -> dict[str, Any]:
    side = st.sidebar
    datasets = {name: t(f"runs.datasets.{name}") for name in DATASETS}
    models = {name: t(f"runs.models.{name}") for name in MODELS}
    backends = {"scratch": t("runs.controls.scratch"), "torch": t("runs.controls.torch")}
    schedules = {name: t(f"runs.schedules.{name}") for name in SCHEDULES}
    recipe = PAGE_RECIPE
    dataset = qs.choice("dataset", t("runs.controls.dataset"), DATASETS, recipe.dataset, where=side,
                        format_func=datasets.__getitem__)
    model = qs.choice("model", t("runs.controls.model"), MODELS, recipe.model, where=side,
                      format_func=models.__getitem__)
    hidden = _hidden(qs, mlp=model == "mlp")
    channels = _channels(qs, model)
    optimizer = qs.choice("optimizer", t("runs.controls.optimizer"), METHODS, recipe.optimizer, where=side)
    backend = qs.choice("backend", t("runs.controls.backend"), backends, recipe.backend, widget="radio",
                        where=side, horizontal=True, format_func=backends.__getitem__)
    lr = knob(qs, "lr", "lr", recipe.lr, where=side, label=t("runs.controls.lr"))
    and_ = t("runs.controls.and")
    momentum = knob(qs, "momentum", "momentum", 0.9, where=side, disabled=optimizer not in MOMENTUM_METHODS,
                    help=t("runs.controls.momentum_help", methods=and_.join(MOMENTUM_METHODS)))
    with side:  # the rest of the optimizer's knobs, as the lab offers them (momentum has its own above)
        hyper = method_knobs(qs, optimizer, without=("momentum",) if optimizer in MOMENTUM_METHODS else ())
    epochs = qs.number("epochs", t("runs.controls.epochs"), recipe.epochs, lo=1, hi=100, where=side)
    batch = qs.choice("batch", t("runs.controls.batch"), BATCH_SIZES, recipe.batch_size,
                      widget="select_slider", where=side)
    accumulate = qs.choice("accumulate", t("runs_accumulate.controls.accumulate"), ACCUMULATE, 1,
                           widget="select_slider", where=side,
                           help=t("runs_accumulate.controls.accumulate_help", batch=batch))
    schedule = qs.choice("schedule", t("runs.controls.schedule"), SCHEDULES, recipe.schedule, where=side,
                         format_func=schedules.__getitem__)
    warmup = qs.slider("warmup", t("runs.controls.warmup"), 0.2, lo=0.05, hi=0.5, step=0.05, where=side,
                       disabled=schedule not in WARMUP_SCHEDULES,
                       help=t("runs.controls.warmup_help", schedules=and_.join(WARMUP_SCHEDULES)))
    return dict(dataset=dataset, model=model, hidden=hidden, channels=channels, optimizer=optimizer,
                backend=backend, lr=lr,
                momentum=momentum if optimizer in MOMENTUM_METHODS else None,
                hyper=tuple(sorted(hyper.items())), epochs=epochs, batch_size=batch, accumulate=accumulate,
                schedule=schedule,
                warmup=warmup if schedule in WARMUP_SCHEDULES else 0.0)


def _regularization(qs: QueryState, model: str, signals: bool) -> dict[str, Any]:
    fixed = model in FIXED_ARCHITECTURE
    fixed_help = None
    if fixed:  # the fast net has BatchNorm of its own; the paper's models are as the paper built them
        fixed_help = t("runs.controls.fixed_help") if model == "fast" else t(
            "runs_mnist1d.controls.fixed_help")
    weight_decay = knob(qs, "wd", "weight_decay", 0.0, label=t("runs.controls.weight_decay"))
    decay = policy.decay(qs, disabled=not weight_decay)
    l1 = qs.number("l1", t("runs.controls.l_one"), 0.0, lo=0.0, hi=1.0)
    l1_kind = policy.l1_kind(qs, disabled=not l1)
    l2 = qs.number("l2", t("runs.controls.l_two"), 0.0, lo=0.0, hi=1.0)
    dropout = qs.slider("dropout", t("runs.controls.dropout"), 0.0, lo=0.0, hi=0.8, step=0.05, disabled=fixed,
                        help=fixed_help)
    batchnorm = qs.switch("batchnorm", t("runs.controls.batchnorm"), disabled=fixed, help=fixed_help)
    smoothing = qs.slider("smoothing", t("runs.controls.smoothing"), 0.0, lo=0.0, hi=0.3, step=0.05,
                          help=t("runs.controls.smoothing_help"))
    augment = qs.switch("augment", t("runs.controls.augment"), disabled=signals,
                        help=t("runs_mnist1d.controls.augment_help") if signals else None)
    tta_help = t("runs_mnist1d.controls.augment_help") if signals else t("runs_controls_full.tta_help")
    tta = qs.switch("tta", t("runs_controls_full.tta"), disabled=signals, help=tta_help)
    clip = qs.number("clip", t("runs.controls.clip"), 0.0, lo=0.0, hi=100.0)
    patience = qs.number("patience", t("runs.controls.patience"), 0, lo=0, hi=20)
    adversarial = qs.switch("adversarial", t("runs_adversarial_training.label"),
                            help=t("runs_adversarial_training.help"))
    return dict(weight_decay=weight_decay, decay=decay, l1=l1, l1_kind=l1_kind, l2=l2,
                dropout=0.0 if fixed else dropout,
                batchnorm=batchnorm and not fixed, label_smoothing=smoothing, augment=augment and not signals,
                tta=tta and not signals, clip=clip, patience=patience, adversarial=adversarial)


def _hidden(qs: QueryState, mlp: bool) -> tuple[int, ...]:
    """The MLP's hidden widths, typed as "100,100". Widths that do not parse, from the link or the
    field, fall back to the recipe's with a notice, and the field shows them again (it always shows
    the widths the run would train); the other models keep their own layers and the recipe's widths."""
    default = _text(PAGE_RECIPE.hidden)
    key = qs.field("hidden", default)
    text = str(st.session_state[key])
    try:
        widths = parse_hidden(text)  # the lab's rule: up to MAX_HIDDEN_LAYERS layers of 1 to MAX_WIDTH units
    except ValueError as error:
        qs.notices.append(t("runs_controls_full.bad_hidden", text=in_code(text), reason=said_literally(error),
                            default=default))
        widths = PAGE_RECIPE.hidden
    st.session_state[key] = _text(widths)  # drawn below: "64, 32" shows, and links, as "64,32"
    help_ = (t("runs_controls_full.hidden_help", layers=MAX_HIDDEN_LAYERS, most=MAX_WIDTH) if mlp
             else t("runs_controls_full.hidden_fixed_help"))
    qs.text("hidden", t("runs_controls_full.hidden"), default, where=st.sidebar, disabled=not mlp, help=help_)
    return widths if mlp else PAGE_RECIPE.hidden


def _channels(qs: QueryState, model: str) -> tuple[int, ...]:
    """The CNNs' channel counts, typed as "32,64"; an empty field (the default) is the model's own,
    shown greyed inside it. Counts that do not parse or do not fit the model fall back to its own
    with a notice; outside the two small CNNs the field is disabled, its text kept for the link."""
    key = qs.field("channels", "")
    own = CHANNELS.get(model)
    channels: tuple[int, ...] = ()
    if own is not None:
        text = str(st.session_state[key])
        try:
            channels = parse_channels(model, text)
        except SettingsError as error:
            qs.notices.append(t("runs_channels.bad", text=in_code(text), reason=said_literally(error),
                                model=t(f"runs.models.{model}"), default=_text(own)))
        st.session_state[key] = _text(channels)  # drawn below as the link writes it: "8, 16" as "8,16"
    if own is None:
        help_ = t("runs_channels.fixed_help")
    elif model == "cnn":
        help_ = t("runs_channels.cnn_help", stages=STAGES[model][1], most=MAX_CHANNELS, default=_text(own))
    else:
        help_ = t("runs_channels.cnn1d_help", most=MAX_CHANNELS, default=_text(own))
    qs.text("channels", t("runs_channels.label"), "", where=st.sidebar, disabled=own is None, help=help_,
            placeholder=_text(own or ()))
    return channels


def _text(widths: tuple[int, ...]) -> str:
    return ",".join(str(width) for width in widths)


def _processes(qs: QueryState, batch: int, device: str) -> int:
    """How many processes train the run, offering only the counts it can train as: those that
    split the batch, that the device holds and that the server allows (``Limits.max_processes``,
    which the queue enforces). Greyed out, saying why, where that is one process."""
    limit = run_queue().limits.max_processes
    counts = process_counts(batch, device, limit)
    if qs.get("nproc", 1) not in counts:  # chosen before the batch or the device changed
        qs.set("nproc", 1)
    help_ = t("runs_nproc.help")
    if limit == 1:
        help_ = t("runs_nproc.help_server")
    elif counts == [1]:
        help_ = t("runs_nproc.help_device", device=pick_device(device).type.upper())
    return qs.choice("nproc", t("runs_nproc.label"), counts, 1, widget="radio", horizontal=True,
                     disabled=counts == [1], help=help_)


def _mixed_precision(qs: QueryState, device: str) -> bool:
    """The mixed-precision switch; off CUDA the loop computes in float32 whatever it says, so it is
    greyed out there (its value kept for the link and the record of the run)."""
    cuda = device == "cuda"
    help_ = (t("runs_controls_full.amp_help") if cuda
             else t("runs_controls_full.amp_off_help", device=device.upper()))
    return qs.switch("amp", t("runs_controls_full.amp"), True, disabled=not cuda, help=help_)
