"""Parallel corpora: sentence pairs read from tab-separated files, and a seeded split.

A parallel corpus pairs each source sentence with its translation, the training data
of sequence-to-sequence models (Sutskever et al. 2014; Cho et al. 2014; Bahdanau et al.
2015). The common exchange format is one pair per line with TAB-separated columns:

* ``source<TAB>target``, possibly followed by extra columns (attribution, licence),
  which are ignored;
* Tatoeba's sentence-pair export, with four columns ``source id, source text, target id,
  target text``: read it with ``source_column=1, target_column=3``.

Every malformed line is an error that names the file and the 1-based line number, so
a bad line in a 100,000-line download can be found and fixed in an editor.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from course_utils.data.lines import numbered_lines
from course_utils.errors import DatasetError

T = TypeVar("T")


@dataclass(frozen=True)
class ParallelPair:
    """One sentence and its translation, with where it came from."""

    source: str
    target: str
    line: int  # 1-based line number in the file, to find the pair again


def _check_columns(source_column: int, target_column: int) -> None:
    """Raise ValueError unless the two column indices are valid and distinct."""
    for name, column in (("source_column", source_column), ("target_column", target_column)):
        if column < 0:
            raise ValueError(
                f"{name} must be >= 0 (columns are counted from 0), got {column}; "
                "for a Tatoeba export use source_column=1, target_column=3"
            )
    if source_column == target_column:
        raise ValueError(
            f"source_column and target_column are both {source_column}; they must name "
            "two different columns"
        )


def _check_no_quoted_tab(text: str, n_fields: int, where: str) -> None:
    """Raise DatasetError if a "quoted" field of the line holds a TAB.

    Fields are read literally (a sentence may begin with a quotation mark), so a
    spreadsheet's quoted TAB would silently split one sentence into two columns. A strict
    CSV reading that succeeds with fewer fields is the sign of it.
    """
    try:
        quoted = next(csv.reader([text], delimiter="\t", strict=True))
    except csv.Error:
        return  # not valid quoting (e.g. '"Hi," he said.'): the quotes are part of the text
    if len(quoted) != n_fields:
        raise DatasetError(
            f"{where}: a quoted field holds a TAB character, which this format reads as a "
            "column separator; replace the TAB inside the quotes with a space, or export the "
            "file without quoting"
        )


def _check_encoding(encoding: str) -> None:
    """Raise ValueError for encodings (UTF-16, UTF-32) where a newline is not the byte 0x0a.

    The file is split into lines as bytes, so that a bad byte can be reported with its
    line number; that is only correct for ASCII-compatible encodings.
    """
    try:
        ok = b"\t\n".decode(encoding) == "\t\n"  # LookupError here for an unknown name
    except UnicodeDecodeError:
        ok = False
    if not ok:
        raise ValueError(
            f"encoding {encoding!r} is not ASCII-compatible (TAB and newline are not single "
            "bytes); re-save the file as UTF-8 and use the default encoding='utf-8'"
        )


def load_parallel_tsv(
    path: str | Path,
    source_column: int = 0,
    target_column: int = 1,
    skip_header: bool = False,
    encoding: str = "utf-8",
) -> list[ParallelPair]:
    """Read sentence pairs from a TAB-separated file, one pair per line.

    path: the file; source_column / target_column: 0-based column indices (other columns
    are ignored); skip_header: drop the first line; encoding: an ASCII-compatible text
    encoding -> list of :class:`ParallelPair` in file order.

    Blank lines are skipped, ``\\r\\n`` line ends are accepted, and each field is stripped
    of surrounding whitespace. Raises :class:`DatasetError` for a missing file, a file
    with no pairs, or a malformed line (the message names the line); ``ValueError`` for
    invalid column indices.
    """
    _check_columns(source_column, target_column)
    _check_encoding(encoding)
    path = Path(path)
    if not path.exists():
        relative = "" if path.is_absolute() else f" (a relative path starts from {Path.cwd()})"
        raise DatasetError(f"{path} does not exist; check the path{relative}")
    if not path.is_file():
        raise DatasetError(f"{path} is not a file; pass the path of the .tsv file itself")
    needed = max(source_column, target_column) + 1
    pairs = []
    # Split the raw bytes on b"\n" and decode line by line: a decoding error then names its
    # line, and str.splitlines() would also split on rare separators such as U+2028.
    fix = (
        f"re-save the file as {encoding}, or pass the encoding it was written in "
        "(e.g. encoding='latin-1')"
    )
    for number, text in numbered_lines(path, encoding, fix):
        if skip_header and number == 1:
            continue
        where = f"{path}, line {number}"
        if not text.strip():
            continue
        fields = text.split("\t")
        if '"' in text:
            _check_no_quoted_tab(text, len(fields), where)
        if len(fields) < needed:
            raise DatasetError(
                f"{where}: found {len(fields)} column(s) but need at least {needed} "
                f"(source_column={source_column}, target_column={target_column}); columns "
                "must be separated by TAB characters, not spaces. For a file with another "
                "layout pass source_column and target_column (a Tatoeba export needs "
                "source_column=1, target_column=3)"
            )
        source, target = fields[source_column].strip(), fields[target_column].strip()
        for name, column, value in (
            ("source", source_column, source),
            ("target", target_column, target),
        ):
            if not value:
                raise DatasetError(
                    f"{where}: the {name} field (column {column}) is empty; every line needs "
                    "a source and a target sentence: fill it in or delete the line"
                )
        pairs.append(ParallelPair(source, target, number))
    if not pairs:
        header = " besides the skipped header" if skip_header else ""
        raise DatasetError(
            f"{path} holds no sentence pairs{header} (it is empty or only blank lines); "
            "give it one 'source<TAB>target' pair per line"
        )
    return pairs


def split_pairs(
    pairs: Sequence[T],
    valid_fraction: float = 0.1,
    test_fraction: float = 0.1,
    seed: int = 0,
) -> tuple[list[T], list[T], list[T]]:
    """Shuffle with a seeded RNG and cut into (train, valid, test) lists.

    pairs: any sequence (usually :class:`ParallelPair`) -> three disjoint lists that
    together hold every item once; the same seed gives the same split on every machine.
    Valid and test get ``round(fraction * len(pairs))`` items each, train the rest.
    Items are split as given: if a source sentence occurs in several pairs (Tatoeba lists
    each translation separately), its copies can land in different splits.
    """
    for name, fraction in (("valid_fraction", valid_fraction), ("test_fraction", test_fraction)):
        if not 0 <= fraction < 1:
            raise ValueError(f"{name} must be in [0, 1), got {fraction}")
    n = len(pairs)
    n_valid, n_test = round(valid_fraction * n), round(test_fraction * n)
    if n_valid + n_test >= n:
        raise ValueError(
            f"valid_fraction={valid_fraction} and test_fraction={test_fraction} leave no "
            f"training data out of {n} pairs; lower the fractions or load more pairs"
        )
    order = list(range(n))
    random.Random(seed).shuffle(order)  # its own RNG: the split ignores global seeding
    shuffled = [pairs[i] for i in order]
    n_train = n - n_valid - n_test
    return shuffled[:n_train], shuffled[n_train : n_train + n_valid], shuffled[n_train + n_valid :]
