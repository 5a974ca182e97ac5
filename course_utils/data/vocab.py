"""A vocabulary: the two-way map between tokens (strings) and integer ids.

Id 0 is always ``<unk>``, the stand-in for tokens never seen in training; other
special tokens (``<pad>``, ``<bos>``, ``<eos>``) follow, then the corpus tokens by
descending frequency (ties broken alphabetically, so a vocabulary is reproducible).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from course_utils.atomic import atomic_write_text
from course_utils.errors import VocabError

UNK = "<unk>"


class Vocab:
    """Token <-> id map with ``<unk>`` handling, save/load and a fingerprint."""

    def __init__(self, itos: Sequence[str]):
        if not itos or itos[0] != UNK:
            raise VocabError(f"a vocabulary must start with {UNK!r}; got {list(itos[:3])}")
        if len(set(itos)) != len(itos):
            dupes = sorted(t for t, c in Counter(itos).items() if c > 1)[:5]
            raise VocabError(f"vocabulary has duplicate tokens {dupes}")
        self.itos: list[str] = list(itos)
        self.stoi: dict[str, int] = {tok: i for i, tok in enumerate(self.itos)}

    @classmethod
    def build(
        cls,
        tokens: Iterable[str],
        specials: Sequence[str] = (),
        min_freq: int = 1,
        max_size: int | None = None,
    ) -> Vocab:
        """Build from a token stream, keeping tokens seen at least ``min_freq`` times."""
        counts = Counter(tokens)
        specials = [s for s in specials if s != UNK]
        kept = sorted(
            (t for t, c in counts.items() if c >= min_freq and t not in specials),
            key=lambda t: (-counts[t], t),
        )
        if max_size is not None:
            kept = kept[: max(0, max_size - 1 - len(specials))]
        return cls([UNK, *specials, *kept])

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens: {self.itos[:8]}...)"

    @property
    def unk_index(self) -> int:
        return 0

    def encode(self, tokens: Iterable[str], strict: bool = False) -> list[int]:
        """Map tokens to ids; unknown tokens become ``<unk>`` (or raise if ``strict``)."""
        if not strict:
            return [self.stoi.get(t, 0) for t in tokens]
        tokens = list(tokens)
        unknown = sorted({t for t in tokens if t not in self.stoi})
        if unknown:
            raise VocabError(
                f"{len(unknown)} token(s) are not in the vocabulary: {unknown[:10]}; "
                "use strict=False to map them to <unk>, or rebuild the vocabulary on text "
                "that contains them."
            )
        return [self.stoi[t] for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Map ids back to tokens."""
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.itos):
                raise VocabError(f"id {i} is outside this vocabulary of {len(self)} tokens")
            out.append(self.itos[i])
        return out

    def decode_until(self, ids: Iterable[int], end: str, skip: Iterable[str] = ()) -> list[str]:
        """Ids -> tokens up to (not including) the first ``end``, without the ``skip`` tokens."""
        skip, out = set(skip), []
        for tok in self.decode(ids):
            if tok == end:
                break
            if tok not in skip:
                out.append(tok)
        return out

    @property
    def fingerprint(self) -> str:
        """A short hash of the token list: two vocabularies match iff their fingerprints do."""
        return hashlib.sha256("\x00".join(self.itos).encode("utf-8")).hexdigest()[:16]

    def save(self, path: str | Path) -> None:
        """Write the vocabulary as JSON (atomically: a crash never leaves half a file)."""
        atomic_write_text(Path(path), json.dumps({"itos": self.itos}, ensure_ascii=False))

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        """Read a vocabulary written by :meth:`save`."""
        return read_vocab_file(Path(path), "Vocab.save")[1]


def read_vocab_file(path: Path, writer: str) -> tuple[dict, Vocab]:
    """Read a JSON file holding an ``itos`` list: ``(all its fields, the Vocab)``.

    Raises :class:`VocabError` naming ``writer`` (what should have written it) if the
    file is missing or is not such a file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data, Vocab(data["itos"])
    except FileNotFoundError:
        raise VocabError(f"{path} does not exist; write it with {writer}") from None
    except (ValueError, KeyError, TypeError) as err:
        raise VocabError(f"{path} is not a file written by {writer} ({err})") from None
