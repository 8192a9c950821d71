"""``gradlab.optim``: optimizers that update parameters from their ``.grad`` (``torch.optim``)."""
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW"]
