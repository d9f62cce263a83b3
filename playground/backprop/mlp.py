r"""A 2-layer MLP small enough to print every number, with backprop written out by hand.

Row-vector convention, as ``X @ W`` in code: ``W1[i, j]`` connects input ``i`` to hidden unit
``j``. For a batch of ``m`` rows,

.. math::
    Z = X W_1 + b_1,\quad H = \phi(Z),\quad O = H W_2 + b_2, \\
    L_{\text{mse}} = \tfrac{1}{mK}\textstyle\sum (O - Y)^2 \quad\text{or}\quad
    L_{\text{ce}} = -\tfrac1m \textstyle\sum Y \log \operatorname{softmax}(O),

and the manual backward pass is

.. math::
    \delta_O = \tfrac{2}{mK}(O - Y) \ \text{or}\ \tfrac1m (P - Y),\quad
    \nabla W_2 = H^\top \delta_O,\quad \delta_Z = (\delta_O W_2^\top) \odot \phi'(Z),\quad
    \nabla W_1 = X^\top \delta_Z,

with bias gradients the column sums of the deltas. ``backward`` can plant a classic bug so a
gradient check has something to catch. The arithmetic is numpy in float64 (arrays this small
run faster there than in torch); torch appears only as the autograd reference.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from playground.backprop.gradcheck import GradCheckReport, gradient_check, relative_error
from playground.backprop.graph import INPUT, PARAM, Graph, Node, element, grad, spread
from playground.i18n import Said, said

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    fn: Callable[[Array], Array]
    derivative: Callable[[Array], Array]  # φ'(z), as a function of z
    reference: Callable[[torch.Tensor], torch.Tensor]  # torch's own, for autograd


def _sigmoid(z: Array) -> Array:
    return 1 / (1 + np.exp(-z))


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(lambda z: np.maximum(z, 0.0), lambda z: np.heaviside(z, 0.0), torch.relu),
    "sigmoid": Activation(_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)), torch.sigmoid),
    "tanh": Activation(np.tanh, lambda z: 1 - np.tanh(z) ** 2, torch.tanh),
}
LOSSES = {"mse": "mean squared error", "softmax_ce": "softmax + cross-entropy"}
#: Planted bugs and the parameters whose gradients they corrupt.
BUGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "none": ("no bug", ()),
    "activation": ("forgot the activation derivative φ'(Z)", ("W1", "b1")),
    "one_over_m": ("dropped the 1/m of the batch mean", ("W1", "b1", "W2", "b2")),
    "z_for_h": ("used Z instead of H in ∇W2", ("W2",)),
    "transposed": ("reshaped W2 to W2ᵀ's shape instead of transposing it", ("W1", "b1")),
}
SHAPES = {"W1": ("n_in", "n_hidden"), "b1": ("n_hidden",), "W2": ("n_hidden", "n_out"), "b2": ("n_out",)}


@dataclass(frozen=True)
class Sizes:
    n_in: int = 2
    n_hidden: int = 3
    n_out: int = 2

    def shape(self, tensor: str) -> tuple[int, ...]:
        return tuple(getattr(self, dim) for dim in SHAPES[tensor])


def element_names(base: str, shape: tuple[int, ...]) -> list[str]:
    return [element(base, *index) for index in np.ndindex(*shape)]


def param_names(sizes: Sizes) -> list[str]:
    return [name for base in SHAPES for name in element_names(base, sizes.shape(base))]


def drawn(seed: int, name: str) -> float:
    """A value in [-1, 1] with two decimals that depends only on the seed and the name, so
    resizing the network keeps the numbers it already had."""
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    return round(float(rng.uniform(-1, 1)), 2)


@dataclass(frozen=True)
class Forward:
    Z: Array
    H: Array
    O: Array
    P: Array | None  # softmax(O) for cross-entropy
    loss: float


@dataclass(frozen=True)
class TinyMLP:
    W1: Array
    b1: Array
    W2: Array
    b2: Array
    activation: str = "relu"
    loss: str = "softmax_ce"

    @classmethod
    def from_values(cls, sizes: Sizes, values: Mapping[str, float], activation: str = "relu",
                    loss: str = "softmax_ce") -> TinyMLP:
        """Build from scalar values named like ``W1[1,2]``; missing names raise KeyError."""
        arrays = {base: np.array([values[n] for n in element_names(base, sizes.shape(base))],
                                 dtype=np.float64).reshape(sizes.shape(base)) for base in SHAPES}
        return cls(**arrays, activation=activation, loss=loss)

    @property
    def sizes(self) -> Sizes:
        n_in, n_hidden = self.W1.shape
        return Sizes(n_in, n_hidden, self.W2.shape[1])

    def params(self) -> dict[str, Array]:
        return {"W1": self.W1, "b1": self.b1, "W2": self.W2, "b2": self.b2}

    def with_params(self, params: Mapping[str, Array]) -> TinyMLP:
        return replace(self, W1=params["W1"], b1=params["b1"], W2=params["W2"], b2=params["b2"])

    def copy(self) -> TinyMLP:
        return self.with_params({name: a.copy() for name, a in self.params().items()})

    def forward(self, X: Array, Y: Array) -> Forward:
        phi = ACTIVATIONS[self.activation].fn
        Z = X @ self.W1 + self.b1
        H = phi(Z)
        O = H @ self.W2 + self.b2
        if self.loss == "mse":
            return Forward(Z, H, O, None, float(((O - Y) ** 2).mean()))
        P = np.exp(O - O.max(1, keepdims=True))  # shifted by the max, so exp cannot overflow
        P = P / P.sum(1, keepdims=True)
        return Forward(Z, H, O, P, float(-(Y * np.log(P)).sum(1).mean()))

    def backward(self, X: Array, Y: Array, bug: str = "none") -> dict[str, Array]:
        """∂L/∂(W1, b1, W2, b2) by hand, optionally with one of :data:`BUGS` planted."""
        f = self.forward(X, Y)
        delta_O = self.output_delta(f, Y, bug)
        delta_H = delta_O @ self.W2_back(bug)
        delta_Z = delta_H if bug == "activation" else delta_H * ACTIVATIONS[self.activation].derivative(f.Z)
        return {"W1": X.T @ delta_Z, "b1": delta_Z.sum(0),
                "W2": (f.Z if bug == "z_for_h" else f.H).T @ delta_O, "b2": delta_O.sum(0)}

    def output_delta(self, f: Forward, Y: Array, bug: str = "none") -> Array:
        """∂L/∂O, by hand (the planted bug ``one_over_m`` drops its 1/m)."""
        m, K = Y.shape
        mean = 1 if bug == "one_over_m" else 1 / m
        return mean * ((f.P - Y) if self.loss == "softmax_ce" else 2 / K * (f.O - Y))

    def W2_back(self, bug: str = "none") -> Array:
        """W2ᵀ, which carries ∂L/∂O back to H; the planted bug ``transposed`` reshapes W2 instead, which has
        the transpose's shape, so nothing fails, but reads W2 in the wrong order."""
        return self.W2.reshape(self.W2.shape[::-1]) if bug == "transposed" else self.W2.T

    def descended(self, X: Array, Y: Array, lr: float) -> TinyMLP:
        """The network after one gradient-descent step on (X, Y)."""
        grads = self.backward(X, Y)
        return self.with_params({name: a - lr * grads[name] for name, a in self.params().items()})


