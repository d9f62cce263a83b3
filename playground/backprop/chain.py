r"""The smallest network there is: x → w1 → w2 → ŷ, identity activations, loss ½(y − ŷ)².

.. math::
    z_1 = w_1 x,\quad \hat y = w_2 z_1,\quad L = \tfrac12 (y - \hat y)^2 \\
    \frac{\partial L}{\partial w_2} = -(y - \hat y)\, z_1,\quad
    \frac{\partial L}{\partial w_1} = -(y - \hat y)\, w_2\, x
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import torch

from playground.backprop.graph import INPUT, PARAM, Graph, Node, grad, gradients_after, spread


@dataclass(frozen=True)
class ClosedForm:
    """A textbook gradient formula, its symbols' values, and what it comes to."""

    template: str  # the formula with each symbol in braces: "−({y} − {ŷ})·{z1}"
    symbols: dict[str, float]
    value: float

    @property
    def formula(self) -> str:
        return self.template.format_map({name: name for name in self.symbols})

    def substituted(self, number: Callable[[float], str]) -> str:
        """The formula with every symbol replaced by its value, written by ``number``."""
        return self.template.format_map({name: number(v) for name, v in self.symbols.items()})


@dataclass(frozen=True)
class Chain:
    x: float = 1.5
    w1: float = 0.8
    w2: float = -0.5
    y: float = 1.0

    def graph(self) -> Graph:
        g = Graph()
        x = g.add(Node("x", self.x, INPUT))
        w1 = g.add(Node("w1", self.w1, PARAM))
        z1 = g.add(Node("z1", w1 * x, parents=("w1", "x"), local=(x, w1), formula="w1·x", column=1))
        w2 = g.add(Node("w2", self.w2, PARAM, column=1))
        y_hat = g.add(Node("ŷ", w2 * z1, parents=("w2", "z1"), local=(z1, w2), formula="w2·z1", column=2))
        g.add(Node("L", 0.5 * (self.y - y_hat) ** 2, parents=("ŷ",), local=(-(self.y - y_hat),),
                   formula=f"½(y − ŷ)², y = {self.y:g}", column=3))
        return g

    def closed_forms(self) -> dict[str, ClosedForm]:
        """The two weight gradients from their textbook formulas, a check on the stepped chain rule."""
        z1 = self.w1 * self.x
        y_hat = self.w2 * z1
        error = self.y - y_hat
        known = {"y": self.y, "ŷ": y_hat}
        return {"w2": ClosedForm("−({y} − {ŷ})·{z1}", {**known, "z1": z1}, -error * z1),
                "w1": ClosedForm("−({y} − {ŷ})·{w2}·{x}", {**known, "w2": self.w2, "x": self.x},
                                 -error * self.w2 * self.x)}

    def autograd(self) -> dict[str, float]:
        x, w1, w2 = (torch.tensor(v, dtype=torch.float64, requires_grad=True)
                     for v in (self.x, self.w1, self.w2))
        z1 = w1 * x
        y_hat = w2 * z1
        loss = 0.5 * (self.y - y_hat) ** 2
        for inner in (z1, y_hat, loss):
            inner.retain_grad()
        loss.backward()
        named = {"x": x, "w1": w1, "z1": z1, "w2": w2, "ŷ": y_hat, "L": loss}
        return spread({name: grad(t) for name, t in named.items()})

    def stepped(self, lr: float) -> Chain:
        """The chain after one gradient-descent step on its weights (x and y are data, not learned)."""
        grads = gradients_after(self.graph().backward())
        return replace(self, w1=self.w1 - lr * grads["w1"], w2=self.w2 - lr * grads["w2"])
