"""``torch.utils.data``: ``Dataset``, ``TensorDataset`` and ``DataLoader``, the loop of every
tutorial's training code (``for X, y in dataloader: ...``).

A ``DataLoader`` cuts the dataset into batches of ``batch_size`` samples and stacks each batch
the way PyTorch's ``default_collate`` does (tensors stacked along a new first dimension, Python
ints into an int64 tensor, floats into a float64 tensor, tuples/lists/dicts element by element).

``shuffle=True`` draws a fresh order at the start of every pass (epoch), from gradlab's seeded
generator (or ``generator=``): every sample exactly once per epoch, the same orders after the
same ``torch.manual_seed``. The orders themselves differ from PyTorch's, whose generator is not
NumPy's. ``num_workers`` is accepted but every batch is loaded in the main process.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import _dtype
from .._creation import tensor
from .._tensor import Tensor, stack
from ..errors import error
from ..random import randperm


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__(index)`` and usually ``__len__()``."""

    def __getitem__(self, index):
        raise error("dataset_getitem")


class TensorDataset(Dataset):
    """Sample i is ``(t[i] for t in tensors)``: features and labels side by side."""

    def __init__(self, *tensors):
        sizes = [t.shape[0] for t in tensors]
        if any(size != sizes[0] for size in sizes):
            raise error("dataset_sizes", sizes=sizes)
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


def default_collate(batch):
    """One batch from a list of samples, structured like one sample (PyTorch's rules)."""
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(batch, 0)
    if isinstance(first, np.ndarray):
        return stack([tensor(b) for b in batch], 0)
    if isinstance(first, bool):
        return tensor(batch)
    if isinstance(first, numbers.Integral):
        return tensor(batch, dtype=_dtype.int64)
    if isinstance(first, numbers.Real):
        return tensor(batch, dtype=_dtype.float64)
    if isinstance(first, str):
        return list(batch)
    if isinstance(first, dict):
        return {key: default_collate([b[key] for b in batch]) for key in first}
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple keeps its type
        return type(first)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(first, (list, tuple)):
        return [default_collate(list(samples)) for samples in zip(*batch)]
    raise error("collate_type", type=type(first))


def default_convert(sample):
    """``batch_size=None``: samples pass through unbatched; NumPy arrays become tensors, and
    tuples become lists (as PyTorch's ``default_convert`` does; a namedtuple keeps its type)."""
    if isinstance(sample, np.ndarray):
        return tensor(sample)
    if isinstance(sample, dict):
        return {key: default_convert(value) for key, value in sample.items()}
    if isinstance(sample, tuple) and hasattr(sample, "_fields"):
        return type(sample)(*(default_convert(v) for v in sample))
    if isinstance(sample, (list, tuple)):
        return [default_convert(v) for v in sample]
    return sample


class DataLoader:
    """Batches of a dataset, in order or shuffled: ``for X, y in DataLoader(ds, batch_size=64)``."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise error("num_workers")
        if shuffle and sampler is not None:
            raise error("sampler_shuffle")
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral)
                                       or batch_size <= 0):
            raise error("batch_size", batch_size=batch_size)
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.sampler = sampler
        self.num_workers = num_workers
        self.drop_last = drop_last
        self.generator = generator
        self.collate_fn = collate_fn or (default_collate if batch_size is not None else default_convert)

    def _order(self):
        if self.sampler is not None:
            return list(self.sampler)
        if self.shuffle:
            return randperm(len(self.dataset), generator=self.generator).tolist()
        return range(len(self.dataset))

    def __iter__(self):
        order = self._order()  # drawn when a pass starts, as PyTorch's RandomSampler does
        if self.batch_size is None:
            for i in order:
                yield self.collate_fn(self.dataset[i])
            return
        order = list(order)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            if len(chunk) < self.batch_size and self.drop_last:
                return
            yield self.collate_fn([self.dataset[i] for i in chunk])

    def __len__(self):
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


__all__ = ["Dataset", "TensorDataset", "DataLoader", "default_collate", "default_convert"]
