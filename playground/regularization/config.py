"""Every setting of one lab run, in one small frozen dataclass (it is also the export's JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from playground.datasets.toy import SplitData
from playground.i18n import SettingsError
from playground.optim import METHODS
from playground.regularization.features import PLAIN
from playground.regularization.mlp import MLPConfig
from playground.regularization.optimizers import check, decay_in_force
from playground.regularization.penalties import check_l1_kind
from playground.schedules import Schedule

MAX_EPOCHS = 5000
WARMING = ("warmup_cosine", "one_cycle")  # the schedules that read ``warmup``


@dataclass(frozen=True)
class LabConfig:
    hidden: tuple[int, ...] = (64, 64)
    activation: str = "relu"
    init: str = "default"
    features: tuple[str, ...] = PLAIN  # TF-Playground inputs; only for 2-D data
    optimizer: str = "Adam"
    lr: float = 0.01
    knobs: dict[str, float | bool] = field(default_factory=dict)  # e.g. {"momentum": 0.9}: optimizers.knobs
    schedule: str = "constant"
    step_size: int = 100  # epochs between the step schedule's drops (and exponential's γ period)
    gamma: float = 0.5  # the step and exponential schedules' factor per step_size epochs
    warmup: int = 40  # epochs of warmup for warmup_cosine; for one_cycle, of rise (0: 30% of the run)
    batch_size: int = 0  # 0 = full batch
    epochs: int = 300
    l1: float = 0.0
    l1_kind: str = "proximal"  # a key of penalties.L1_KINDS
    l2: float = 0.0
    weight_decay: float = 0.0
    decay: str = "decoupled"  # a key of optimizers.DECAYS; a method that lacks it uses the one it has
    dropout: float = 0.0
    batchnorm: bool = False
    early_stopping: bool = False
    patience: int = 20
    min_delta: float = 0.0
    restore_best: bool = True
    start_from_epoch: int = 0
    seed: int = 0
    frames: int = 40  # how many epochs get weight histograms and a decision-boundary grid

    def validate(self) -> None:
        """Raise ValueError for settings that cannot train. Those the lab's sidebar can choose raise
        a SettingsError, said by key; its widgets' bounds and choices rule the others out (they
        guard code and the CLI, in English)."""
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"epochs must be between 1 and {MAX_EPOCHS}, got {self.epochs}")
        if self.batch_size < 0:
            raise ValueError("batch size must be >= 0 (0 means the full training set)")
        if self.batchnorm and self.batch_size == 1:
            raise SettingsError("lab_settings.batchnorm_batch")
        if min(self.l1, self.l2, self.weight_decay) < 0:
            raise ValueError("penalty strengths must be >= 0")
        if not self.lr > 0:
            raise ValueError(f"the learning rate must be positive, got {self.lr}")
        if self.optimizer not in METHODS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose from {', '.join(METHODS)}")
        check(self.optimizer, self.lr, self.knobs)
        check_l1_kind(self.l1_kind)
        decay_in_force(self.optimizer, self.decay)  # raises for an unknown kind
        if self.schedule in WARMING and self.warmup >= self.epochs:
            raise SettingsError("lab_settings.warmup", warmup=self.warmup, epochs=self.epochs)
        self.lr_schedule  # noqa: B018 - constructing it validates the kind, step size and gamma
        self.network(1, 1).validate()

    @property
    def lr_schedule(self) -> Schedule:
        """The learning-rate multiplier per epoch, with only the settings its kind uses."""
        return Schedule(self.schedule, self.step_size, self.gamma,
                        self.warmup if self.schedule in WARMING else 0)

    def network(self, inputs: int, outputs: int) -> MLPConfig:
        return MLPConfig(inputs, outputs, tuple(self.hidden), self.activation, self.init, self.dropout,
                         self.batchnorm)

    def mlp(self, data: SplitData) -> MLPConfig:
        """The network for ``data``: one input per feature column, one output per class (or one)."""
        inputs = len(self.features) if self.uses_features(data) else data.X_train.shape[1]
        return self.network(inputs, data.outputs)

    def uses_features(self, data: SplitData) -> bool:
        return data.X_train.shape[1] == 2 and tuple(self.features) != PLAIN

    def unregularized(self) -> LabConfig:
        """The same run with every regularizer off: the baseline of a comparison."""
        return replace(self, l1=0.0, l2=0.0, weight_decay=0.0, dropout=0.0, batchnorm=False,
                       early_stopping=False)
