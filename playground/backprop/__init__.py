"""Backpropagation made concrete: a stepper over small computation graphs, gradient checking,
and gradient-health statistics of deep MLPs. Every gradient here is checked against torch autograd.
"""

from playground.backprop.chain import Chain
from playground.backprop.clip import clip_grad_norm, clip_grad_value
from playground.backprop.deepnet import DeepConfig, DeepMLP
from playground.backprop.gradcheck import GradCheckReport, gradient_check
from playground.backprop.graph import Graph, Node, gradients_after
from playground.backprop.health import Run, train
from playground.backprop.mlp import Example, TinyMLP

__all__ = ["Chain", "Example", "TinyMLP", "Graph", "Node", "gradients_after", "gradient_check",
           "GradCheckReport", "DeepConfig", "DeepMLP", "Run", "train", "clip_grad_norm", "clip_grad_value"]
