"""Vocabularies and tensors for (source, target) pairs: the input side of a seq2seq model.

A source or target is a sequence of tokens: a string is a sequence of characters (dates,
spellings), a tuple of strings a sequence of phonemes or words. Sources are padded with
``<pad>``; targets get ``<bos>`` in front for the decoder's input and ``<eos>`` at the end
of the decoder's output, so the model learns when to stop:

    target  "1998"        decoder input  <bos> 1 9 9 8
                          decoder output 1 9 9 8 <eos>

Output padding is ``IGNORE_INDEX``, which ``F.cross_entropy`` skips: padding never
enters the loss.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch

from course_utils.data.padding import PAD, pad_sequences, shift_targets
from course_utils.data.vocab import Vocab
from course_utils.errors import ShapeError

BOS, EOS = "<bos>", "<eos>"


@dataclass
class PairVocab:
    """A source and a target vocabulary, and the encoding between tokens and padded tensors."""

    source: Vocab
    target: Vocab

    @classmethod
    def build(cls, pairs: Iterable[tuple[Sequence[str], Sequence[str]]]) -> PairVocab:
        """Both vocabularies from training pairs; specials <pad> / <pad> <bos> <eos>."""
        pairs = list(pairs)
        source = Vocab.build((tok for src, _ in pairs for tok in src), specials=[PAD])
        target = Vocab.build((tok for _, tgt in pairs for tok in tgt), specials=[PAD, BOS, EOS])
        return cls(source, target)

    @property
    def src_pad_id(self) -> int:
        return self.source.stoi[PAD]

    @property
    def bos_id(self) -> int:
        return self.target.stoi[BOS]

    @property
    def eos_id(self) -> int:
        return self.target.stoi[EOS]

    def unknown(self, source: Sequence[str]) -> list[str]:
        """The tokens of ``source`` the source vocabulary lacks (they are read as <unk>)."""
        return [tok for tok in source if tok not in self.source]

    def encode_sources(self, sources: Sequence[Sequence[str]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Sources -> ids (N, S) int64 padded with <pad>, lengths (N,); unknown tokens -> <unk>."""
        empty = [i for i, src in enumerate(sources) if len(src) == 0]
        if empty:
            raise ShapeError(
                f"source(s) at index {empty[:5]} are empty: there is nothing to encode. "
                "Drop empty sources (or give them a placeholder token) before encoding"
            )
        return pad_sequences([self.source.encode(src) for src in sources], self.src_pad_id)

    def encode_targets(self, targets: Sequence[Sequence[str]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Targets -> decoder inputs (N, T) = <bos> + target, outputs (N, T) = target + <eos>.

        T is the longest target + 1; inputs are padded with <pad>, outputs with IGNORE_INDEX.
        Unknown target tokens are an error: the model could never be right about them.
        """
        if len(targets) == 0:
            raise ShapeError("no targets to encode")
        ids = [self.target.encode(tgt, strict=True) for tgt in targets]
        return shift_targets(ids, self.bos_id, self.eos_id, self.target.stoi[PAD])

    def decode_target(self, ids: Iterable[int]) -> list[str]:
        """Target ids -> tokens, stopping at <eos> and skipping <bos>/<pad>."""
        return self.target.decode_until(ids, EOS, skip=(BOS, PAD))
