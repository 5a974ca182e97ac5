"""Undo a submission's tampering with what the tests compare with, before each graded test.

The grader runs ``snapshot()`` in a submission's kernel before any of the student's cells, and
``restore()`` right before every graded test cell. Between the two, a submission may have
replaced ``torch.allclose`` by ``lambda *a, **k: True``, rebound ``np`` to a fake module,
overwritten a builtin such as ``all`` or ``isinstance``, or installed an IPython exception
handler that swallows failures; ``restore()`` puts the originals back, so a test checks the
student's code with the real comparisons. (The grader also reads each test's outcome from the
kernel protocol, not from the display, and flags submissions whose code reaches for the
grader's or IPython's machinery for a person to read: see ``suspicious``.)
"""

from __future__ import annotations

import builtins
import importlib
import re
import sys
import types

# Modules whose attributes the tests rely on, and aliases the notebooks bind them to.
MODULES = (
    "math",
    "numpy",
    "numpy.testing",
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.testing",
    "course_utils.grading.checks",
)
ALIASES = {
    "np": "numpy",
    "torch": "torch",
    "nn": "torch.nn",
    "F": "torch.nn.functional",
    "math": "math",
}
_saved: dict = {}


def snapshot() -> None:
    """Remember the modules, their attributes, the builtins and the exception hooks."""
    _saved["builtins"] = dict(builtins.__dict__)
    _saved["modules"] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        _saved["modules"][name] = (module, dict(vars(module)))
    import torch

    _saved["tensor"] = dict(vars(torch.Tensor))
    _saved["hooks"] = (sys.excepthook, sys.displayhook, sys.gettrace(), sys.getprofile())
    shell = _shell()
    if shell is not None:
        _saved["shell"] = (shell.CustomTB, shell.custom_exceptions, type(shell).showtraceback)


def restore() -> None:
    """Put back everything ``snapshot`` saw; rebind the usual module aliases to the real ones."""
    builtins.__dict__.update(_saved["builtins"])
    for name, (module, attributes) in _saved["modules"].items():
        sys.modules[name] = module
        for key, value in attributes.items():
            if getattr(module, key, None) is not value:
                setattr(module, key, value)
    import torch

    for key, value in _saved["tensor"].items():
        if torch.Tensor.__dict__.get(key) is not value and not key.startswith("__dict"):
            try:
                setattr(torch.Tensor, key, value)
            except (AttributeError, TypeError):  # read-only slots cannot have been changed
                pass
    sys.excepthook, sys.displayhook, trace, profile = _saved["hooks"]
    sys.settrace(trace)
    sys.setprofile(profile)
    shell = _shell()
    if shell is not None and "shell" in _saved:
        shell.CustomTB, shell.custom_exceptions, showtraceback = _saved["shell"]
        shell.__dict__.pop("showtraceback", None)  # an instance attribute overrides the class's
        type(shell).showtraceback = showtraceback
        namespace = shell.user_ns
        for alias, module in ALIASES.items():
            real = _saved["modules"][module][0]
            value = namespace.get(alias, real)
            # "F" may be a student's variable; "np", "torch", "nn", "math" are never anything else
            if value is not real and (alias != "F" or isinstance(value, types.ModuleType)):
                namespace[alias] = real
        namespace["__builtins__"] = builtins


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # not in IPython: nothing to restore there
        return None
    return get_ipython()


# What an exercise never needs, and tampering does: flagged for a person, points unchanged.
SUSPICIOUS = {
    "get_ipython": r"\bget_ipython\b",
    "set_custom_exc": r"set_custom_exc",
    "sys.modules": r"\bsys\s*\.\s*modules\b",
    "builtins": r"\b__builtins__\b|\bimport\s+builtins\b",
    "ctypes": r"\bctypes\b",
    "gc": r"\bgc\s*\.\s*get_(objects|referrers)\b",
    "os._exit": r"\bos\s*\.\s*_exit\b",
    "tracing hooks": r"\bsys\s*\.\s*(settrace|setprofile|excepthook)\b",
    "the process table": r"/proc\b",
    "the grader": r"course_utils\s*\.\s*grading\b(?!\s*\.\s*checks)|BEGIN HIDDEN",
    "the solution path": r"__file__",
}


def suspicious(sources: list[str]) -> list[str]:
    """Which of SUSPICIOUS the given cell sources reach for (sorted names)."""
    text = "\n".join(sources)
    return sorted(name for name, pattern in SUSPICIOUS.items() if re.search(pattern, text))
