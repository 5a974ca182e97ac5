"""The character-level language-modelling data of notebooks 02-06, in one call.

Notebook 02 builds it step by step (corpus -> CharTokenizer fit on the training text ->
1-D int64 ids per split); the later notebooks call :func:`char_lm_data` for the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from course_utils.data.corpus import Corpus, default_corpus
from course_utils.data.tokenizers import CharTokenizer


@dataclass(frozen=True)
class CharLMData:
    """A corpus, the character tokenizer fit on its training text, and each split as ids."""

    corpus: Corpus
    tokenizer: CharTokenizer
    train_text: str  # the training text used (the first train_chars characters)
    train_ids: torch.Tensor  # (N,) int64
    valid_ids: torch.Tensor  # (N,) int64
    test_ids: torch.Tensor  # (N,) int64

    @property
    def vocab_size(self) -> int:
        return len(self.tokenizer.vocab)

    def encode(self, text: str) -> torch.Tensor:
        """Text -> (len(text),) int64 ids, on the CPU (unknown characters become <unk>)."""
        return torch.tensor(self.tokenizer.encode(text))


def char_lm_data(train_chars: int | None = None, cache_dir: str | Path | None = None) -> CharLMData:
    """The course corpus (:func:`default_corpus`) as character ids, trained on train_chars."""
    corpus = default_corpus(cache_dir)
    train_text = corpus.train[:train_chars] if train_chars else corpus.train
    tokenizer = CharTokenizer.fit(train_text)
    ids = [torch.tensor(tokenizer.encode(t)) for t in (train_text, corpus.valid, corpus.test)]
    return CharLMData(corpus, tokenizer, train_text, *ids)
