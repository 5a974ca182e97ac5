"""The old entry point for independent batches, kept for one term: use :func:`train`.

Notebooks handed out before the loops were merged call ``fit(...)``; it still works
(with a DeprecationWarning) and runs :func:`course_utils.train.train` underneath.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch
import torch.nn as nn

from course_utils.train import Batches, TrainConfig, autocast, train

__all__ = ["autocast", "fit"]


def fit(
    model: nn.Module,
    make_batch: Callable,
    loss_fn: Callable[..., torch.Tensor],
    steps: int,
    lr: float,
    device: torch.device,
    clip: float | None = 1.0,
    generator: torch.Generator | None = None,
    progress: bool = True,
    mixed_precision: bool = False,
) -> list[float]:
    """Deprecated: ``train(model, Batches(make_batch), TrainConfig(...), device, loss_fn=...)``.

    ``make_batch(step)``, or ``make_batch(step, generator)`` when a generator is given,
    returns ``(inputs, target)``; returns the loss of every step.
    """
    warnings.warn(
        "fit(...) is deprecated and goes away next term: use train(model, "
        "Batches(make_batch), TrainConfig(max_steps=..., lr=..., seed=...), device, "
        "loss_fn=...).train_loss, where make_batch(step, generator) takes both arguments",
        DeprecationWarning,
        stacklevel=2,
    )
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if generator is None:
        batches = Batches(lambda step, _generator: make_batch(step))
    else:  # the caller's own generator, in the state the caller left it
        batches = Batches(lambda step, _generator: make_batch(step, generator))
    config = TrainConfig(
        max_steps=steps, lr=lr, clip=clip, progress=progress, mixed_precision=mixed_precision
    )
    return train(model, batches, config, device, loss_fn=loss_fn).train_loss
