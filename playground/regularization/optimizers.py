"""Build one of OUR optimizers (``playground.optim``) for a network, with the lab's weight decay.

Weight decay goes to the weight matrices only (the same parameters the L1/L2 penalties see,
nanoGPT's two param groups), through the optimizer's own ``weight_decay``. Where the optimizer
offers decoupled decay (AdamW always; Adam, NAdam and RAdam via ``decoupled_weight_decay``)
it is switched on, so the decay shrinks the weights directly, θ ← (1 − ηλ)θ, instead of
passing through the adaptive denominator as an L2 gradient would. For SGD, RMSprop, AdaGrad,
Adadelta and Adamax the decay is coupled: it is L2 in disguise (λ_L2 = weight_decay / 2).
"""

from __future__ import annotations

import torch

from playground.optim import METHODS
from playground.regularization.flat import flatten_
from playground.regularization.penalties import penalized_weights

#: Set by the lab's own controls, beside the optimizer's: not among its knobs.
OWN_CONTROLS = ("lr", "weight_decay")


def knobs(method: str) -> dict[str, float | bool]:
    """The hyperparameters ``method`` lets the page tune beside the learning rate and weight decay,
    with its defaults, e.g. {"beta1": 0.9, "beta2": 0.999, "eps": 1e-08, "amsgrad": False} for Adam."""
    return METHODS[method].knobs(without=OWN_CONTROLS)


def check(method: str, lr: float, **tuned: float | bool) -> None:
    """Raise ValueError, prefixed with the method's name, for settings its optimizer refuses
    (e.g. Nesterov without momentum)."""
    kwargs = optimizer_kwargs(method, lr, **tuned)
    try:
        METHODS[method].make([torch.zeros(1, requires_grad=True)], **kwargs)
    except ValueError as error:
        raise ValueError(f"{method}: {error}") from None


def decay_is_decoupled(method: str) -> bool:
    hyper = METHODS[method].optimizer.hyperparameters
    return METHODS[method].optimizer.__name__ == "AdamW" or "decoupled_weight_decay" in hyper


def optimizer_kwargs(method: str, lr: float, **tuned: float | bool) -> dict:
    """Keyword arguments that make ``method`` (beyond torch.optim's class defaults): the method's
    own (e.g. Momentum's ``momentum=0.9``), ``lr``, any of :func:`knobs`, and decoupled decay."""
    if method not in METHODS:
        raise ValueError(f"unknown optimizer {method!r}; choose from {', '.join(METHODS)}")
    defaults = knobs(method)
    unknown = set(tuned) - set(defaults)
    if unknown:
        raise ValueError(f"{method} has no hyperparameter {', '.join(sorted(unknown))}")
    kwargs = {**METHODS[method].defaults, "lr": lr, **METHODS[method].tuned(tuned)}
    if "decoupled_weight_decay" in METHODS[method].optimizer.hyperparameters:
        kwargs["decoupled_weight_decay"] = True
    return kwargs


def param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    """Weight matrices decay, biases and normalization parameters do not."""
    weights = {id(p) for p in penalized_weights(model)}
    groups = [
        {"params": [p for p in model.parameters() if id(p) in weights], "weight_decay": weight_decay},
        {"params": [p for p in model.parameters() if id(p) not in weights], "weight_decay": 0.0},
    ]
    return [group for group in groups if group["params"]]


def make_optimizer(model: torch.nn.Module, method: str, lr: float, weight_decay: float = 0.0,
                   contiguous: bool = False, **tuned: float | bool) -> torch.optim.Optimizer:
    """Our ``METHODS[method]`` over ``model``: learning rate ``lr``, decay on weights only, and
    any of :func:`knobs` overridden by ``tuned``. With ``contiguous`` each param group's tensors
    move into one flat tensor (:func:`~playground.regularization.flat.flatten_`): the same
    updates, faster; clear gradients with ``zero_grad(set_to_none=False)``."""
    kwargs = optimizer_kwargs(method, lr, **tuned)
    groups = param_groups(model, weight_decay)
    if contiguous:
        groups = [{**group, "params": [flatten_(group["params"])]} for group in groups]
    return METHODS[method].make(groups, **kwargs)
