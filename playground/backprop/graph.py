"""A tiny scalar computation graph that records, node by node, how backprop moves the gradient.

Each node keeps its forward value and, for every parent, the local derivative
∂node/∂parent evaluated at the forward values. Backprop visits the nodes in reverse order
of creation, which is a topological order because a node is created after its parents. When
a node is visited its gradient ∂L/∂node is complete, and each parent receives
incoming × local (the chain rule), summed over every path that reaches it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import torch

INPUT, PARAM, OP = "input", "param", "op"


def element(base: str, *index: int) -> str:
    """The scalar name of ``base[index]``, 1-based as in the math: ``element("W1", 0, 1) == "W1[1,2]"``."""
    return f"{base}[{','.join(str(i + 1) for i in index)}]" if index else base


@dataclass(frozen=True)
class Node:
    name: str
    value: float
    kind: str = OP  # INPUT (data), PARAM (learnable) or OP (computed from its parents)
    parents: tuple[str, ...] = ()
    local: tuple[float, ...] = ()  # ∂self/∂parent, one per parent, at the forward values
    formula: str = ""
    column: int = 0  # where the drawing places it, inputs at 0


@dataclass(frozen=True)
class Product:
    """One use of the chain rule: the share of ∂L/∂parent that flows through ``child``."""

    child: str
    parent: str
    incoming: float  # ∂L/∂child
    local: float  # ∂child/∂parent
    product: float  # incoming × local
    total: float  # ∂L/∂parent summed so far, this product included


@dataclass(frozen=True)
class Step:
    node: str
    incoming: float
    products: tuple[Product, ...]


class Graph:
    """Nodes in creation order; the last node added is the loss."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}

    def add(self, node: Node) -> float:
        if node.name in self.nodes:
            raise ValueError(f"duplicate node {node.name}")
        missing = [p for p in node.parents if p not in self.nodes]
        if missing or len(node.local) != len(node.parents):
            raise ValueError(f"node {node.name}: unknown parents {missing}, or not one local derivative each")
        self.nodes[node.name] = node
        return node.value

    @property
    def loss(self) -> Node:
        return next(reversed(self.nodes.values()))

    def backward(self) -> list[Step]:
        """One step per computed node, from the loss back to the inputs."""
        grads = dict.fromkeys(self.nodes, 0.0)
        grads[self.loss.name] = 1.0
        steps = []
        for node in reversed(self.nodes.values()):
            if not node.parents:
                continue
            incoming = grads[node.name]
            products = []
            for parent, local in zip(node.parents, node.local, strict=True):
                grads[parent] += incoming * local
                products.append(Product(node.name, parent, incoming, local, incoming * local, grads[parent]))
            steps.append(Step(node.name, incoming, tuple(products)))
        return steps


def gradients_after(steps: list[Step], done: int | None = None) -> dict[str, float]:
    """∂L/∂node as known after the first ``done`` backward steps (all when None); nodes that no
    gradient has reached yet are absent, and a node with several children holds a partial sum."""
    steps = steps if done is None else steps[:done]
    known = {steps[0].node: steps[0].incoming} if steps else {}
    for step in steps:
        for product in step.products:
            known[product.parent] = product.total
    return known


def final_steps(steps: list[Step]) -> dict[str, int]:
    """After how many backward steps each node's gradient is complete (all its children done)."""
    final = {steps[0].node: 1} if steps else {}
    for done, step in enumerate(steps, start=1):
        for product in step.products:
            final[product.parent] = done
    return final


def grad(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor.grad`` after ``backward()``, which fills it for every leaf that requires grad and
    every intermediate that retains it."""
    assert tensor.grad is not None, "backward() did not reach this tensor"
    return tensor.grad


def spread(named: Mapping[str, torch.Tensor]) -> dict[str, float]:
    """Named tensors as scalars: ``{"W1": 2×2 tensor}`` → ``{"W1[1,1]": …, "W1[1,2]": …, …}``."""
    return {element(base, *index): float(tensor[index])
            for base, tensor in named.items() for index in itertools.product(*map(range, tensor.shape))}
