"""The one training function behind the Training runs page and ``python -m playground.train``.

``train(config, callback, should_stop)`` builds the model and optimizer a :class:`RunConfig`
describes, keeps the whole dataset on the device, and reports :class:`Progress` to
``callback`` about twenty times an epoch and after every epoch's test evaluation. It never
raises for what a user can cause: a diverging loss, a stop request or running out of GPU
memory end the run with a status and a message (a :class:`~playground.i18n.Said`, which a page says
in its language) in the returned :class:`RunResult`. A stop is
noticed within one layer's work: before every training step, every evaluation batch, and between
the setup stages (data to the device, whitening), and inside a step too, before each layer's
forward pass and as each parameter's gradient arrives (one step of a big batch takes seconds).

Inside a data-parallel run (:mod:`playground.train.distributed`) each process trains on its own
share of every batch through :class:`~torch.nn.parallel.DistributedDataParallel`; the processes
agree once a step on whether to stop, and sum their loss reports, so they never part ways.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field, fields, replace

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from playground.datasets.images import DATASETS, ImageSet, load
from playground.i18n import Said, SaidError, said
from playground.optim import METHODS
from playground.regularization import optimizers
from playground.regularization.early_stopping import EarlyStopping
from playground.regularization.penalties import after_step_, check_l1_kind, loss_terms
from playground.schedules import SCHEDULES, Schedule
from playground.seeding import draw_dropout_from
from playground.train import evaluate as ev
from playground.train.adversarial import attack_plan, fgsm
from playground.train.augment import flip_crop
from playground.train.device import amp_dtype, describe, pick_device, release_memory
from playground.train.device_data import DeviceData
from playground.train.layers import Filters, Layers
from playground.train.models import MODELS, FastNet, build_model, check_channels, check_pairing

BACKENDS = ("scratch", "torch")
REPORTS_PER_EPOCH = 20


@dataclass
class RunConfig:
    dataset: str = "digits"
    model: str = "mlp"
    optimizer: str = "Adam"          # a name in playground.optim.METHODS
    backend: str = "scratch"         # our from-scratch optimizer, or torch.optim's
    lr: float = 1e-3
    momentum: float | None = None    # None keeps the method's own (e.g. 0.9 for Momentum)
    hyper: tuple[tuple[str, float | bool], ...] = ()  # the optimizer's other knobs: ("beta2", 0.99), ...
    epochs: int = 5
    batch_size: int = 128
    accumulate: int = 1              # batches per optimizer step: an effective batch of batch_size × this
    nproc: int = 1                   # processes training this one run, each on 1/nproc of every batch
    adversarial: bool = False       # train on FGSM examples too (Goodfellow et al. 2015), half the loss
    schedule: str = "constant"       # a kind in playground.schedules.SCHEDULES
    warmup: float = 0.0              # fraction of all steps spent warming up (warmup schedules)
    weight_decay: float = 0.0
    decay: str = "decoupled"         # a key of regularization.optimizers.DECAYS, as in the lab
    l1: float = 0.0                  # λ of L1, applied as l1_kind says
    l1_kind: str = "proximal"        # a key of regularization.penalties.L1_KINDS, as in the lab
    l2: float = 0.0                  # λ of λ·Σw² added to the loss
    hidden: tuple[int, ...] = (128,)  # MLP hidden widths
    channels: tuple[int, ...] = ()   # the CNNs' conv widths, stage by stage; () = the model's own
    dropout: float = 0.0
    batchnorm: bool = False
    label_smoothing: float = 0.0
    clip: float = 0.0                # max gradient norm; 0 = no clipping
    patience: int = 0                # early stopping on a 10% validation split; 0 = off
    augment: bool = False            # random flips and 2-pixel translations, batched on the device
    tta: bool = False                # test-time augmentation (mirror + shifts) at evaluation
    bias_lr_scale: float = 1.0       # biases/BatchNorm shifts: lr × scale, weight decay ÷ scale
    device: str = "auto"
    amp: bool = True                 # mixed precision on CUDA: bfloat16, or float16 with loss scaling
    seed: int = 0
    max_train: int | None = None     # use only the first N training / test images
    max_test: int | None = None
    data_root: str | None = None

    def validate(self) -> None:
        """Raise ValueError with a message a student can act on."""
        choices: dict[str, Collection[str]] = {"dataset": DATASETS, "model": MODELS, "optimizer": METHODS,
                                               "backend": BACKENDS, "schedule": SCHEDULES}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"unknown {name} {getattr(self, name)!r}; choose from {', '.join(allowed)}")
        check_pairing(self.model, self.dataset, augment=self.augment or self.tta)
        check_channels(self.model, self.channels)
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"the learning rate must be a positive number, not {self.lr}")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch size must be at least 1")
        if isinstance(self.accumulate, bool) or not isinstance(self.accumulate, int) or self.accumulate < 1:
            raise ValueError("gradient accumulation takes a whole number of batches per step, at least 1, "
                             f"not {self.accumulate!r}")
        if isinstance(self.nproc, bool) or not isinstance(self.nproc, int) or self.nproc < 1:
            raise SaidError("runs_nproc.whole", nproc=repr(self.nproc))
        if self.batch_size % self.nproc:  # each process trains on an equal share of every batch
            raise SaidError("runs_nproc.divisible", batch=self.batch_size, nproc=self.nproc)
        if self.batchnorm and self.batch_size < 2:
            raise ValueError("batch normalization needs batches of at least 2 examples")
        if not 0 <= self.dropout < 1 or not 0 <= self.label_smoothing < 1 or not 0 <= self.warmup < 1:
            raise ValueError("dropout, label smoothing and warmup must be in [0, 1)")
        if min(self.weight_decay, self.l1, self.l2, self.clip, self.patience) < 0 or self.bias_lr_scale <= 0:
            raise ValueError("weight decay, L1, L2, clipping and patience cannot be negative")
        check_l1_kind(self.l1_kind)
        optimizers.decay_in_force(self.optimizer, self.decay)  # raises for an unknown kind
        optimizers.check(self.optimizer, self.lr, self.tuned)

    @property
    def tuned(self) -> dict[str, float]:
        """The optimizer hyperparameters this run sets beside lr and weight decay."""
        momentum = {} if self.momentum is None else {"momentum": self.momentum}
        return {**dict(self.hyper), **momentum}

    def network(self, shape: tuple[int, int, int], classes: int, seed: int | None = None) -> torch.nn.Module:
        """The untrained model this run trains, for examples of ``shape``: built in one place so
        that whatever rebuilds a run's model (to load its weights) builds the same layers."""
        return build_model(self.model, shape, classes, hidden=self.hidden, channels=self.channels,
                           dropout=self.dropout, batchnorm=self.batchnorm, seed=seed)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> RunConfig:
        known = {f.name for f in fields(cls)}
        config = cls(**{k: v for k, v in values.items() if k in known})
        config.hidden, config.channels = tuple(config.hidden), tuple(config.channels)
        config.hyper = tuple((str(name), value) for name, value in config.hyper)  # JSON keeps pairs as lists
        return config


