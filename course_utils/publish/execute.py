"""One execution of a notebook for the slides and the site, cached by content hash.

`make slides` and `make site` both read ``build/executed/NAME.ipynb``. A copy is reused while
its hash matches: the notebook's source, every file of the package, COURSE_SCALE and the
torch version. Change any of them and that notebook runs again; change nothing and neither
builder executes anything.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import nbformat
import torch
from nbclient import NotebookClient

from course_utils.atomic import atomic_write_text

PACKAGE = Path(__file__).resolve().parents[1]  # course_utils/


def source_hash(notebook: Path) -> str:
    """SHA-256 over what the executed outputs depend on (see the module docstring)."""
    h = hashlib.sha256()
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:  # sources only: saved outputs in the working copy do not count
        h.update(cell.cell_type.encode() + b"\0" + cell.source.encode() + b"\0")
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".json"):
            h.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    h.update(f"scale={os.environ.get('COURSE_SCALE', '1')} torch={torch.__version__}".encode())
    return h.hexdigest()


def executed(notebook: Path, out_dir: Path, timeout: int = 900) -> Path:
    """``out_dir/NAME.ipynb``: ``notebook`` with its outputs, run now unless the cache is current.

    The kernel starts in the notebook's folder, as in JupyterLab; it records no results
    (COURSE_RESULTS="") and stores no widget state, so the pages need no widget JavaScript.
    """
    out = out_dir / notebook.name
    key = source_hash(notebook)
    nb = nbformat.read(notebook, as_version=4)
    if out.is_file():
        cached = nbformat.read(out, as_version=4)
        if cached.metadata.get("course", {}).get("source_hash") == key:
            # the same sources, so the same cells: take their metadata (slide types, tags)
            # from the notebook as it is now, where a lecturer may have changed it since
            changed = False
            for cell, now in zip(cached.cells, nb.cells):
                for field in ("slideshow", "tags"):
                    if cell.metadata.get(field) != now.metadata.get(field):
                        cell.metadata.pop(field, None)
                        if field in now.metadata:
                            cell.metadata[field] = now.metadata[field]
                        changed = True
            if changed:
                atomic_write_text(out, nbformat.writes(cached))
            return out
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    client.execute(env={**os.environ, "COURSE_RESULTS": ""})  # this run records nothing
    nb.metadata.setdefault("course", {})["source_hash"] = key
    atomic_write_text(out, nbformat.writes(nb))
    return out
