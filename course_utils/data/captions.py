"""Caption vocabularies: words <-> ids, with the ``<START>`` / ``<END>`` markers of the lecture.

A caption is lower-cased and split on spaces. The decoder reads ``<START>`` + caption and
must predict caption + ``<END>``; generation runs from ``<START>`` until it emits ``<END>``
(the cs231n convention, hence the names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch

from course_utils.data.padding import PAD, shift_targets
from course_utils.data.vocab import Vocab

START, END = "<START>", "<END>"


def caption_words(caption: str) -> list[str]:
    """ "A red circle." -> ["a", "red", "circle"]: lower case, punctuation split off."""
    return caption.lower().replace(".", " ").replace(",", " ").split()


def caption_vocab(captions: Iterable[str], min_freq: int = 1) -> Vocab:
    """Words of the training captions seen ``min_freq`` times; specials <pad> <START> <END>."""
    words = (w for caption in captions for w in caption_words(caption))
    return Vocab.build(words, specials=[PAD, START, END], min_freq=min_freq)


def encode_captions(captions: Sequence[str], vocab: Vocab) -> tuple[torch.Tensor, torch.Tensor]:
    """Captions -> decoder inputs (N, T) = <START> + words, outputs (N, T) = words + <END>.

    Unknown words become <unk> (a rare word in a real caption set should not stop training).
    """
    ids = [vocab.encode(caption_words(c)) for c in captions]
    return shift_targets(ids, vocab.stoi[START], vocab.stoi[END], vocab.stoi[PAD])


def decode_caption(ids: Iterable[int], vocab: Vocab) -> str:
    """Ids -> a caption string, stopping at <END> and skipping <START>/<pad>."""
    return " ".join(vocab.decode_until(ids, END, skip=(START, PAD)))