@dataclass(frozen=True)
class Progress:
    kind: str              # "step": mean of the steps since the last report; "epoch": after evaluation
    epoch: int             # 1-based
    step: int              # optimizer steps done
    total_steps: int
    loss: float
    accuracy: float
    lr: float
    images_per_s: float
    elapsed: float
    test_loss: float | None = None
    test_accuracy: float | None = None
    device: Said | None = None  # the device the run trains on, as describe() names it
    # "step": each layer's gradient L2 norm at the last step before the report: the gradient the
    # optimizer stepped with (all micro-batches, averaged across processes), before clipping
    grad_norms: tuple[tuple[str, float], ...] = ()
    filters: Filters | None = None  # "epoch": the first convolution's weights (conv nets only)
    # "epoch": the test set's confusion matrix (rows: true class) and first mistakes, as RunResult keeps them
    confusion: tuple[tuple[int, ...], ...] | None = None
    mistakes: tuple[dict[str, int], ...] = ()


@dataclass
class RunResult:
    config: RunConfig
    status: str            # finished, early-stopped, stopped, diverged, failed
    message: Said
    device: Said | None    # as describe() names it; None when the run failed before it had one
    classes: tuple[str, ...] = ()
    steps: list[dict] = field(default_factory=list)
    epochs: list[dict] = field(default_factory=list)
    confusion: list[list[int]] | None = None
    mistakes: list[dict] = field(default_factory=list)
    state_dict: dict[str, torch.Tensor] = field(default_factory=dict)
    seconds: float = 0.0
    grad_norms: list[tuple[int, tuple[tuple[str, float], ...]]] = field(default_factory=list)  # (step, norms)
    filters: Filters | None = None  # the first convolution's weights after the last epoch

    @property
    def test_accuracy(self) -> float | None:
        return self.epochs[-1]["test_accuracy"] if self.epochs else None

    @property
    def per_class_accuracy(self) -> list[float | None]:
        return ev.per_class_accuracy(torch.tensor(self.confusion)) if self.confusion else []

    def seconds_to(self, accuracy: float) -> float | None:
        """Training time (evaluation excluded) until the test accuracy first reached ``accuracy``."""
        elapsed = 0.0
        for epoch in self.epochs:
            elapsed += epoch["seconds"]
            if epoch["test_accuracy"] >= accuracy:
                return elapsed
        return None


