"""What each optimizer hyperparameter means to a student, described once for every page.

A :class:`Knob` is one editable hyperparameter: its label and symbol, the range a page offers,
the widget's step and a help sentence. ``betas`` is the one torch.optim argument that is two
numbers; pages edit β₁ and β₂ apart, so :func:`split` turns a keyword set into knob values and
:func:`join` turns them back.

The label and help here are the English reference; the pages show the catalogues' words for each
knob (``knobs.<name>.label`` and ``.help`` in ``playground/ui/i18n``), in the student's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Knob:
    label: str
    symbol: str
    lo: float = 0.0
    hi: float = 1.0
    step: float | None = None
    help: str = ""
    flag: bool = False   # an on/off switch; lo, hi and step do not apply

    @property
    def title(self) -> str:
        """The widget label: the name and, where there is one, its symbol."""
        return f"{self.label} {self.symbol}".strip()


KNOBS: dict[str, Knob] = {
    "lr": Knob("learning rate", "η", 1e-6, 100.0, help="How far each step moves along the update direction."),
    "momentum": Knob("momentum", "μ", 0.0, 0.999, 0.01,
                     help="The fraction of last step's velocity kept: 0.9 averages about 10 gradients."),
    "alpha": Knob("smoothing", "α", 0.0, 0.9999, 0.001,
                  help="Decay of the running average of squared gradients."),
    "rho": Knob("decay", "ρ", 0.0, 1.0, 0.01,
                help="Decay of Adadelta's running averages of squared gradients and squared steps."),
    "beta1": Knob("first moment", "β₁", 0.0, 0.9999, 0.01,
                  help="Decay of the running average of gradients (the momentum part)."),
    "beta2": Knob("second moment", "β₂", 0.0, 0.99999, 0.001,
                  help="Decay of the running average of squared gradients (the per-coordinate scale)."),
    "eps": Knob("epsilon", "ε", 0.0, 1.0, help="Added to the denominator so it never divides by zero."),
    "lr_decay": Knob("lr decay", "", 0.0, 10.0, help="AdaGrad's η_t = η / (1 + (t − 1)·decay)."),
    "momentum_decay": Knob("momentum decay", "ψ", 0.0, 1.0, 0.001,
                           help="NAdam's μ_t = β₁(1 − ½·0.96^(tψ)): how fast the momentum warms up."),
    "weight_decay": Knob("weight decay", "λ", 0.0, 10.0,
                         help="Shrinks the weights toward zero every step."),
    "nesterov": Knob("Nesterov look-ahead", "", flag=True,
                     help="Take the gradient step from where the velocity is about to carry you."),
    "amsgrad": Knob("AMSGrad", "", flag=True,
                    help="Divide by the largest second moment seen so far, so steps never grow back."),
    "centered": Knob("centered", "", flag=True,
                     help="Subtract the squared mean gradient: divide by an estimate of the variance."),
}


def split(hyperparameters: Mapping[str, Any]) -> dict[str, Any]:
    """torch.optim keywords to knob values: ``betas=(b1, b2)`` becomes ``beta1=b1, beta2=b2``,
    in place of ``betas``."""
    values: dict[str, Any] = {}
    for name, value in hyperparameters.items():
        if name == "betas":
            values["beta1"], values["beta2"] = value
        else:
            values[name] = value
    return values


def join(values: Mapping[str, Any], betas: tuple[float, float] = (0.9, 0.999)) -> dict[str, Any]:
    """Knob values back to torch.optim keywords; a β given alone keeps the other of ``betas``."""
    kwargs = {name: value for name, value in values.items() if name not in ("beta1", "beta2")}
    if "beta1" in values or "beta2" in values:
        kwargs["betas"] = (values.get("beta1", betas[0]), values.get("beta2", betas[1]))
    return kwargs
