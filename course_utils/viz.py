"""Plots used across the notebooks (matplotlib only; each returns its Figure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from course_utils.train import History


def plot_partitions(n_tokens: int = 48, batch_size: int = 3, seq_len: int = 5, seed: int = 1):
    """Draw which token positions land in which minibatch, for random vs sequential partitioning."""
    from course_utils.data.batching import random_batches, sequential_batches

    ids = torch.arange(n_tokens)
    fig, axes = plt.subplots(2, 1, figsize=(10, 3.6), sharex=True)
    cmap = plt.get_cmap("tab10")
    for ax, (name, fn) in zip(
        axes, [("random", random_batches), ("sequential", sequential_batches)]
    ):
        gen = torch.Generator().manual_seed(seed)
        for b, (x, _) in enumerate(fn(ids, batch_size, seq_len, gen)):
            for row, seq in enumerate(x):
                ax.barh(row, seq_len, left=int(seq[0]), color=cmap(b % 10), edgecolor="black")
                ax.text(
                    int(seq[0]) + seq_len / 2,
                    row,
                    f"b{b}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
        ax.set_yticks(range(batch_size), [f"row {r}" for r in range(batch_size)])
        ax.set_title(
            f"{name} partitioning: colour = minibatch, position = token index", fontsize=10
        )
        ax.invert_yaxis()
    axes[-1].set_xlabel("token position in the text")
    axes[-1].set_xlim(0, n_tokens)
    fig.tight_layout()
    return fig


def plot_histories(histories: Mapping[str, History], smooth: int = 20, title: str = ""):
    """Training loss (smoothed) and validation NLL for several runs, side by side."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    for name, h in histories.items():
        loss = np.asarray(h.train_loss)
        if len(loss) >= smooth:
            loss = np.convolve(loss, np.ones(smooth) / smooth, mode="valid")
        ax1.plot(np.arange(len(loss)) + 1, loss, label=name)
        ax2.plot(h.eval_steps, h.valid_nll, marker="o", label=name)
    ax1.set(xlabel="step", ylabel="train loss (nats/token)", title="training")
    ax2.set(xlabel="step", ylabel="validation NLL (nats/token)", title="held-out")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_matrix(
    matrix, title: str = "", xlabel: str = "", ylabel: str = "", ticks: Sequence[str] | None = None
):
    """A heat map of a 2-D array (weights, masks, confusion matrices)."""
    fig, ax = plt.subplots(figsize=(4, 4))
    im = ax.imshow(np.asarray(matrix), cmap="viridis")
    fig.colorbar(im, ax=ax, shrink=0.8)
    if ticks is not None:
        ax.set_xticks(range(len(ticks)), ticks, rotation=90)
        ax.set_yticks(range(len(ticks)), ticks)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    fig.tight_layout()
    return fig


def plot_attention(
    weights,
    source: Sequence[str],
    target: Sequence[str],
    ax=None,
    title: str = "",
):
    """Heatmap of attention weights: weights (T, S) -> target tokens (rows) x source (columns)."""
    weights = torch.as_tensor(weights).detach().cpu().float()
    if weights.shape != (len(target), len(source)):
        raise ValueError(
            f"weights {tuple(weights.shape)} do not match {len(target)} target x "
            f"{len(source)} source tokens"
        )
    fig, ax = (
        plt.subplots(figsize=(0.3 * len(source) + 1.5, 0.3 * len(target) + 1))
        if ax is None
        else (ax.figure, ax)
    )
    ax.imshow(weights.numpy(), cmap="Greys", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(source)), ["␣" if t == " " else t for t in source], fontsize=8)
    ax.set_yticks(range(len(target)), list(target), fontsize=8)
    ax.set_xlabel("source")
    ax.set_ylabel("output")
    if title:
        ax.set_title(title, fontsize=10)
    return fig