def train(config: RunConfig, callback: Callable[[Progress], None] | None = None,
          should_stop: Callable[[], bool] | None = None, data: ImageSet | None = None) -> RunResult:
    """Train as ``config`` says on ``data`` (default: load ``config.dataset``), reporting to
    ``callback`` and checking ``should_stop`` before every training step and evaluation batch."""
    config.validate()
    device = pick_device(config.device)
    if data is None:
        data = load(config.dataset, config.data_root)
    try:
        return _Run(config, device, data, callback or _ignore, should_stop or ev.never).run()
    except ev.StopRequested as stop:  # during setup; once training has begun the run reports it
        return RunResult(config, "stopped", said("runs.messages.stopped_before", where=stop.where),
                         describe(device), data.classes)
    except torch.OutOfMemoryError:
        pass  # handled below, once the traceback no longer pins the run's tensors
    release_memory(device)
    out_of_memory = said("runs.messages.out_of_memory", device=describe(device), batch=config.batch_size,
                         smaller=max(1, config.batch_size // 2))
    return RunResult(config, "failed", out_of_memory, describe(device))


def failed(config: RunConfig, error: BaseException) -> RunResult:
    """The result of a run whose job raised ``error``: its words as we said them (a damaged file,
    a refusal), else the exception's own."""
    words = error.said if isinstance(error, SaidError) else str(error)
    return RunResult(config, "failed", said("runs.messages.run_failed", error=words), None)


def seconds_text(seconds: float) -> str:
    """A duration as the pages write it: three significant digits below 100 s ("0.0213 s", "12.3 s"),
    whole seconds above ("3,601 s"), never "0.0 s" for a run that took 21 ms."""
    return f"{seconds:.3g} s" if seconds < 100 else f"{seconds:,.0f} s"


def finished(epochs: int, seconds: float, accuracy: float | None) -> Said:
    """How a run that trained all its ``epochs`` in ``seconds`` ended (``accuracy``: None untested)."""
    took = seconds_text(seconds)
    if accuracy is None:
        return (said("runs.messages.finished_one_untested", seconds=took) if epochs == 1 else
                said("runs.messages.finished_untested", epochs=epochs, seconds=took))
    return (said("runs.messages.finished_one", seconds=took, accuracy=accuracy) if epochs == 1 else
            said("runs.messages.finished", epochs=epochs, seconds=took, accuracy=accuracy))


def _ignore(progress: Progress) -> None:
    pass


def lr_factor(config: RunConfig, total_steps: int) -> Callable[[int], float]:
    """The multiplier of ``config.lr`` at each 0-based optimizer step of a run of ``total_steps``:
    the ``lr_lambda`` of the run's ``LambdaLR``, so step t trains at ``config.lr * lr_factor(t)``."""
    schedule = Schedule(kind=config.schedule, warmup=int(config.warmup * total_steps))
    return lambda step: schedule.factor(step, total_steps)


def total_steps(config: RunConfig, data: ImageSet) -> int:
    """The optimizer steps a run of ``config`` on ``data`` takes if it trains every epoch, counted by
    the loop's own :class:`DeviceData` on shape-only ("meta") tensors: no image is copied."""
    data = data.subset(config.max_train, config.max_test)
    shapes = replace(data, train_x=_shape_only(data.train_x), train_y=_shape_only(data.train_y),
                     test_x=_shape_only(data.test_x), test_y=_shape_only(data.test_y))
    device_data = DeviceData(shapes, torch.device("meta"), validation=held_out(config), seed=config.seed)
    return _steps_per_epoch(config, device_data) * config.epochs


def _steps_per_epoch(config: RunConfig, data: DeviceData) -> int:
    """Optimizer steps in one epoch: the epoch's batches taken ``config.accumulate`` at a time, a
    ragged last group making a step of its own."""
    return -(-data.steps_per_epoch(config.batch_size) // config.accumulate)


def _shape_only(tensor: torch.Tensor) -> torch.Tensor:
    return torch.empty(tensor.shape, dtype=tensor.dtype, device="meta")


def data_parallel() -> tuple[int, int]:
    """This process's rank and the number of processes training one run together: (0, 1) unless
    :mod:`playground.train.distributed` started this process in a group of several."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def held_out(config: RunConfig) -> float:
    """The fraction of the training set held out for early stopping (none without it)."""
    return 0.1 if config.patience else 0.0


class _Run:
    """One training run's state; ``run`` is the loop."""

    def __init__(self, config: RunConfig, device: torch.device, data: ImageSet,
                 callback: Callable[[Progress], None], should_stop: Callable[[], bool]) -> None:
        self.config, self.device, self.callback, self.should_stop = config, device, callback, should_stop
        self.rank, self.world = data_parallel()
        if self.world > 1:  # every process must stop at the same step: see _agree_on_stop
            self.stop_asked, self.stopping = should_stop, False
            self.should_stop = lambda: self.stopping
        data = data.subset(config.max_train, config.max_test)
        conv_on_gpu = config.model != "mlp" and device.type == "cuda"
        self.data = DeviceData(data, device, channels_last=conv_on_gpu, validation=held_out(config),
                               seed=config.seed)
        self.attack = attack_plan(data) if config.adversarial else None
        self._check_stop(said("runs.messages.moving_data"))
        model = config.network(data.shape, len(data.classes), seed=config.seed)
        self.model = model.to(device)
        if conv_on_gpu:
            # Module.to's overloads leave out memory_format, which it documents and accepts
            self.model = self.model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        if isinstance(self.model, FastNet):
            self.model.whiten(self.data.prepare(self.data.train_x[:5000]))
            self._check_stop(said("runs.messages.whitening"))
        self._stop_inside_steps()
        self.layers = Layers(self.model)
        # the module that trains: the model itself, or in a data-parallel run the model wrapped so
        # that backward averages the gradients of all processes (``self.model`` stays the bare one)
        self.trained: torch.nn.Module = self.model if self.world == 1 else DistributedDataParallel(self.model)
        self.optimizer = make_optimizer(self.model, config)
        self.micro_batches = self.data.steps_per_epoch(config.batch_size)  # per epoch
        self.steps_per_epoch = _steps_per_epoch(config, self.data)
        self.total_steps = self.steps_per_epoch * config.epochs
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer,
                                                           lr_factor(config, self.total_steps))
        self.generator = torch.Generator(device=device).manual_seed(config.seed)  # shuffles, augmentation
        # dropout masks from this run's own stream: concurrent runs never share torch's global one
        # (each process of a data-parallel run its own, or all would drop the same units of their shares)
        draw_dropout_from(self.model, torch.Generator(device=device).manual_seed(config.seed + self.rank))
        if device.type == "cuda":
            torch.backends.cudnn.benchmark = True  # fixed shapes: let cuDNN pick its fastest kernels
        dtype = amp_dtype(device) if config.amp else None
        self.autocast = lambda: torch.autocast(device.type, dtype=dtype, enabled=dtype is not None)
        # float16's narrow range flushes small gradients to zero unless the loss is scaled up first
        self.scaler = torch.amp.GradScaler(device.type, enabled=dtype == torch.float16)
        # the message is a placeholder until the run ends and says how
        self.result = RunResult(config, "finished", finished(config.epochs, 0.0, None), describe(device),
                                data.classes)
        self.step, self.epoch, self.started = 0, 0, time.perf_counter()

    def _check_stop(self, where: Said) -> None:
        if self.should_stop():
            raise ev.StopRequested(where)

    def _stop_inside_steps(self) -> None:
        """Ask ``should_stop`` before every layer's forward pass and as every parameter's gradient
        arrives, not only between steps: one step of the fast net on 2,048 CIFAR images takes 35 s on
        a CPU thread. A stop raised there leaves the weights as the last full step left them."""
        training, evaluating = said("runs.messages.during_training"), said("runs.messages.during_evaluation")
        for module in self.model.modules():
            if next(module.children(), None) is None:  # a layer: containers only call layers
                module.register_forward_pre_hook(
                    lambda layer, _: self._check_stop(training if layer.training else evaluating))
        for parameter in self.model.parameters():
            if parameter.requires_grad:  # the fast net's whitening filters are fixed
                parameter.register_hook(lambda _: self._check_stop(training))

    def run(self) -> RunResult:
        config, result = self.config, self.result
        try:
            self._train_epochs()
        except ev.StopRequested as stop:  # the weights so far are kept
            result.status = "stopped"
            result.message = said("runs.messages.stopped", where=stop.where, step=self.step, epoch=self.epoch)
        result.state_dict = {k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()}
        result.seconds = time.perf_counter() - self.started
        if result.status == "finished":
            result.message = finished(config.epochs, result.seconds, result.test_accuracy)
        return result

    def _evaluate(self, images: torch.Tensor, labels: torch.Tensor, tta: bool = False) -> ev.Evaluation:
        if self.world > 1:  # batchnorm's running statistics are each process's own: evaluate rank 0's
            for buffer in self.model.buffers():
                dist.broadcast(buffer, src=0)
        return ev.evaluate(self.model, images, labels, self.data.prepare, tta=tta, autocast=self.autocast,
                           should_stop=self.should_stop)

    def _train_epochs(self) -> None:
        config, result = self.config, self.result
        stopper = EarlyStopping(config.patience, restore_best_weights=True) if config.patience else None
        for epoch in range(1, config.epochs + 1):
            self.epoch, epoch_started = epoch, time.perf_counter()
            if not self._train_epoch(epoch):
                break
            seconds = time.perf_counter() - epoch_started
            test = self._evaluate(self.data.test_x, self.data.test_y, tta=config.tta)
            self._record_epoch(epoch, seconds, test)
            if not math.isfinite(test.loss) and len(self.data.test_x):
                self._diverged(epoch, test.loss)
                break
            if stopper is not None:
                val = self._evaluate(self.data.val_x, self.data.val_y)
                result.epochs[-1]["val_loss"] = val.loss
                if stopper.update(epoch, val.loss, self.model):
                    result.status = "early-stopped"
                    result.message = said("runs.messages.early_stopped", epoch=epoch,
                                          patience=config.patience, best=stopper.best_epoch)
                    break
        if stopper is not None and stopper.restore(self.model) and result.status != "diverged":
            self._record_predictions(self._evaluate(self.data.test_x, self.data.test_y, tta=config.tta))

    def _train_epoch(self, epoch: int) -> bool:
        """One pass over the training set; False when the loss diverged. Each optimizer step
        accumulates the gradients of ``config.accumulate`` consecutive batches (micro-batches)."""
        config, model = self.config, self.model
        self.trained.train()
        window = torch.zeros(3, device=self.device)  # summed loss, correct count, examples since last report
        window_started = time.perf_counter()
        report_every = max(1, self.steps_per_epoch // REPORTS_PER_EPOCH)
        batches = self.data.batches(config.batch_size, self.generator)
        for index in range(1, self.steps_per_epoch + 1):
            # a ragged last group of r < k micro-batches averages over its own r: a step of the usual size
            group = min(config.accumulate, self.micro_batches - (index - 1) * config.accumulate)
            if self.world > 1:
                self._agree_on_stop()
            self.optimizer.zero_grad(set_to_none=True)
            for micro, (x, y) in enumerate(itertools.islice(batches, group)):
                self._check_stop(said("runs.messages.during_training"))
                window += self._accumulate_gradient(x, y, group, penalize=micro == 0, last=micro == group - 1)
            report = index % report_every == 0 or index == self.steps_per_epoch
            if config.clip or report:
                self.scaler.unscale_(self.optimizer)  # clip and report the true gradients, not scaled ones
            grad_norms = self.layers.grad_norms() if report else None  # before clipping
            if config.clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip)
            self.scaler.step(self.optimizer)
            self.scaler.update()
            after_step_(model, self.optimizer.param_groups[0]["lr"], config.l1, config.l1_kind)
            self.scheduler.step()
            self.step += 1
            if grad_norms is not None:  # a report's step
                if self.world > 1:  # the whole batches' figures, the same in every process
                    dist.all_reduce(window)
                # the one host-device sync per report
                total, correct_count, count, *norms = torch.cat([window, grad_norms]).tolist()
                if not math.isfinite(total):
                    self._diverged(epoch, total)
                    return False
                elapsed = time.perf_counter() - window_started
                self._report("step", epoch, total / count, correct_count / count, count / max(elapsed, 1e-9),
                             grad_norms=tuple(zip(self.layers.names, norms, strict=True)))
                window.zero_()
                window_started = time.perf_counter()
        return True

    def _agree_on_stop(self) -> None:
        """Share a stop asked of any process with all of them, before a step: a process that
        stopped alone would leave the others waiting forever for its gradients. So a data-parallel
        run notices a stop between steps only."""
        asked = torch.tensor([float(self.stop_asked())], device=self.device)
        dist.all_reduce(asked, op=dist.ReduceOp.MAX)
        self.stopping = bool(asked.item())

    def _accumulate_gradient(self, x: torch.Tensor, y: torch.Tensor, group: int, penalize: bool,
                             last: bool = True) -> torch.Tensor:
        """Add one micro-batch's share to the parameters' gradients; return its summed loss, its
        count of correct predictions and its number of examples (detached, one tensor).

        Each of the ``group`` micro-batches backpropagates its mean loss ÷ ``group``, so the summed
        gradient is the mean over all their examples (equal-sized micro-batches): the gradient of one
        batch ``group`` times as large. The L1/L2 terms depend on the weights alone, which do not
        change within a step, so only the first micro-batch (``penalize``) adds them, undivided.
        With float16 each share is scaled by the same factor; the step unscales once.

        In a data-parallel run this process takes every ``world``-th example of the batch, and
        backward averages the gradients of all processes; only the ``last`` micro-batch of a step
        waits for that, the others accumulate at home (``no_sync``). Its loss is weighted by its
        share of the batch × ``world``, which is 1 for equal shares, so that the average is the
        whole batch's mean gradient even when a ragged last batch does not split evenly."""
        config = self.config
        if config.augment:  # the whole batch, so every process's generator stays in step
            x = flip_crop(x, pad=2, generator=self.generator)
        share = 1.0
        if self.world > 1:
            batch = len(y)
            x, y = x[self.rank::self.world], y[self.rank::self.world]
            share = len(y) * self.world / batch
        syncing = (self.trained.no_sync() if isinstance(self.trained, DistributedDataParallel) and not last
                   else contextlib.nullcontext())
        with syncing:
            with self.autocast():
                logits = self.trained(x)
            loss = F.cross_entropy(logits.float(), y, label_smoothing=config.label_smoothing)
            if self.attack is not None:
                # Goodfellow et al.'s adversarial objective: half the clean loss, half the loss on FGSM
                # versions of the same batch, made against the weights as they are now
                with self.autocast():
                    attacked = self.trained(self._fgsm(x, y))
                attacked_loss = F.cross_entropy(attacked.float(), y, label_smoothing=config.label_smoothing)
                loss = (loss + attacked_loss) / 2
            objective = loss * share / group
            terms = loss_terms(self.model, config.l1, config.l2, config.l1_kind) if penalize else None
            if terms is not None:
                objective = objective + terms
            self.scaler.scale(objective).backward()
        correct = (logits.argmax(1) == y).sum().float()
        return torch.stack([loss.detach() * len(y), correct, correct.new_tensor(len(y))])

    def _fgsm(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """FGSM versions of a prepared batch at the dataset's standard budget, made in the data's
        own units (the budget is in pixel steps or σ) and prepared again; made in eval mode, so the
        attack neither moves batchnorm's running statistics nor draws dropout masks."""
        assert self.attack is not None
        raw = self.data.unprepare(x)
        self.model.eval()
        try:
            epsilon = self.attack.epsilons[self.attack.standard]
            perturbed = fgsm(self.model, raw, y, epsilon, self.data.prepare, self.attack.bounds)
        finally:
            self.model.train()
        return self.data.prepare(perturbed)

    def _report(self, kind: str, epoch: int, loss: float, accuracy: float, images_per_s: float,
                test: ev.Evaluation | None = None, grad_norms: tuple[tuple[str, float], ...] = ()) -> None:
        """Tell the callback; a step report carries the layers' gradient norms, an epoch report
        the first convolution's filters and the test set's confusion matrix and first mistakes
        (all kept in the result too)."""
        epochal = kind == "epoch"
        filters = self.layers.filters() if epochal else None
        confusion = tuple(map(tuple, self.result.confusion)) if epochal and self.result.confusion else None
        progress = Progress(kind, epoch, self.step, self.total_steps, loss, accuracy,
                            self.optimizer.param_groups[-1]["lr"], images_per_s,
                            time.perf_counter() - self.started,
                            test.loss if test else None, test.accuracy if test else None, self.result.device,
                            grad_norms=grad_norms, filters=filters, confusion=confusion,
                            mistakes=tuple(self.result.mistakes) if epochal else ())
        if kind == "step":
            self.result.steps.append({"step": self.step, "epoch": epoch, "loss": loss, "accuracy": accuracy,
                                      "lr": progress.lr})
            self.result.grad_norms.append((self.step, grad_norms))
        else:
            self.result.filters = filters
        self.callback(progress)

    def _record_epoch(self, epoch: int, seconds: float, test: ev.Evaluation) -> None:
        steps = [s for s in self.result.steps if s["epoch"] == epoch]
        loss = sum(s["loss"] for s in steps) / len(steps)
        accuracy = sum(s["accuracy"] for s in steps) / len(steps)
        speed = self.data.epoch_size(self.config.batch_size) / seconds
        self.result.epochs.append({"epoch": epoch, "train_loss": loss, "train_accuracy": accuracy,
                                   "test_loss": test.loss, "test_accuracy": test.accuracy,
                                   "lr": self.optimizer.param_groups[-1]["lr"], "seconds": seconds,
                                   "images_per_s": speed})
        self._record_predictions(test)
        self._report("epoch", epoch, loss, accuracy, speed, test)

    def _record_predictions(self, test: ev.Evaluation) -> None:
        labels = self.data.test_y.cpu()
        confusion = ev.confusion_matrix(labels, test.predictions, len(self.result.classes))
        self.result.confusion = confusion.tolist()
        self.result.mistakes = ev.mistakes(labels, test.predictions)

    def _diverged(self, epoch: int, value: float) -> None:
        config = self.config
        facts = dict(step=self.step, epoch=epoch, value=value, lr=config.lr, optimizer=config.optimizer,
                     lower=config.lr / 10)
        self.result.status = "diverged"
        self.result.message = (said("runs.messages.diverged_clipped", **facts) if config.clip else
                               said("runs.messages.diverged", **facts))


def make_optimizer(model: torch.nn.Module, config: RunConfig) -> torch.optim.Optimizer:
    """The lab's optimizer factory, with this run's settings: ``config.optimizer``, ours or
    torch.optim's, decay on weights only; with a ``bias_lr_scale`` the other parameters
    (biases, norm shifts) take the learning rate × scale (airbench)."""
    return optimizers.make_optimizer(model, config.optimizer, config.lr, config.weight_decay,
                                     decay=config.decay, backend=config.backend,
                                     other_lr_scale=config.bias_lr_scale, tuned=config.tuned)
