"""The autonomous Elman network ``h <- tanh(h W)`` as a dynamical system (notebook 04).

With no input, the recurrence of an Elman network is a map of the state space onto itself, and
its weight matrix decides what the state does in the long run:

* a **point attractor**: with spectral radius below 1 every start decays to ``h = 0``; a
  Hopfield-style ``W`` built from stored patterns (Hopfield 1982) has one attractor per
  pattern, and a corrupted pattern relaxes to the stored one (a memory);
* **oscillation**: a complex eigenvalue pair just outside the unit circle makes the origin
  unstable, the rotation keeps turning and ``tanh``'s saturation stops the growth: a closed
  invariant curve (a limit cycle);
* **chaos**: a random ``W`` with entries of variance ``g^2 / H`` is chaotic for gain ``g > 1``
  in large networks (Sompolinsky, Crisanti & Sommers 1988, *Chaos in random neural
  networks*, Phys. Rev. Lett. 61, 259; in continuous time; for discrete time the same
  transition: Molgedey, Schuchhardt & Schuster 1992): nearby starts separate exponentially.

The rate of that separation is the **largest Lyapunov exponent** (Benettin et al. 1980):
push a tangent vector through the Jacobians of the trajectory, renormalise it every step, and
average the log of its growth. In the row convention of the course (``h_t = tanh(h_{t-1} W)``,
so a tangent row vector moves as ``v_t = (v_{t-1} W) * (1 - h_t^2)``, i.e. by the Jacobian
``dh_t/dh_{t-1} = diag(1 - h_t^2) W^T``) these are the very Jacobians whose products carry
a gradient back in time in BPTT: a positive exponent means exploding gradients.

All functions work in the dtype of their inputs (use float64) and accept a batch of matrices
``W: (..., H, H)`` so a sweep over gains and seeds runs as one batched loop.
"""

from __future__ import annotations

import math

import torch


def random_gain_matrix(
    hidden_size: int, gain: float, generator: torch.Generator, dtype=torch.float64
) -> torch.Tensor:
    """W: (H, H) with i.i.d. N(0, gain^2 / H) entries (spectral radius about ``gain``)."""
    z = torch.randn(hidden_size, hidden_size, generator=generator, dtype=dtype)
    return gain * z / math.sqrt(hidden_size)


def rotation_matrix(radius: float, angle: float, dtype=torch.float64) -> torch.Tensor:
    """W: (2, 2) with eigenvalues ``radius * exp(+-i angle)``: a scaled rotation."""
    c, s = math.cos(angle), math.sin(angle)
    return radius * torch.tensor([[c, s], [-s, c]], dtype=dtype)


def run(W: torch.Tensor, h0: torch.Tensor, steps: int) -> torch.Tensor:
    """Iterate h <- tanh(h W). W: (..., H, H), h0: (..., H) -> states (steps + 1, ..., H)."""
    states = [h0]
    for _ in range(steps):
        states.append(torch.tanh((states[-1].unsqueeze(-2) @ W).squeeze(-2)))  # (..., H)
    return torch.stack(states)


def lyapunov_exponent(
    W: torch.Tensor,
    steps: int,
    h0: torch.Tensor | None = None,
    transient: int = 100,
    generator: torch.Generator | None = None,
    v0: torch.Tensor | None = None,
) -> torch.Tensor:
    """Largest Lyapunov exponent (nats per step) of h <- tanh(h W). W: (..., H, H) -> (...).

    ``transient`` steps first bring the state from ``h0`` (random if None) onto its
    attractor; then a tangent vector (``v0``, random if None) is pushed through ``steps``
    Jacobians and renormalised after each, and the logs of its growth factors are averaged.
    Negative: nearby states converge; positive: they separate exponentially (chaos).
    """
    H = W.shape[-1]
    batch = W.shape[:-2]
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    if h0 is None:
        h0 = torch.randn(*batch, H, generator=generator, dtype=W.dtype)
    h = run(W, h0, transient)[-1]  # (..., H)
    v = torch.randn(*batch, H, generator=generator, dtype=W.dtype) if v0 is None else v0
    v = v / v.norm(dim=-1, keepdim=True)
    total = torch.zeros(batch, dtype=W.dtype)
    for _ in range(steps):
        hv = torch.stack([h, v], dim=-2) @ W  # (..., 2, H): one pass over W for both rows
        h = torch.tanh(hv[..., 0, :])  # (..., H)
        v = hv[..., 1, :] * (1 - h**2)  # v dh_t/dh_{t-1} = (v W) diag(1 - h_t^2), row convention
        growth = v.norm(dim=-1, keepdim=True)
        total += growth.squeeze(-1).log()
        v = v / growth  # renormalise: the direction is kept, the size would over/underflow
    return total / steps


def separation(W: torch.Tensor, h0: torch.Tensor, eps: float, steps: int) -> torch.Tensor:
    """Distance between the runs from h0 and from h0 moved by ``eps``. -> (steps + 1, ...).

    W: (..., H, H), h0: (..., H); the displacement has norm ``eps`` along a fixed direction
    (all ones, normalised), so the result is reproducible without a generator.
    """
    d = torch.ones_like(h0)
    d = eps * d / d.norm(dim=-1, keepdim=True)
    return (run(W, h0 + d, steps) - run(W, h0, steps)).norm(dim=-1)


def crossing(xs: list[float], ys: list[float], level: float = 0.0) -> float:
    """First x where the piecewise-linear curve (xs, ys) rises from below ``level`` to it or above.

    nan if it never does (or starts above the level).
    """
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        if y0 < level <= y1:
            return x0 + (x1 - x0) * (level - y0) / (y1 - y0)
    return math.nan


def hopfield_matrix(patterns: torch.Tensor, gain: float) -> torch.Tensor:
    """patterns: (P, H) of +-1 -> W: (H, H) = gain / H * sum_p p^T p, with a zero diagonal.

    Each stored pattern p gives ``p W`` close to ``gain * p`` (plus crosstalk from the others),
    so for gain > 1 the state ``tanh``-saturates along p: one point attractor per memory.
    """
    H = patterns.shape[-1]
    W = gain * patterns.T @ patterns / H  # (H, H): Hebb's rule, outer products summed
    return W - torch.diag(torch.diagonal(W))  # no self-connections


def overlap(h: torch.Tensor, pattern: torch.Tensor) -> torch.Tensor:
    """Share of units whose sign agrees with ``pattern``, in [0, 1]. h, pattern: (..., H)."""
    return (torch.sign(h) == torch.sign(pattern)).to(h.dtype).mean(-1)
