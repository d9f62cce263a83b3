r"""The methods the app presents by name: six teaching methods plus the extra algorithms.

A *method* is an optimizer class plus the hyperparameters that make it the named textbook
method (Momentum is SGD with ``momentum=0.9``; NAG adds ``nesterov=True``). Everything else
falls back to the torch.optim default taken from the class signature, so there is one
source of truth for defaults.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from playground.optim.adadelta import Adadelta
from playground.optim.adagrad import Adagrad
from playground.optim.adam import Adam, AdamW
from playground.optim.adamax import Adamax
from playground.optim.base import Params, ScratchOptimizer, UpdateRule
from playground.optim.hyperparameters import KNOBS, join, split
from playground.optim.nadam import NAdam
from playground.optim.radam import RAdam
from playground.optim.rmsprop import RMSprop
from playground.optim.sgd import SGD


@dataclass(frozen=True)
class Method:
    name: str
    optimizer: type[ScratchOptimizer]
    latex: str
    blurb: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: The teaching method whose per-surface learning rate suits this one too (Adam's variants
    #: take steps of the same normalized size), so the 2-D surfaces need no tuning per extra.
    like: str | None = None

    @property
    def rule(self) -> UpdateRule:
        return self.optimizer.rule

    def hyperparameters(self, **overrides: Any) -> dict[str, Any]:
        """The full keyword set for :attr:`rule`: class defaults < method defaults < overrides."""
        unknown = set(overrides) - set(self.optimizer.hyperparameters)
        if unknown:
            raise ValueError(f"{self.name} has no hyperparameter {', '.join(sorted(unknown))}")
        signature = inspect.signature(self.optimizer.__init__).parameters
        merged = {name: signature[name].default for name in self.optimizer.hyperparameters}
        merged.update(self.defaults)
        merged.update(overrides)
        return merged

    def knobs(self, *, without: tuple[str, ...] = (), **overrides: Any) -> dict[str, Any]:
        """The hyperparameters a page lets a student edit, with this method's values
        (:data:`~playground.optim.hyperparameters.KNOBS`, betas split in two), in signature order;
        ``without`` leaves out those the page sets with its own controls."""
        values = split(self.hyperparameters(**overrides))
        return {name: bool(value) if KNOBS[name].flag else float(value) for name, value in values.items()
                if name in KNOBS and name not in without}

    def tuned(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Edited knob values (see :meth:`knobs`) as keyword overrides for :meth:`hyperparameters`."""
        return join(values, self.hyperparameters().get("betas", (0.9, 0.999)))

    def make(self, params: Params, backend: str = "scratch", **overrides: Any) -> torch.optim.Optimizer:
        """An optimizer over ``params`` configured as this method: ours (``"scratch"``) or
        the torch.optim class of the same name (``"torch"``), for side-by-side comparison."""
        if backend not in ("scratch", "torch"):
            raise ValueError(f"backend must be 'scratch' or 'torch', not {backend!r}")
        cls = self.optimizer if backend == "scratch" else getattr(torch.optim, self.optimizer.__name__)
        return cls(params, **self.hyperparameters(**overrides))


TEACHING = ("SGD", "Momentum", "NAG", "AdaGrad", "RMSprop", "Adam")

METHODS: dict[str, Method] = {m.name: m for m in (
    Method("SGD", SGD, r"\theta \leftarrow \theta - \eta\, g",
           "Step straight down the gradient.", {"lr": 0.01}),
    Method("Momentum", SGD, r"v \leftarrow \mu v + g,\quad \theta \leftarrow \theta - \eta\, v",
           "Accumulate a velocity so consistent directions speed up.",
           {"lr": 0.01, "momentum": 0.9}),
    Method("NAG", SGD,
           r"v \leftarrow \mu v + g,\quad \theta \leftarrow \theta - \eta\,(g + \mu v)",
           "Nesterov: correct the velocity with a look-ahead.",
           {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    Method("AdaGrad", Adagrad,
           r"s \leftarrow s + g^2,\quad \theta \leftarrow \theta - \frac{\eta}{\sqrt{s} + \epsilon}\, g",
           "Per-coordinate steps shrink with the sum of squared gradients.", {"lr": 0.1}),
    Method("RMSprop", RMSprop,
           r"s \leftarrow \alpha s + (1-\alpha) g^2,\quad "
           r"\theta \leftarrow \theta - \frac{\eta}{\sqrt{s} + \epsilon}\, g",
           "A decaying average of squared gradients, so steps do not die out.", {"lr": 0.01}),
    Method("Adam", Adam,
           r"m \leftarrow \beta_1 m + (1-\beta_1) g,\ v \leftarrow \beta_2 v + (1-\beta_2) g^2,\ "
           r"\theta \leftarrow \theta - \eta\,\frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \epsilon}",
           "Momentum plus RMSprop, with bias correction for the zero start.", {"lr": 0.05}),
    Method("AdamW", AdamW,
           r"\theta \leftarrow \theta(1 - \eta\lambda) "
           r"- \eta\,\frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \epsilon}",
           "Adam with weight decay applied to the weights, not the gradient.", {"lr": 0.05}, like="Adam"),
    Method("NAdam", NAdam,
           r"\theta \leftarrow \theta - \eta\,\frac{(1-\mu_t)\,g/(1-\Pi_t) + \mu_{t+1}\, m/(1-\Pi_{t+1})}"
           r"{\sqrt{v/(1-\beta_2^t)} + \epsilon},\quad \Pi_t = \textstyle\prod_{i \le t} \mu_i",
           "Adam with a Nesterov look-ahead on the first moment.", {"lr": 0.05}, like="Adam"),
    Method("RAdam", RAdam,
           r"\theta \leftarrow \theta - \eta\,\hat m \cdot \begin{cases} r_t\,\sqrt{1-\beta_2^t}\,/\,"
           r"(\sqrt{v} + \epsilon) & \rho_t > 5 \\ 1 & \text{otherwise} \end{cases},\quad "
           r"\hat m = \frac{m}{1-\beta_1^t}",
           "Adam whose adaptive step is switched on only once its variance is tractable.",
           {"lr": 0.05}),
    Method("Adadelta", Adadelta,
           r"s \leftarrow \rho s + (1-\rho) g^2,\ "
           r"\Delta = \frac{\sqrt{u + \epsilon}}{\sqrt{s + \epsilon}}\, g,\ "
           r"u \leftarrow \rho u + (1-\rho)\Delta^2,\ \theta \leftarrow \theta - \eta\,\Delta",
           "Unit-consistent steps from a ratio of running averages.", {"lr": 1.0}),
    Method("Adamax", Adamax,
           r"u \leftarrow \max(\beta_2 u, |g| + \epsilon),\quad "
           r"\theta \leftarrow \theta - \frac{\eta}{1-\beta_1^t}\,\frac{m}{u}",
           "Adam with an infinity-norm second moment.", {"lr": 0.05}, like="Adam"),
)}
