"""Data-parallel training under ``torchrun``: one process per device, one global batch.

Launched as ``torchrun --nproc_per_node=N script.py``, each process gets ``RANK``,
``WORLD_SIZE`` and ``LOCAL_RANK`` in its environment. :func:`course_utils.train.train`
then wraps the model in DistributedDataParallel (gloo on CPUs, NCCL on GPUs): every
process builds the same *global* minibatch, keeps its own rows (:func:`share`), and DDP
averages the gradients, so N processes take the same steps as one process with the
whole batch (exactly so when every share of the loss averages over as many entries,
e.g. language-model chunks; dropout masks differ, as each process draws its own).
Outside ``torchrun`` every function here is a no-op.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.nn as nn

from course_utils.errors import CheckpointError, ShapeError


def world_size() -> int:
    """How many processes train together (1 outside torchrun)."""
    return dist.get_world_size() if dist.is_initialized() else 1


def rank() -> int:
    """This process's number, 0 .. world_size() - 1."""
    return dist.get_rank() if dist.is_initialized() else 0


def is_main() -> bool:
    """True in the one process that writes files and prints (rank 0)."""
    return rank() == 0


def setup(device: torch.device) -> torch.device:
    """Join the process group torchrun describes; return this process's device.

    Called first by :func:`course_utils.train.train`; a no-op outside torchrun
    (``WORLD_SIZE`` unset or 1).
    """
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    if dist.is_initialized() and device.type == "cuda" and device.index is None:
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    return device


def wrap(model: nn.Module, device: torch.device) -> nn.Module:
    """The model (already on ``setup(device)``) in DistributedDataParallel under torchrun."""
    if world_size() == 1:
        return model
    # DDP broadcasts rank 0's weights now, so every process starts from the same model.
    # find_unused_parameters: e.g. a seq2seq model without attention leaves weights unused.
    return nn.parallel.DistributedDataParallel(
        model,
        device_ids=[device.index] if device.type == "cuda" else None,
        find_unused_parameters=True,
    )


def share(batch: Any) -> Any:
    """This process's rows (dim 0) of every tensor in a global batch (nested tuples too)."""
    n, r = world_size(), rank()
    if n == 1:
        return batch
    if isinstance(batch, (tuple, list)):
        return tuple(share(b) for b in batch)
    if not isinstance(batch, torch.Tensor) or batch.dim() == 0:
        return batch  # a number such as a teacher-forcing ratio: the same for everyone
    if len(batch) % n:
        raise ShapeError(
            f"a global batch of {len(batch)} rows cannot be split evenly over {n} processes; "
            f"make the batch size a multiple of {n}"
        )
    size = len(batch) // n
    return batch[r * size : (r + 1) * size]


def mean(value: torch.Tensor) -> float:
    """The mean of a scalar over all processes, as a float (the global batch's loss)."""
    if world_size() == 1:
        return value.item()
    value = value.detach().float().clone()
    dist.all_reduce(value)
    return value.item() / world_size()


def gather(state: Any) -> list[Any]:
    """Every process's carried state, in rank order (for a checkpoint)."""
    if world_size() == 1:
        return [state]
    states: list[Any] = [None] * world_size()
    dist.all_gather_object(states, state)
    return states


def own_share(states: Any) -> Any:
    """This process's state from what :func:`gather` saved."""
    return states[rank()] if isinstance(states, list) else states


def check_resume(payload: dict, path: Path) -> None:
    """Refuse to resume a checkpoint written by another number of processes."""
    saved = payload.get("meta", {}).get("world_size", 1)
    if saved != world_size():
        raise CheckpointError(
            f"{path} was written by {saved} process(es) but this run has {world_size()}: "
            f"the carried states and the batch split differ; resume with "
            f"torchrun --nproc_per_node={saved} (or start a new run)"
        )


def barrier() -> None:
    """Wait until every process gets here (e.g. until rank 0 has saved a checkpoint)."""
    if world_size() > 1:
        dist.barrier()