def autograd_reference(net: TinyMLP, X: Array, Y: Array) -> dict[str, torch.Tensor]:
    """Every tensor of the forward pass, built from torch's own ops, after ``loss.backward()``:
    leaves and intermediates both hold ``.grad``."""
    leaves = {name: torch.tensor(a, dtype=torch.float64, requires_grad=True)
              for name, a in {"x": X, **net.params()}.items()}
    Z = F.linear(leaves["x"], leaves["W1"].T, leaves["b1"])
    H = ACTIVATIONS[net.activation].reference(Z)
    O = F.linear(H, leaves["W2"].T, leaves["b2"])
    target = torch.from_numpy(Y)
    if net.loss == "mse":
        inner = {"z": Z, "h": H, "ŷ": O}
        loss = F.mse_loss(O, target)
    else:
        P = torch.softmax(O, dim=1)
        inner = {"z": Z, "h": H, "o": O, "p": P}
        loss = -(target * torch.log(P)).sum(1).mean()
    for tensor in (*inner.values(), loss):
        tensor.retain_grad()
    loss.backward()
    return {**leaves, **inner, "L": loss}


def one_hot(label: int, n_out: int) -> Array:
    return np.eye(n_out)[label]


@dataclass(frozen=True)
class Example:
    """The MLP on one example, as the stepper shows it: every scalar a node of the graph."""

    net: TinyMLP
    x: Array  # (n_in,)
    y: Array  # (n_out,): targets for mse, one-hot for cross-entropy

    def graph(self) -> Graph:
        g, net, y = Graph(), self.net, self.y.tolist()
        phi = ACTIVATIONS[net.activation]
        x = [g.add(Node(element("x", i), v, INPUT)) for i, v in enumerate(self.x.tolist())]
        z = self._linear(g, "z", "W1", "b1", "x", x, column=1)
        h = []
        for j, z_j in enumerate(z):
            at = np.asarray(z_j)  # a 0-d array, as the activations take
            h.append(g.add(Node(element("h", j), float(phi.fn(at)), parents=(element("z", j),),
                                local=(float(phi.derivative(at)),), formula=f"{net.activation}(z)",
                                column=2)))
        out = "ŷ" if net.loss == "mse" else "o"
        o = self._linear(g, out, "W2", "b2", "h", h, column=3)
        targets = f"y = ({', '.join(f'{v:g}' for v in y)})"
        K = range(len(o))
        if net.loss == "mse":
            g.add(Node("L", sum((o[k] - y[k]) ** 2 for k in K) / len(o),
                       parents=tuple(element(out, k) for k in K),
                       local=tuple(2 * (o[k] - y[k]) / len(o) for k in K),
                       formula=f"mean (ŷ − y)², {targets}", column=4))
            return g
        exps = [np.exp(o_k - max(o)) for o_k in o]
        p = [e / sum(exps) for e in exps]
        for k in K:  # ∂p_k/∂o_j = p_k (δ_kj − p_j)
            g.add(Node(element("p", k), p[k], parents=tuple(element("o", j) for j in K),
                       local=tuple(p[k] * ((k == j) - p[j]) for j in K), formula="softmax(o)", column=4))
        g.add(Node("L", -sum(y[k] * np.log(p[k]) for k in K if y[k]),
                   parents=tuple(element("p", k) for k in K),
                   local=tuple(-y[k] / p[k] for k in K), formula=f"−Σ y·log p, {targets}", column=5))
        return g

    def _linear(self, g: Graph, out: str, W: str, b: str, inp: str, inputs: list[float],
                column: int) -> list[float]:
        """``out[j] = Σ_i inp[i]·W[i,j] + b[j]`` for every unit j, adding the weight and bias leaves first."""
        outputs = []
        columns, biases = getattr(self.net, W).T.tolist(), getattr(self.net, b).tolist()
        for j, (weights, bias) in enumerate(zip(columns, biases, strict=True)):
            for i, w in enumerate(weights):
                g.add(Node(element(W, i, j), w, PARAM, column=column - 1))
            g.add(Node(element(b, j), bias, PARAM, column=column - 1))
            I = range(len(inputs))
            outputs.append(g.add(Node(
                element(out, j), sum(a * w for a, w in zip(inputs, weights, strict=True)) + bias,
                parents=(*(element(W, i, j) for i in I), *(element(inp, i) for i in I), element(b, j)),
                local=(*inputs, *weights, 1.0), formula=f"Σ {inp}·{W}[:,{j + 1}] + {b}[{j + 1}]",
                column=column)))
        return outputs

    def autograd(self) -> dict[str, float]:
        tensors = autograd_reference(self.net, self.x[None], self.y[None])
        # x and the layer outputs carry a batch dimension of one; the parameters and L do not.
        return spread({name: grad(t) if name in (*SHAPES, "L") else grad(t)[0]
                       for name, t in tensors.items()})

    def output_error(self) -> Array | None:
        """p − y, what ∂L/∂o must come to for softmax + cross-entropy (None for mse)."""
        P = self.net.forward(self.x[None], self.y[None]).P
        return None if P is None else P[0] - self.y

    def stepped(self, lr: float) -> Example:
        return replace(self, net=self.net.descended(self.x[None], self.y[None], lr))


