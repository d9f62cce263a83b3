"""The regularization lab's core: an MLP builder, penalties, early stopping, the trainer and A/B runs."""

from playground.regularization.compare import summary, variants
from playground.regularization.config import LabConfig
from playground.regularization.early_stopping import EarlyStopping
from playground.regularization.mlp import MLPConfig, build_mlp
from playground.regularization.penalties import l1_penalty, l2_penalty
from playground.regularization.trainer import Run, train

__all__ = ["EarlyStopping", "MLPConfig", "build_mlp", "l1_penalty", "l2_penalty", "LabConfig", "Run",
           "train", "variants", "summary"]
