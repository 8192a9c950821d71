"""``gradlab.nn``: modules, parameters and losses, as ``torch.nn`` (the small part a course needs)."""
from . import functional, init
from .module import Module
from .modules import CrossEntropyLoss, Linear, MSELoss, ReLU, Sequential, Sigmoid, Tanh
from .parameter import Parameter

__all__ = ["Module", "Parameter", "Linear", "Sequential", "ReLU", "Sigmoid", "Tanh", "MSELoss",
           "CrossEntropyLoss", "functional", "init"]
