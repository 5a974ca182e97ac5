"""Surnames by language: a small, balanced classification data set, built offline.

The task is the one of the PyTorch "classifying names with a character-level RNN"
tutorial (Robertson): read a surname letter by letter, guess the language it comes
from. The names come from the person providers of the installed ``faker`` package
(``faker.providers.person.<locale>.Provider.last_names``), so nothing is downloaded.

Three choices keep the task honest:

* **unambiguous labels**: a surname listed under several locales (Becker is German
  and French in faker) is dropped from all of them, so every name has one right answer;
* **balanced classes**: exactly ``per_locale`` names per locale, so accuracy is
  comparable with chance, 1 / number of locales;
* **deterministic**: names are sorted before a seeded sample, and each locale is split
  70 / 15 / 15 into train / valid / test, the same on every machine and every run.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from course_utils.data.padding import PAD, pad_sequences
from course_utils.data.tokenizers import CharTokenizer
from course_utils.data.vocab import Vocab
from course_utils.errors import DatasetError, VocabError

# Eight locales with distinct spelling habits; cs_CZ is the smallest (198 surnames once
# names shared with another locale are dropped), which bounds per_locale.
DEFAULT_LOCALES = ("en_US", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "fi_FI", "cs_CZ")
SPLIT = (0.70, 0.15, 0.15)  # train / valid / test fractions, per locale


@dataclass
class NameDataset:
    """Surnames with their locale; label ``i`` means ``labels[i]``."""

    train: list[tuple[str, int]]  # (surname, label index)
    valid: list[tuple[str, int]]
    test: list[tuple[str, int]]
    labels: list[str]  # locale names, e.g. "de_DE"

    @property
    def n_classes(self) -> int:
        return len(self.labels)


def _faker_person_modules():
    import faker.providers.person as person  # imported here: slow, and only this data set needs it

    return person


def surnames(locale: str) -> list[str]:
    """All distinct surnames faker lists for ``locale``, sorted."""
    person = _faker_person_modules()
    available = sorted(m.name for m in pkgutil.iter_modules(person.__path__))
    if locale not in available:
        raise DatasetError(
            f"unknown locale {locale!r}: faker has no person names for it; "
            f"choose from {len(available)} locales such as {', '.join(DEFAULT_LOCALES)}"
        )
    provider = importlib.import_module(f"{person.__name__}.{locale}").Provider
    names = getattr(provider, "last_names", ())
    if isinstance(names, dict):  # some locales weight names by frequency: keep the names
        names = names.keys()
    return sorted(set(names))


def load_names(
    locales: Sequence[str] = DEFAULT_LOCALES, per_locale: int = 180, seed: int = 0
) -> NameDataset:
    """Balanced surname -> locale data: ``per_locale`` names each, split 70/15/15.

    -> :class:`NameDataset` with train / valid / test lists of ``(surname, label)``.
    """
    locales = list(locales)
    if len(locales) < 2 or len(set(locales)) != len(locales):
        raise ValueError(f"locales must name at least two different locales, got {locales}")
    if per_locale < 7:
        raise ValueError(f"per_locale must be at least 7 (one name per split), got {per_locale}")
    by_locale = {loc: surnames(loc) for loc in locales}
    seen = Counter(name for names in by_locale.values() for name in names)
    split = {"train": [], "valid": [], "test": []}
    n_train = round(SPLIT[0] * per_locale)
    n_valid = round(SPLIT[1] * per_locale)
    for label, loc in enumerate(locales):
        unique = [name for name in by_locale[loc] if seen[name] == 1]  # sorted
        if len(unique) < per_locale:
            raise DatasetError(
                f"locale {loc} has only {len(unique)} surnames that no other chosen locale "
                f"shares, fewer than per_locale={per_locale}; use per_locale={len(unique)} "
                "or less, or drop that locale"
            )
        # A string seed is hashed with SHA-512: the same sample on every run and machine.
        chosen = random.Random(f"{seed}:{loc}").sample(unique, per_locale)
        split["train"] += [(name, label) for name in chosen[:n_train]]
        split["valid"] += [(name, label) for name in chosen[n_train : n_train + n_valid]]
        split["test"] += [(name, label) for name in chosen[n_train + n_valid :]]
    rng = random.Random(seed)  # mix the locales, so consecutive minibatches are not one class
    for items in split.values():
        rng.shuffle(items)
    return NameDataset(**split, labels=locales)


def name_tokenizer(names: Sequence[str]) -> CharTokenizer:
    """A character tokenizer fitted on ``names`` with ``<unk>`` (id 0) and ``<pad>`` (id 1)."""
    return CharTokenizer(Vocab.build("".join(names), specials=[PAD]))


def encode_names(
    names: Sequence[str], tokenizer: CharTokenizer
) -> tuple[torch.Tensor, torch.Tensor]:
    """Names -> character ids, padded with the tokenizer's ``<pad>`` id.

    -> ids: (N, L) int64 (characters unseen in training become ``<unk>``),
    lengths: (N,) int64 (L = the longest name). An empty name raises ShapeError.
    """
    if PAD not in tokenizer.vocab:
        raise VocabError(
            f"the tokenizer's vocabulary has no {PAD!r} token to pad with; "
            "build it with name_tokenizer(train_names)"
        )
    return pad_sequences([tokenizer.encode(name) for name in names], tokenizer.vocab.stoi[PAD])
