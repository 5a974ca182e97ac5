"""Where code runs: device choice, seeding for reproducible runs, and the size knob.

Every notebook starts with ``set_seed(...)`` and ``device = get_device()`` and passes
``device`` on explicitly; nothing in the package assumes CUDA.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass

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

    A GPU user runs ``COURSE_SCALE=4 make lab`` and gets the same story with better
    models: each notebook grows its steps, training data and widths with it (:class:`Scale`).
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


@dataclass(frozen=True)
class Scale:
    """What ``COURSE_SCALE`` grows, in a notebook's config: ``scale = Scale.from_env()``.

    The factor multiplies the compute of the training runs, so scale 2 takes about twice as
    long. A bigger budget buys a better model only if what limits the model grows with it,
    so it is shared out as for a compute-optimal model (Hoffmann et al. 2022): steps and
    training data grow as sqrt(factor) (more steps over the same text would only overfit
    it), widths as factor^(1/4) (parameters as sqrt(factor)), and the learning rate decays
    to settle at the end. Below 1 (the grader's quick runs) only the steps shrink, by the
    factor itself, so the exercises see the course's data and shapes.
    """

    factor: float = 1.0

    @classmethod
    def from_env(cls) -> Scale:
        """The scale ``COURSE_SCALE`` asks for (see :func:`course_scale`)."""
        return cls(course_scale())

    def steps(self, n: int) -> int:
        """Optimizer steps (or characters trained on): n * factor below 1, n * sqrt(factor)
        above; at least 1."""
        grow = self.factor if self.factor < 1 else math.sqrt(self.factor)
        return max(1, round(n * grow))

    def data(self, n: int, available: int | None = None) -> int:
        """Training examples (or characters): n * sqrt(factor) above 1, at most ``available``."""
        grown = round(n * math.sqrt(max(self.factor, 1.0)))
        return grown if available is None else min(grown, available)

    def width(self, n: int) -> int:
        """A hidden width: n * factor^(1/4) above 1, a multiple of 8 (fast matrix kernels)."""
        if self.factor <= 1:
            return n
        return max(8, 8 * round(n * self.factor**0.25 / 8))

    def lr_decay(self) -> str:
        """The schedule: "cosine" above 1 (a long run settles at a small rate); at 1 and
        below "none", the constant rate each notebook's comparisons were checked with."""
        return "cosine" if self.factor > 1 else "none"
