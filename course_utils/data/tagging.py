"""Generated sentences with named-entity tags, for a many-to-many (sequence-tagging) RNN.

Each token gets one of the BIO tags of CoNLL-2003 NER (Tjong Kim Sang & De Meulder
2003): ``B-PER`` begins a person's name, ``I-PER`` continues it, likewise ``B-LOC`` /
``I-LOC`` for places, and ``O`` is outside any entity. Sentences are filled-in
templates with names and places from a seeded ``faker.Faker``; nothing is downloaded.

The data is built so that *context on both sides* matters:

* some templates open with a person (``Jordan lives in Troy .``), others with a place
  (``Jordan is where Troy grew up .``), equally often;
* :data:`AMBIGUOUS_NAMES` are word forms that are both first names and well-known
  places (Jordan, Austin, Charlotte, ...), used in both roles equally often.

A left-to-right tagger must tag a sentence-initial ``Jordan`` before it has seen
``lives in`` or ``is where``: for those tokens it can do no better than a coin flip.
A bidirectional tagger (Schuster & Paliwal 1997) reads the words after it as well.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from course_utils.data.padding import IGNORE_INDEX, PAD, pad_sequences
from course_utils.data.vocab import Vocab
from course_utils.errors import DatasetError, ShapeError, VocabError

TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC")  # tag id i is TAGS[i]

# First names in faker's en_US list that are also well-known places (a country, US states
# and cities, English counties and towns, a French city): the same word, two tags.
AMBIGUOUS_NAMES = (
    "Alexandria",
    "Austin",
    "Charlotte",
    "Chelsea",
    "Cheyenne",
    "Devon",
    "Eugene",
    "Franklin",
    "Jackson",
    "Jordan",
    "Kent",
    "Madison",
    "Nancy",
    "Regina",
    "Savannah",
    "Sydney",
    "Troy",
    "Tyler",
    "Victoria",
    "Virginia",
)

# The entity comes first and the words that tell its type come after it ...
_PER_FIRST = (
    "{PER} lives in {LOC} .",
    "{PER} was born in {LOC} .",
    "{PER} and {PER} met in {LOC} .",
    "{PER} said that {LOC} is lovely in spring .",
)
_LOC_FIRST = (
    "{LOC} is where {PER} grew up .",
    "{LOC} is not far from {LOC} .",
    "{LOC} elected {PER} as its mayor .",
    "{LOC} , the home town of {PER} , was flooded .",
)
# ... or the context comes first (a left-to-right tagger is as good as a bidirectional one).
_CONTEXT_FIRST = (
    "yesterday {PER} flew from {LOC} to {LOC} .",
    "the mayor of {LOC} , {PER} , resigned .",
    "we drove to {LOC} with {PER} .",
    "in {LOC} , {PER} met {PER} .",
    "a letter from {PER} arrived in {LOC} .",
    "people in {LOC} still remember {PER} .",
)
TEMPLATES = _PER_FIRST + _LOC_FIRST + _CONTEXT_FIRST


def _faker(locale: str, seed: int):
    from faker import Faker  # imported here: slow, and only this data set needs it

    try:
        fake = Faker(locale)
    except AttributeError:  # faker's way of saying "no such locale"
        raise DatasetError(
            f"unknown locale {locale!r}: faker has no data for it; try 'en_US'"
        ) from None
    fake.seed_instance(seed)
    return fake


def make_tagging_data(
    n: int, seed: int, locale: str = "en_US", p_ambiguous: float = 0.3
) -> list[tuple[list[str], list[str]]]:
    """``n`` tagged sentences: ``(tokens, tags)`` pairs of equal length, tags from :data:`TAGS`.

    ``p_ambiguous`` is the chance that a first name or a place is drawn from
    :data:`AMBIGUOUS_NAMES` (English, whatever the locale). Templates are drawn uniformly,
    so sentences open with a person or with a place equally often. The same
    ``(n, seed, locale, p_ambiguous)`` gives the same sentences.
    """
    if n < 1:
        raise ValueError(f"n (number of sentences) must be at least 1, got {n}")
    if not 0.0 <= p_ambiguous <= 1.0:
        raise ValueError(f"p_ambiguous is a probability in [0, 1], got {p_ambiguous}")
    fake = _faker(locale, seed)
    rng = fake.random  # faker's own seeded random.Random: one stream for everything

    def person() -> list[str]:
        first = rng.choice(AMBIGUOUS_NAMES) if rng.random() < p_ambiguous else fake.first_name()
        return first.split() + (fake.last_name().split() if rng.random() < 0.5 else [])

    def place() -> list[str]:
        if rng.random() < p_ambiguous:
            return [rng.choice(AMBIGUOUS_NAMES)]
        # States ("New Mexico", "Bayern") where the locale has them, else cities ("Port Jennifer").
        use_state = hasattr(fake, "state") and rng.random() < 0.3
        return (fake.state() if use_state else fake.city()).split()

    data = []
    for _ in range(n):
        tokens, tags = [], []
        for word in rng.choice(TEMPLATES).split():
            if word in ("{PER}", "{LOC}"):
                kind = word[1:4]
                entity = person() if kind == "PER" else place()
                tokens += entity
                tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(entity) - 1)
            else:
                tokens.append(word)
                tags.append("O")
        data.append((tokens, tags))
    return data


def spans(tags: Sequence[str]) -> set[tuple[str, int, int]]:
    """The entities a BIO tag sequence marks, as ``(type, start, end)`` with ``end`` exclusive.

    An ``I-X`` that does not continue an ``X`` entity (after ``O`` or another type) starts
    a new one, as in the conlleval script: ``["I-PER", "I-PER"]`` -> ``{("PER", 0, 2)}``.
    """
    found, kind, start = set(), None, 0
    for i, tag in enumerate([*tags, "O"]):  # a final "O" closes the last entity
        prefix, label = "O", None
        if tag != "O":
            prefix, sep, label = tag.partition("-")
            if prefix not in ("B", "I") or not sep or not label:
                raise ValueError(
                    f"tag {tag!r} at position {i} is not 'O', 'B-<type>' or 'I-<type>'"
                )
        if kind is not None and not (prefix == "I" and label == kind):
            found.add((kind, start, i))  # the open entity ends before position i
            kind = None
        if prefix == "B" or (prefix == "I" and kind is None):
            kind, start = label, i
    return found


def tagging_vocab(data: Sequence[tuple[list[str], list[str]]], min_freq: int = 1) -> Vocab:
    """A word vocabulary over the sentences: ``<unk>`` (id 0), ``<pad>`` (id 1), then words."""
    return Vocab.build((w for tokens, _ in data for w in tokens), [PAD], min_freq=min_freq)


def encode_tagged(
    data: Sequence[tuple[list[str], list[str]]], vocab: Vocab
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sentences -> ids (N, L) int64 padded with ``<pad>``, tag ids (N, L) int64, lengths (N,).

    Tag ids are padded with -100 (``IGNORE_INDEX``): ``F.cross_entropy`` skips those by
    default, and a metric that forgets the mask fails loudly instead of scoring padding.
    Words missing from ``vocab`` become ``<unk>``.
    """
    if PAD not in vocab:
        raise VocabError(f"the vocabulary has no {PAD!r} token; build it with tagging_vocab")
    for i, (tokens, tags) in enumerate(data):
        if len(tokens) != len(tags):
            raise ShapeError(f"sentence {i} has {len(tokens)} tokens but {len(tags)} tags")
    ids, lengths = pad_sequences([vocab.encode(tokens) for tokens, _ in data], vocab.stoi[PAD])
    tag_id = {tag: i for i, tag in enumerate(TAGS)}
    unknown = sorted({t for _, tags in data for t in tags} - set(TAGS))
    if unknown:
        raise ValueError(f"tags {unknown[:5]} are not among TAGS = {TAGS}")
    tag_ids, _ = pad_sequences([[tag_id[t] for t in tags] for _, tags in data], IGNORE_INDEX)
    return ids, tag_ids, lengths
