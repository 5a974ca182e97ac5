"""Synthetic long-range memory benchmarks: the adding problem and the copy-memory task.

Both are built so that the answer depends on inputs seen many steps earlier, and both
come with the score of a *memoryless* strategy, so a trained model can be judged: a
model that only matches the baseline has learned nothing about the past.

* **Adding problem** (Hochreiter & Schmidhuber 1997; the variant of Le et al. 2015):
  each step carries a value in [0, 1) and a marker; exactly two steps are marked, one in
  the first half and one in the second; the target is the sum of the two marked values.
  Predicting 1.0 (the mean of the sum) whatever the input scores MSE = Var(U1 + U2)
  = 2 * 1/12 = 1/6 ≈ 0.167 (:data:`ADDING_BASELINE_MSE`).
* **Copy memory** (Arjovsky et al. 2016, Henaff et al. 2016): read 10 symbols, wait
  ``delay`` steps, and after a delimiter write the 10 symbols back. The memoryless
  strategy (blanks, then a uniform guess over the 8 symbols for the last 10 steps)
  scores 10 ln 8 / (delay + 20) nats per step (:func:`copy_memory_baseline`).
* **Selective copying** (Gu & Dao 2023, "Mamba", arXiv:2312.00752): the same symbols, but
  scattered at random positions among blanks; after the delimiter write them back in order.
  Which steps matter changes from one sequence to the next, so a recurrence whose decay is
  fixed (a linear time-invariant one) cannot choose what to keep; a gate that reads the input
  can. Its memoryless baseline is the same formula (:func:`selective_copying_baseline`).
"""

from __future__ import annotations

import math

import torch

ADDING_BASELINE_MSE = 1 / 6  # MSE of always predicting 1.0: Var of a sum of two U(0, 1)

COPY_BLANK = 0  # the blank symbol of copy memory; data symbols are 1..n_symbols
COPY_VOCAB_SIZE = 10  # blank + 8 symbols + delimiter: n_symbols + 2 in general


def adding_problem(
    n: int, seq_len: int, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``n`` adding-problem sequences of ``seq_len`` steps.

    -> x: (n, seq_len, 2) float32, channel 0 the values U[0, 1), channel 1 the 0/1
    markers (exactly two 1s: one in ``[0, seq_len // 2)``, one in ``[seq_len // 2, seq_len)``);
    y: (n,) float32, the sum of the two marked values.
    """
    if n < 1:
        raise ValueError(f"n (number of sequences) must be at least 1, got {n}")
    if seq_len < 2:
        raise ValueError(f"seq_len must be at least 2 (one marker in each half), got {seq_len}")
    half = seq_len // 2
    values = torch.rand(n, seq_len, generator=generator)  # (n, T)
    first = torch.randint(0, half, (n,), generator=generator)  # (n,) in the first half
    second = torch.randint(half, seq_len, (n,), generator=generator)  # (n,) in the second
    rows = torch.arange(n)
    markers = torch.zeros(n, seq_len)  # (n, T)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=-1)  # (n, T, 2)
    y = values[rows, first] + values[rows, second]  # (n,)
    return x, y


def copy_memory(
    n: int,
    delay: int,
    generator: torch.Generator | None = None,
    n_symbols: int = 8,
    length: int = 10,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``n`` copy-memory sequences.

    Input, for ``delay`` = T: ``length`` random symbols (ids 1..n_symbols), T - 1 blanks
    (id 0), the delimiter (id n_symbols + 1), then ``length`` blanks: T + 2 * length steps.
    Target: blanks everywhere except the last ``length`` steps, which repeat the symbols.
    -> x, y: (n, delay + 2 * length) int64 each; the vocabulary has n_symbols + 2 ids.
    """
    if n < 1:
        raise ValueError(f"n (number of sequences) must be at least 1, got {n}")
    if delay < 1:
        raise ValueError(f"delay must be at least 1 (the delimiter takes one step), got {delay}")
    if n_symbols < 1 or length < 1:
        raise ValueError(f"n_symbols and length must be at least 1, got {n_symbols}, {length}")
    total = delay + 2 * length
    symbols = torch.randint(1, n_symbols + 1, (n, length), generator=generator)  # (n, S)
    x = torch.full((n, total), COPY_BLANK, dtype=torch.int64)  # (n, T + 2S)
    x[:, :length] = symbols  # what to remember
    x[:, length + delay - 1] = n_symbols + 1  # the delimiter: "write it back now"
    y = torch.full((n, total), COPY_BLANK, dtype=torch.int64)  # (n, T + 2S)
    y[:, -length:] = symbols  # the answer, in the last `length` steps
    return x, y


def copy_memory_baseline(delay: int, n_symbols: int = 8, length: int = 10) -> float:
    """Cross-entropy (nats per step) of the best memoryless copy-memory strategy.

    It knows *when* to write (the steps are fixed) but not *what*: a blank with
    certainty (0 nats) at the first delay + length steps, a uniform guess over the
    symbols (ln n_symbols nats) at the last ``length``: length * ln(n_symbols) / (delay + 2 length).
    """
    if delay < 1:
        raise ValueError(f"delay must be at least 1, got {delay}")
    return length * math.log(n_symbols) / (delay + 2 * length)


def selective_copying(
    n: int,
    span: int,
    generator: torch.Generator | None = None,
    n_symbols: int = 8,
    length: int = 8,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``n`` selective-copying sequences: ``length`` symbols (ids 1..n_symbols) at random
    positions, in order, among ``span`` steps of blanks; the delimiter (id n_symbols + 1);
    ``length`` blanks, where the target repeats the symbols in order.
    -> x, y: (n, span + 1 + length) int64 each; the vocabulary has n_symbols + 2 ids."""
    if n < 1 or length < 1 or n_symbols < 1:
        raise ValueError(
            f"n, length and n_symbols must be at least 1, got {n}, {length}, {n_symbols}"
        )
    if span < length:
        raise ValueError(f"span ({span}) must hold the {length} symbols")
    total = span + 1 + length
    symbols = torch.randint(1, n_symbols + 1, (n, length), generator=generator)  # (n, S)
    # `length` distinct positions in 0..span-1 per row, sorted: the symbols keep their order
    where = torch.rand(n, span, generator=generator).argsort(dim=1)[:, :length].sort(dim=1).values
    x = torch.full((n, total), COPY_BLANK, dtype=torch.int64)
    x.scatter_(1, where, symbols)
    x[:, span] = n_symbols + 1  # the delimiter
    y = torch.full((n, total), COPY_BLANK, dtype=torch.int64)
    y[:, -length:] = symbols
    return x, y


def selective_copying_baseline(span: int, n_symbols: int = 8, length: int = 8) -> float:
    """Nats per step of the memoryless strategy: blanks for sure, then a uniform guess."""
    return length * math.log(n_symbols) / (span + 1 + length)
