"""``gradlab.nn``: modules, parameters and losses, as ``torch.nn`` (the small part a course needs)."""
from . import functional, init
from .module import Module
from .modules import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Dropout, Flatten, Identity, L1Loss, Linear, LogSoftmax, MSELoss,
                      NLLLoss, ReLU, Sequential, Sigmoid, Softmax, Softmin, Tanh, Unflatten)
from .layers import GELU, Embedding, LayerNorm, LeakyReLU, ModuleList
from .parameter import Parameter

__all__ = ["Module", "Parameter", "Linear", "Sequential", "ReLU", "Sigmoid", "Tanh", "MSELoss",
           "CrossEntropyLoss", "Identity", "Flatten", "Unflatten", "Softmax", "LogSoftmax", "Softmin", "Dropout",
           "L1Loss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "Embedding", "ModuleList", "LeakyReLU", "GELU", "LayerNorm", "functional", "init"]
