"""The update math is ours: nothing in playground.optim uses a torch.optim algorithm."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
import torch

import playground.optim
from tests.optim.sidebyside import TENSORS

SOURCES = sorted(Path(playground.optim.__file__).parent.glob("*.py"))
NAMES = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Adadelta", "Adamax"]


def _is_torch_optim(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "optim"
            and isinstance(node.value, ast.Name) and node.value.id == "torch")


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_code_references_no_torch_optim_algorithm(path):
    """Code, not docstrings: ``torch.optim.X`` only for X = Optimizer, no imports from
    torch.optim, no fused kernels (lerp/addcmul/addcdiv) that would hide the arithmetic, and
    ``getattr(torch.optim, ...)`` only in the registry's "torch" backend."""
    tree = ast.parse(path.read_text())
    nodes = list(ast.walk(tree))
    used = {node.attr for node in nodes if isinstance(node, ast.Attribute) and _is_torch_optim(node.value)}
    assert used <= {"Optimizer"}
    imported = [node for node in nodes if isinstance(node, ast.ImportFrom | ast.Import)
                and any(name.startswith("torch.optim") for name in
                        [getattr(node, "module", None) or "", *(alias.name for alias in node.names)])]
    assert not imported
    fused = {node.attr for node in nodes if isinstance(node, ast.Attribute)
             and node.attr.rstrip("_") in ("lerp", "addcmul", "addcdiv")}
    assert not fused
    backends = [node for node in nodes if isinstance(node, ast.Call) and node.args
                and getattr(node.func, "id", "") == "getattr" and _is_torch_optim(node.args[0])]
    assert len(backends) == (1 if path.name == "registry.py" else 0)


@pytest.mark.parametrize("name", NAMES)
def test_step_runs_our_rule_and_no_torch_optim_algorithm_code(name):
    params = TENSORS.make_params(torch.float64)
    optimizer = getattr(playground.optim, name)(params)
    TENSORS.loss(params, 0).backward()
    called = set()

    def record(frame, event, arg):
        if event == "call":
            called.add(frame.f_code.co_filename)

    sys.setprofile(record)
    try:
        optimizer.step()
    finally:
        sys.setprofile(None)
    assert type(optimizer).rule.__code__.co_filename in called
    torch_optim = {Path(f).name for f in called if Path(f).parent.parts[-2:] == ("torch", "optim")}
    assert torch_optim <= {"optimizer.py"}, torch_optim
