"""What graded test cells use: comparisons that say expected vs got, and a ban on shortcuts.

A failed test must tell the student what was expected and what came back, never the test's
code (the grader shows the assertion's message only). ``forbid`` replaces the library
functions an exercise must not delegate to with ones that raise, for the duration of the
check, so `return torch.nn.functional.softmax(...)` or `return pkg.rnn_unroll(...)` fails
with a message that names what was forbidden.

    with forbid("torch.softmax", "torch.Tensor.softmax", "torch.nn.functional.softmax"):
        got = my_attention(q, k, v)
    expect_close(got, expected, "attention output")
"""

from __future__ import annotations

import contextlib
import importlib
import math
from collections.abc import Iterator

import torch


def _summary(value) -> str:
    if isinstance(value, torch.Tensor):
        shape = tuple(value.shape)
        if value.numel() <= 6:
            return f"tensor {value.detach().cpu().tolist()} (shape {shape}, {value.dtype})"
        flat = value.detach().double().cpu().flatten()
        return (
            f"a tensor of shape {shape} ({value.dtype}) starting "
            f"{[round(v, 4) for v in flat[:4].tolist()]}"
        )
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def expect_close(got, expected, what: str, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Fail with "what: expected ..., got ..." unless ``got`` is numerically ``expected``."""
    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            raise AssertionError(f"{what}: expected a tensor, got {type(got).__name__}")
        if tuple(got.shape) != tuple(expected.shape):
            raise AssertionError(
                f"{what}: expected shape {tuple(expected.shape)}, got shape {tuple(got.shape)}"
            )
        got_d, exp_d = got.detach().double().cpu(), expected.detach().double().cpu()
        if not torch.allclose(got_d, exp_d, atol=atol, rtol=rtol, equal_nan=False):
            worst = (got_d - exp_d).abs().max().item()
            raise AssertionError(
                f"{what}: expected {_summary(expected)}, got {_summary(got)} "
                f"(largest difference {worst:.3g})"
            )
        return
    try:
        ok = math.isclose(float(got), float(expected), rel_tol=rtol, abs_tol=atol)
    except (TypeError, ValueError):
        raise AssertionError(
            f"{what}: expected a number close to {expected!r}, got {_summary(got)}"
        ) from None
    if not ok:
        raise AssertionError(f"{what}: expected {expected!r}, got {_summary(got)}")


def expect_equal(got, expected, what: str) -> None:
    """Fail with "what: expected ..., got ..." unless ``got == expected`` (tensors: exactly)."""
    if isinstance(expected, torch.Tensor):
        same = (
            isinstance(got, torch.Tensor)
            and got.shape == expected.shape
            and bool((got.cpu() == expected.cpu()).all())
        )
    else:
        same = got == expected
    if not same:
        raise AssertionError(f"{what}: expected {_summary(expected)}, got {_summary(got)}")


def _resolve(dotted: str):
    # "torch.nn.functional.softmax" -> (the module or class holding it, "softmax")
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name)
        return owner, parts[-1]
    raise ValueError(f"cannot find {dotted!r} to forbid it")


@contextlib.contextmanager
def forbid(*dotted: str) -> Iterator[None]:
    """Within the block, calling any of ``dotted`` (e.g. "torch.nn.LSTMCell") raises.

    A ``"__main__.name"`` the notebook has not defined is left out: nothing can call it (the
    grader skips lecture cells no test or answer needs, see needed.py)."""
    saved = []
    try:
        for name in dotted:
            owner, attr = _resolve(name)
            if owner.__name__ == "__main__" and not hasattr(owner, attr):
                continue
            original = getattr(owner, attr)

            def banned(*args, _name=name, **kwargs):
                raise AssertionError(
                    f"this exercise must be written without {_name}: compute it yourself"
                )

            saved.append((owner, attr, original))
            setattr(owner, attr, banned)
        yield
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)
