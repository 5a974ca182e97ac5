"""Where fetched and generated data lives: ``data/cache`` of this repository, or elsewhere."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """``data/cache`` of this repository, or ``$COURSE_DATA_DIR`` if set."""
    env = os.environ.get("COURSE_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data" / "cache"
