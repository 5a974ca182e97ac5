"""Minibatches for language modelling: cut one long token stream into ``(X, Y)`` pairs.

``Y`` is ``X`` shifted by one token (predict the next token). Two ways to partition,
as in Dive into Deep Learning (Zhang et al.), section 9.3:

* **random**: subsequences start at a random offset and are shuffled, so consecutive
  minibatches are unrelated; the hidden state must be reset for every minibatch.
* **sequential**: row ``i`` of minibatch ``k+1`` continues row ``i`` of minibatch ``k``,
  so the hidden state can be carried across minibatches (truncated BPTT).
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from course_utils.errors import DatasetError, ShapeError

PARTITIONS = ("random", "sequential")


def _check(ids: torch.Tensor, batch_size: int, seq_len: int) -> None:
    if not isinstance(ids, torch.Tensor) or ids.dim() != 1 or ids.dtype != torch.int64:
        raise ShapeError(
            "ids must be a 1-D int64 tensor of token ids, e.g. torch.tensor(tokenizer.encode(text))"
        )
    if batch_size < 1 or seq_len < 1:
        raise ValueError(f"batch_size and seq_len must be positive, got {batch_size}, {seq_len}")
    # Worst case the random offset eats seq_len - 1 tokens; then every row needs seq_len + 1.
    needed = batch_size * seq_len + seq_len
    if len(ids) < needed:
        raise DatasetError(
            f"{len(ids):,} tokens are too few for batch_size={batch_size} x seq_len={seq_len} "
            f"(need at least {needed:,}); use a shorter seq_len, a smaller batch_size or more text."
        )


def random_batches(
    ids: torch.Tensor, batch_size: int, seq_len: int, generator: torch.Generator | None = None
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield shuffled ``(X, Y)`` pairs, each ``(batch_size, seq_len)`` int64."""
    _check(ids, batch_size, seq_len)
    offset = int(torch.randint(seq_len, (1,), generator=generator))
    n_seq = (len(ids) - offset - 1) // seq_len
    starts = offset + seq_len * torch.randperm(n_seq, generator=generator)
    steps = torch.arange(seq_len)
    for b in range(n_seq // batch_size):
        rows = starts[b * batch_size : (b + 1) * batch_size, None] + steps  # (B, T) positions
        yield ids[rows], ids[rows + 1]


def sequential_batches(
    ids: torch.Tensor,
    batch_size: int,
    seq_len: int,
    generator: torch.Generator | None = None,
    random_lengths: bool = False,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield ``(X, Y)`` pairs where row ``i`` of each batch continues row ``i`` of the last.

    With ``random_lengths`` each chunk's length is drawn uniformly from
    ``seq_len // 2 .. seq_len + seq_len // 2`` (mean ``seq_len``): randomised truncation,
    so no position in the text is always cut at the same distance from a chunk start.
    """
    _check(ids, batch_size, seq_len)
    offset = int(torch.randint(seq_len, (1,), generator=generator))
    n_tokens = (len(ids) - offset - 1) // batch_size * batch_size
    xs = ids[offset : offset + n_tokens].view(batch_size, -1)  # (B, L): B parallel streams
    ys = ids[offset + 1 : offset + 1 + n_tokens].view(batch_size, -1)
    low, high = max(1, seq_len // 2), seq_len + seq_len // 2
    t = 0
    while True:
        length = (
            int(torch.randint(low, high + 1, (1,), generator=generator))
            if random_lengths
            else seq_len
        )
        if t + length > xs.shape[1]:
            return
        yield xs[:, t : t + length], ys[:, t : t + length]
        t += length


def lm_batches(
    ids: torch.Tensor,
    batch_size: int,
    seq_len: int,
    partition: str = "sequential",
    generator: torch.Generator | None = None,
    random_lengths: bool = False,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Dispatch to :func:`random_batches` or :func:`sequential_batches` by name."""
    if partition == "random":
        if random_lengths:
            raise ValueError("random_lengths needs partition='sequential' (chunks of one stream)")
        return random_batches(ids, batch_size, seq_len, generator)
    if partition == "sequential":
        return sequential_batches(ids, batch_size, seq_len, generator, random_lengths)
    raise ValueError(f"partition must be one of {PARTITIONS}, got {partition!r}")
