"""What a computation costs: the memory autograd keeps for the backward pass.

Backpropagation needs the intermediate values of the forward pass (for BPTT: every
hidden state ``h_t``), so memory grows with sequence length. PyTorch lets us watch every
tensor autograd saves through ``torch.autograd.graph.saved_tensors_hooks``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch


def saved_tensor_bytes(fn: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``fn()`` and return ``(its result, bytes of tensors saved for backward)``.

    Each distinct storage is counted once (a weight used at every time step is saved many
    times but stored once), so the number is what backward really keeps alive.
    """
    storages: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        result = fn()
    return result, sum(storages.values())
