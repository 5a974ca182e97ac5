"""A small training loop for supervised batches: classifiers, taggers, regressors.

Why not :func:`course_utils.train.train_lm`? That loop is built around one long token
stream: truncated BPTT, a hidden state carried from one chunk to the next, validation
by perplexity, checkpoints. The classifiers, taggers and regressors of notebook 04 and the
seq2seq and captioning models of notebooks 05-06 have none of that: every batch is
a fresh set of independent sequences (drawn by a generator, or taken from a labelled
set) with a target, and the state starts from zero each time. :func:`fit` is the plain
loop for them (Adam, gradient clipping as in Pascanu et al. 2013, a progress bar, a
check for divergence); the caller says how to make a batch and how to score it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import torch
import torch.nn as nn
from tqdm.auto import tqdm

from course_utils.errors import TrainingError
from course_utils.train import optimizer_step


def _to(value, device: torch.device):
    return value.to(device) if isinstance(value, torch.Tensor) else value


def autocast(device: torch.device, mixed_precision: bool):
    """bfloat16 autocast on a CUDA GPU that supports it; on anything else, plain float32.

    bfloat16 has float32's exponent range, so unlike float16 it needs no loss scaling.
    On a CPU mixed precision is slower than float32 for models this size: never used there.
    """
    if mixed_precision and device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


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
    """Train ``model`` for ``steps`` Adam steps; return the loss of every step.

    ``make_batch(step)`` (or ``make_batch(step, generator)`` when a ``generator`` is
    given) returns ``(inputs, target)`` on the CPU: ``inputs`` a tensor or a tuple of
    arguments for ``model(*inputs)``. Both are moved to ``device`` here. The step's loss
    is ``loss_fn(model(*inputs), target)``; for a tagger pass e.g.
    ``lambda out, y: masked_cross_entropy(out, *y)`` with ``target = (tags, lengths)``.
    ``clip`` is the maximum global gradient norm (None: no clipping).
    ``mixed_precision`` runs the forward pass in bfloat16 on CUDA (see :func:`autocast`).
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses: list[float] = []
    bar = tqdm(range(steps), disable=not progress, desc="fit")
    for step in bar:
        inputs, target = make_batch(step) if generator is None else make_batch(step, generator)
        inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
        inputs = tuple(_to(v, device) for v in inputs)
        target = (
            tuple(_to(v, device) for v in target)
            if isinstance(target, tuple)
            else _to(target, device)
        )
        with autocast(device, mixed_precision):
            loss = loss_fn(model(*inputs), target)
        try:
            loss_value, _ = optimizer_step(model, optimizer, loss, clip, step)
        except TrainingError:
            bar.close()
            raise
        losses.append(loss_value)
        bar.set_postfix(loss=f"{loss_value:.3f}", refresh=False)  # redraw at tqdm's own pace
    bar.close()
    return losses
