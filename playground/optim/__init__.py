"""From-scratch optimizers with torch.optim's interface, and the registry of named methods."""

from playground.optim.adadelta import Adadelta
from playground.optim.adagrad import Adagrad
from playground.optim.adam import Adam, AdamW
from playground.optim.adamax import Adamax
from playground.optim.nadam import NAdam
from playground.optim.radam import RAdam
from playground.optim.registry import METHODS, TEACHING, Method
from playground.optim.rmsprop import RMSprop
from playground.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Adadelta", "Adamax",
           "METHODS", "TEACHING", "Method"]