def batch(example: Example, m: int, seed: int) -> tuple[Array, Array]:
    """``m`` examples for a gradient check: the stepper's example first, then ``m - 1`` drawn ones
    (a batch, so that a dropped 1/m shows)."""
    rng = np.random.default_rng(seed)
    n_in, n_out = example.x.size, example.y.size
    X = np.vstack([example.x, rng.standard_normal((m - 1, n_in))])
    rest = (rng.standard_normal((m - 1, n_out)) if example.net.loss == "mse"
            else np.eye(n_out)[rng.integers(n_out, size=m - 1)])
    return X, np.vstack([example.y, rest])


def rounded_to_zero(net: TinyMLP, X: Array, Y: Array) -> list[tuple[int, int, bool]]:
    """The softmax outputs of the batch (X, Y) that round to exactly 0, each as (example, class, whether
    it is the example's own class), numbered from 1. Each one makes its example's loss ∞ (−log 0, for
    its own class) or NaN (0 · log 0, for another), and with it every central difference of a gradient
    check on the batch. Empty with MSE, which has no softmax."""
    P = net.forward(X, Y).P
    if P is None:
        return []
    return [(int(i) + 1, int(k) + 1, bool(Y[i, k])) for i, k in zip(*np.nonzero(P == 0), strict=True)]


