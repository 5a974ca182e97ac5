"""Where code runs: device choice, seeding for reproducible runs, and the size knob.

Every notebook starts with ``set_seed(...)`` and ``device = get_device()`` and passes
``device`` on explicitly; nothing in the package assumes CUDA.
"""

from __future__ import annotations

import math
import os
import random

import numpy as np
import torch


def get_device(prefer: str | None = None) -> torch.device:
    """Return the fastest available device: CUDA, then Apple MPS, then CPU.

    ``prefer`` (e.g. ``"cpu"``) or the ``COURSE_DEVICE`` environment variable
    overrides the choice, which is handy to compare devices.
    """
    choice = prefer or os.environ.get("COURSE_DEVICE")
    if choice:
        return torch.device(choice)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def float64_device(device: torch.device) -> torch.device:
    """Where float64 checks (gradcheck, parity at 1e-10) run: ``device``, but the CPU for
    Apple's MPS, which has no float64."""
    return torch.device("cpu") if torch.device(device).type == "mps" else torch.device(device)


def set_seed(seed: int, deterministic: bool = True) -> None:
    """Seed Python, NumPy and torch (all CUDA devices too) so runs repeat exactly.

    With ``deterministic=True`` torch is asked for deterministic kernels; ops that
    have none only warn, so the notebooks still run on every device.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    if deterministic:
        # cuBLAS needs this workspace setting to be deterministic on CUDA.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.benchmark = False


def course_scale(default: float = 1.0) -> float:
    """Read the ``COURSE_SCALE`` knob: 1 is the CPU-sized course, larger trains longer/bigger.

    Notebooks multiply their step budgets and model widths by it, so a GPU user runs
    ``COURSE_SCALE=4 make lab`` and gets the same story with better models.
    """
    raw = os.environ.get("COURSE_SCALE", "")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"COURSE_SCALE must be a number like 1 or 4, got {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"COURSE_SCALE must be a positive finite number, got {value}")
    return value
