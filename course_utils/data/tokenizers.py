"""Tokenizers at three granularities: characters, words, and byte-pair-encoding subwords.

All three share one interface: ``fit(text)`` learns a :class:`Vocab`, ``tokenize`` splits
text into token strings, ``encode``/``decode`` map to and from ids, ``save``/``load``
round-trip through JSON. BPE follows Sennrich et al. (2016): start from characters and
repeatedly merge the most frequent adjacent pair, within pre-split chunks (GPT-2 style,
a chunk is an optional space plus a run of letters, digits or punctuation).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import ClassVar

from course_utils.atomic import atomic_write_text
from course_utils.data.vocab import UNK, Vocab, read_vocab_file
from course_utils.errors import VocabError

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+|[^\w\s]")
# A chunk: optional space + letters | digits | punctuation (underscore counts as punctuation,
# so every character of the text lands in some chunk and decoding is lossless).
_CHUNK = re.compile(r" ?[^\W\d_]+| ?\d+| ?(?:[^\w\s]|_)+|\s+(?!\S)|\s+")


class Tokenizer:
    """Shared behaviour; subclasses define ``kind``, ``tokenize`` and ``decode``."""

    kind: ClassVar[str] = ""
    separator: ClassVar[str] = ""  # what goes between decoded tokens

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __len__(self) -> int:
        return len(self.vocab)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vocab_size={len(self.vocab)})"

    def tokenize(self, text: str) -> list[str]:
        raise NotImplementedError

    def decode(self, ids) -> str:
        raise NotImplementedError

    def encode(self, text: str, strict: bool = False) -> list[int]:
        """Text -> ids; unknown tokens map to ``<unk>`` unless ``strict`` (then raise)."""
        return self.vocab.encode(self.tokenize(text), strict=strict)

    def unknown_rate(self, text: str) -> float:
        """Fraction of the tokens of ``text`` that are ``<unk>`` for this vocabulary."""
        ids = self.encode(text)
        return sum(i == self.vocab.unk_index for i in ids) / max(1, len(ids))

    def _state(self) -> dict:
        return {}

    def save(self, path: str | Path) -> None:
        """Write the tokenizer (kind, vocabulary, settings) as JSON."""
        data = {"kind": self.kind, "itos": self.vocab.itos, **self._state()}
        atomic_write_text(Path(path), json.dumps(data, ensure_ascii=False))


class CharTokenizer(Tokenizer):
    """One token per character: tiny vocabulary, long sequences, no out-of-vocabulary words."""

    kind = "char"

    @classmethod
    def fit(cls, text: str, min_freq: int = 1) -> CharTokenizer:
        return cls(Vocab.build(text, min_freq=min_freq))

    def tokenize(self, text: str) -> list[str]:
        return list(text)

    def decode(self, ids) -> str:
        return "".join(self.vocab.decode(ids))


class WordTokenizer(Tokenizer):
    """Words and punctuation marks as tokens; rare words fall back to ``<unk>``."""

    kind = "word"
    separator = " "

    def __init__(self, vocab: Vocab, lowercase: bool = True):
        super().__init__(vocab)
        self.lowercase = lowercase

    @classmethod
    def fit(
        cls, text: str, min_freq: int = 2, max_size: int | None = None, lowercase: bool = True
    ) -> WordTokenizer:
        tok = cls(Vocab([UNK]), lowercase)
        return cls(Vocab.build(tok.tokenize(text), min_freq=min_freq, max_size=max_size), lowercase)

    def tokenize(self, text: str) -> list[str]:
        return _WORD.findall(text.lower() if self.lowercase else text)

    def decode(self, ids) -> str:
        return self.separator.join(self.vocab.decode(ids))  # lossy: the spacing is gone

    def _state(self) -> dict:
        return {"lowercase": self.lowercase}


class BPETokenizer(Tokenizer):
    """Byte-pair-encoding subwords: frequent words become one token, rare ones split."""

    kind = "bpe"

    def __init__(self, vocab: Vocab, merges: list[tuple[str, str]]):
        super().__init__(vocab)
        self.merges = [tuple(m) for m in merges]
        self._rank = {pair: i for i, pair in enumerate(self.merges)}
        self._cache: dict[str, list[str]] = {}

    @classmethod
    def fit(cls, text: str, vocab_size: int = 1000) -> BPETokenizer:
        """Learn merges on ``text`` until the vocabulary has ``vocab_size`` tokens."""
        chunk_counts = Counter(_CHUNK.findall(text))
        alphabet = Vocab.build(text).itos  # <unk> + characters by frequency
        if vocab_size < len(alphabet):
            raise VocabError(
                f"vocab_size={vocab_size} is smaller than the {len(alphabet)} "
                "characters (plus <unk>) of the text; raise vocab_size."
            )
        words = [list(chunk) for chunk in chunk_counts]
        counts = list(chunk_counts.values())
        pairs: Counter = Counter()
        where: dict[tuple[str, str], set[int]] = defaultdict(set)  # pair -> words containing it
        for w, (symbols, n) in enumerate(zip(words, counts)):
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += n
                where[pair].add(w)
        itos, seen, merges = list(alphabet), set(alphabet), []
        while len(itos) < vocab_size and pairs:
            # Most frequent pair; ties go to the alphabetically first, so training is repeatable.
            best = min(pairs, key=lambda p: (-pairs[p], p))
            if pairs[best] < 2:
                break  # merging a pair seen once would just memorise the text
            merges.append(best)
            new = best[0] + best[1]
            if new not in seen:
                seen.add(new)
                itos.append(new)
            for w in where.pop(best):
                symbols, n = words[w], counts[w]
                for pair in zip(symbols, symbols[1:]):  # forget this word's old pairs
                    pairs[pair] -= n
                    if pairs[pair] <= 0:
                        del pairs[pair]
                words[w] = symbols = _merge(symbols, best, new)
                for pair in zip(symbols, symbols[1:]):  # and count its new ones
                    pairs[pair] += n
                    where[pair].add(w)
        return cls(Vocab(itos), merges)

    def _split(self, chunk: str) -> list[str]:
        """Apply the learned merges to one chunk, lowest rank first (as in training)."""
        if chunk in self._cache:
            return self._cache[chunk]
        symbols = list(chunk)
        while len(symbols) > 1:
            ranked = [(self._rank.get(p, len(self._rank)), p) for p in zip(symbols, symbols[1:])]
            rank, pair = min(ranked)
            if rank == len(self._rank):
                break
            symbols = _merge(symbols, pair, pair[0] + pair[1])
        self._cache[chunk] = symbols
        return symbols

    def tokenize(self, text: str) -> list[str]:
        return [tok for chunk in _CHUNK.findall(text) for tok in self._split(chunk)]

    def decode(self, ids) -> str:
        return "".join(self.vocab.decode(ids))  # lossless for characters seen in training

    def _state(self) -> dict:
        return {"merges": [list(m) for m in self.merges]}


def _merge(symbols: list[str], pair: tuple[str, str], new: str) -> list[str]:
    """Replace every adjacent occurrence of ``pair`` in ``symbols`` by ``new``."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(new)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


_KINDS = {cls.kind: cls for cls in (CharTokenizer, WordTokenizer, BPETokenizer)}


def load_tokenizer(path: str | Path) -> Tokenizer:
    """Load any tokenizer written by ``Tokenizer.save``."""
    data, vocab = read_vocab_file(Path(path), "Tokenizer.save")
    cls = _KINDS.get(data.get("kind"))
    if cls is None:
        raise VocabError(
            f"{path} names an unknown tokenizer kind {data.get('kind')!r}; "
            f"expected one of {sorted(_KINDS)}"
        )
    if cls is BPETokenizer:
        return BPETokenizer(vocab, data.get("merges", []))
    if cls is WordTokenizer:
        return WordTokenizer(vocab, data.get("lowercase", True))
    return cls(vocab)