def gradient_checks(net: TinyMLP, X: Array, Y: Array, bug: str, hs: Sequence[float]) -> list[GradCheckReport]:
    """Check :meth:`TinyMLP.backward` (with ``bug`` planted) against central differences, once per h."""
    net = net.copy()  # the check nudges the weights in place
    analytic = net.backward(X, Y, bug)
    return [gradient_check(lambda: net.forward(X, Y).loss, net.params(), analytic, h) for h in hs]


def _exact_reason(net: TinyMLP, X: Array, Y: Array, bug: str) -> Said:
    """Why ``bug`` computes exactly the right gradient on (X, Y): each clause is checked on the numbers."""
    f = net.forward(X, Y)
    delta_O = net.output_delta(f, Y)
    if not delta_O.any():
        return said("gradcheck_why.no_output_gradient")
    if bug == "one_over_m":
        return said("gradcheck_why.times_zero", m=len(Y))
    if bug == "z_for_h":
        if np.array_equal(f.Z, f.H):
            return said("gradcheck_why.identity", activation=net.activation)
        return said("gradcheck_why.h_differs")
    if bug == "activation":
        return said("gradcheck_why.derivative_one", reached=int(np.count_nonzero(delta_O @ net.W2_back())))
    n_hidden, n_out = net.W2.shape
    if np.array_equal(net.W2_back(bug), net.W2.T):
        if 1 in (n_hidden, n_out):
            return said("gradcheck_why.vector", rows=n_hidden, columns=n_out)
        return said("gradcheck_why.symmetric", rows=n_hidden, columns=n_out)
    if not ACTIVATIONS[net.activation].derivative(f.Z).any():
        return said("gradcheck_why.inactive", activation=net.activation)
    return said("gradcheck_why.reshape_times_zero")


def why_it_passes(net: TinyMLP, X: Array, Y: Array, bug: str, report: GradCheckReport) -> Said:
    """Why the check of ``bug`` on (X, Y), ``report``, does not say wrong, read off the numbers: the bug
    computes exactly the right gradient here (and what made it so), or it changes the gradient by too
    little for the check to call it wrong."""
    right, planted = net.backward(X, Y), net.backward(X, Y, bug)
    landing = BUGS[bug][1]
    if all(np.array_equal(right[name], planted[name]) for name in landing):
        return said("gradcheck_why.exact", reason=_exact_reason(net, X, Y, bug))
    change = relative_error(*(np.concatenate([grads[n].ravel() for n in landing])
                              for grads in (planted, right)))
    # the verdict's word is the one the page's charts use (backprop.verdicts.correct, .suspicious)
    verdict = Said(f"backprop.verdicts.{report.verdict}")
    return said("gradcheck_why.too_little", params=", ".join(landing), change=change,
                error=report.relative_error, verdict=verdict)
