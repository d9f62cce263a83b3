"""The one optimizer factory every page trains with: our ``playground.optim`` method (or
torch.optim's class of the same name) over a network, with one weight-decay policy.

Weight decay goes to the weight matrices and kernels only (the same parameters the L1/L2
penalties see, nanoGPT's two param groups), through the optimizer's own ``weight_decay``, in one
of two named kinds (:data:`DECAYS`):

- *coupled*: λθ is added to the gradient, so it is L2 in disguise (λ_L2 = λ / 2) and, in an
  adaptive method, passes through the per-coordinate denominator;
- *decoupled* (AdamW, Loshchilov & Hutter 2019): θ ← (1 − ηλ)θ, outside the adaptive step.

AdamW is decoupled by definition; Adam, NAdam and RAdam offer both (``decoupled_weight_decay``);
torch.optim's SGD, RMSprop, AdaGrad, Adadelta and Adamax offer only the coupled kind.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from playground.i18n import SaidError, SettingsError
from playground.optim import METHODS
from playground.regularization.flat import flatten_
from playground.regularization.penalties import penalized_weights

#: Set by the pages' own controls, beside the optimizer's: not among its knobs.
OWN_CONTROLS = ("lr", "weight_decay")
DECAYS = {"decoupled": "decoupled (AdamW-style)", "coupled": "coupled (L2 through the gradient)"}
DECAY_RULES = {"decoupled": "θ ← (1 − ηλ)θ, outside the adaptive step",
               "coupled": "λθ added to the gradient, i.e. L2 with λ/2"}


def knobs(method: str) -> dict[str, float | bool]:
    """The hyperparameters ``method`` lets a page tune beside the learning rate and weight decay,
    with its defaults, e.g. {"beta1": 0.9, "beta2": 0.999, "eps": 1e-08, "amsgrad": False} for Adam."""
    return METHODS[method].knobs(without=OWN_CONTROLS)


def decays(method: str) -> tuple[str, ...]:
    """The kinds of weight decay ``method`` offers, the page's default first."""
    optimizer = METHODS[method].optimizer
    if optimizer.__name__ == "AdamW":
        return ("decoupled",)
    return ("decoupled", "coupled") if "decoupled_weight_decay" in optimizer.hyperparameters else ("coupled",)


def decay_in_force(method: str, wanted: str) -> str:
    """``wanted`` where ``method`` offers it, else the one kind it has."""
    if wanted not in DECAYS:
        raise ValueError(f"unknown weight decay {wanted!r}; choose from {', '.join(DECAYS)}")
    offered = decays(method)
    return wanted if wanted in offered else offered[0]


def check(method: str, lr: float, tuned: Mapping[str, float | bool] | None = None) -> None:
    """Raise SettingsError, with the method's name, for settings its optimizer refuses (e.g.
    Nesterov without momentum); the reason is the optimizer's own (torch.optim's words in English)."""
    kwargs = optimizer_kwargs(method, lr, tuned)
    try:
        METHODS[method].make([torch.zeros(1, requires_grad=True)], **kwargs)
    except ValueError as error:
        reason = error.said if isinstance(error, SaidError) else str(error)
        raise SettingsError("lab_settings.optimizer_refuses", method=method, reason=reason) from None


def optimizer_kwargs(method: str, lr: float, tuned: Mapping[str, float | bool] | None = None,
                     decay: str = "decoupled") -> dict:
    """Keyword arguments that make ``method`` (beyond torch.optim's class defaults): the method's
    own (e.g. Momentum's ``momentum=0.9``), ``lr``, any of :func:`knobs`, and the decay kind."""
    if method not in METHODS:
        raise ValueError(f"unknown optimizer {method!r}; choose from {', '.join(METHODS)}")
    tuned = tuned or {}
    unknown = set(tuned) - set(knobs(method))
    if unknown:
        raise ValueError(f"{method} has no hyperparameter {', '.join(sorted(unknown))}")
    kwargs = {**METHODS[method].defaults, "lr": lr, **METHODS[method].tuned(tuned)}
    if "decoupled_weight_decay" in METHODS[method].optimizer.hyperparameters:
        kwargs["decoupled_weight_decay"] = decay_in_force(method, decay) == "decoupled"
    return kwargs


def param_groups(model: torch.nn.Module, weight_decay: float, lr: float,
                 other_lr_scale: float = 1.0) -> list[dict]:
    """Weight matrices decay; biases and normalization parameters do not, and take
    ``lr × other_lr_scale`` (airbench's larger bias learning rate)."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    weights = {id(p) for p in penalized_weights(model)}
    others: dict = {"params": [p for p in trainable if id(p) not in weights], "weight_decay": 0.0}
    if other_lr_scale != 1:
        others["lr"] = lr * other_lr_scale
    groups = [{"params": [p for p in trainable if id(p) in weights], "weight_decay": weight_decay}, others]
    return [group for group in groups if group["params"]]


def make_optimizer(model: torch.nn.Module, method: str, lr: float, weight_decay: float = 0.0, *,
                   decay: str = "decoupled", backend: str = "scratch", contiguous: bool = False,
                   other_lr_scale: float = 1.0, tuned: Mapping[str, float | bool] | None = None
                   ) -> torch.optim.Optimizer:
    """``METHODS[method]`` over ``model`` (ours, or torch.optim's with ``backend="torch"``):
    learning rate ``lr``, decay of the kind ``decay`` on weights only, and any of :func:`knobs`
    overridden by ``tuned``. With ``contiguous`` each param group's tensors move into one flat
    tensor (:func:`~playground.regularization.flat.flatten_`): the same updates, faster; clear
    gradients with ``zero_grad(set_to_none=False)``."""
    kwargs = optimizer_kwargs(method, lr, tuned, decay)
    groups = param_groups(model, weight_decay, lr, other_lr_scale)
    if contiguous:
        groups = [{**group, "params": [flatten_(group["params"])]} for group in groups]
    return METHODS[method].make(groups, backend=backend, **kwargs)
