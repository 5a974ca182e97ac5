"""Padding: put sequences of different lengths into one rectangular batch.

A minibatch tensor must be rectangular, so shorter sequences are filled up with a
``<pad>`` id and their true ``lengths`` are kept alongside. The models then use the
lengths (``torch.nn.utils.rnn.pack_padded_sequence``) so that padding never enters a
hidden state, and losses use :func:`length_mask` so that padding never enters a loss.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from course_utils.errors import ShapeError

PAD = "<pad>"  # the padding token: add it to a vocabulary with Vocab.build(..., specials=[PAD])
IGNORE_INDEX = -100  # padding value for targets: F.cross_entropy skips it by default


def pad_sequences(seqs: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad lists of ids to one length.

    seqs: N lists of ids, each at least one long -> padded (N, L) int64 filled with
    ``pad_id`` after each sequence's end (L = the longest length), lengths (N,) int64.
    """
    if len(seqs) == 0:
        raise ShapeError("pad_sequences got no sequences; pass a non-empty list of id lists")
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.int64)  # (N,)
    empty = (lengths == 0).nonzero().flatten().tolist()
    if empty:
        raise ShapeError(
            f"sequence(s) at index {empty[:5]} are empty: a sequence of length 0 has no "
            "hidden state to classify or tag; drop empty items before padding"
        )
    padded = torch.full((len(seqs), int(lengths.max())), pad_id, dtype=torch.int64)  # (N, L)
    for i, s in enumerate(seqs):
        padded[i, : len(s)] = torch.as_tensor(list(s), dtype=torch.int64)
    return padded, lengths


def length_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """True at real positions, False at padding.

    lengths: (B,) int64 -> mask (B, max_len) bool (max_len defaults to the longest length).
    """
    if lengths.dim() != 1 or lengths.dtype != torch.int64:
        raise ShapeError(
            f"lengths must be (batch,) int64, got {tuple(lengths.shape)} {lengths.dtype}"
        )
    max_len = int(lengths.max()) if max_len is None else max_len
    steps = torch.arange(max_len, device=lengths.device)  # (L,)
    return steps[None, :] < lengths[:, None]  # (B, L)


def check_lengths(ids: torch.Tensor, lengths: torch.Tensor) -> None:
    """Raise :class:`ShapeError` unless ids (B, L) int64 and lengths (B,) int64 in 1..L agree."""
    if ids.dim() != 2 or ids.dtype != torch.int64:
        raise ShapeError(
            f"ids must be (batch, length) int64 token ids, got {tuple(ids.shape)} {ids.dtype}; "
            "build them with pad_sequences"
        )
    if lengths.dim() != 1 or lengths.dtype != torch.int64 or len(lengths) != ids.shape[0]:
        raise ShapeError(
            f"lengths must be ({ids.shape[0]},) int64, one per row of ids, got "
            f"{tuple(lengths.shape)} {lengths.dtype}"
        )
    if ids.shape[1] == 0 or bool((lengths < 1).any()):
        raise ShapeError(
            "every sequence needs at least one token (found a length of 0); "
            "drop empty sequences before batching"
        )
    if bool((lengths > ids.shape[1]).any()):
        raise ShapeError(
            f"a length of {int(lengths.max())} exceeds the {ids.shape[1]} columns of ids; "
            "pass the lengths that pad_sequences returned with these ids"
        )


def shift_targets(
    ids: Sequence[Sequence[int]], bos_id: int, eos_id: int, pad_id: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Target id lists -> decoder inputs (N, T) = bos + ids, outputs (N, T) = ids + eos.

    T is the longest target + 1; inputs are padded with ``pad_id``, outputs with
    IGNORE_INDEX so the loss skips them.
    """
    tgt_in, _ = pad_sequences([[bos_id, *seq] for seq in ids], pad_id)  # (N, T)
    tgt_out, lengths = pad_sequences([[*seq, eos_id] for seq in ids], pad_id)  # (N, T)
    tgt_out[torch.arange(tgt_out.shape[1])[None, :] >= lengths[:, None]] = IGNORE_INDEX
    return tgt_in, tgt_out
