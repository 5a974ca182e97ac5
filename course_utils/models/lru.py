"""The Linear Recurrent Unit: a diagonal, complex, linear RNN with stable eigenvalues
(Orvieto et al. 2023, "Resurrecting Recurrent Neural Networks for Long Sequences",
arXiv:2303.06349).

    x_t = lambda * x_{t-1} + gamma * (u_t B),    y_t = Re(x_t C) + D * u_t

Notebook 03 found that a linear recurrence's gradient falls or grows like |lambda|^k. The LRU
writes each eigenvalue as ``lambda = exp(-exp(nu) + i exp(theta))``, so ``|lambda| =
exp(-exp(nu)) < 1`` for every value of the parameter ``nu``: training cannot make it explode.
It starts the radii in a ring ``[r_min, r_max]`` near 1 (long memory) and scales the input by
``gamma = sqrt(1 - |lambda|^2)``, so a unit near the circle does not blow its state up. The
state is diagonal, so the recurrence is ``scan.py``'s, over complex numbers.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from course_utils.models.scan import scan_parallel


class LRU(nn.Module):
    """u (B, T, H) -> y (B, T, H), through a complex diagonal state of N units."""

    def __init__(
        self,
        hidden_size: int,
        state_size: int,
        r_min: float = 0.9,  # the ring the eigenvalues' radii start in
        r_max: float = 0.999,
        max_phase: float = math.pi / 10,  # their angles start in [0, max_phase]
        seed: int = 0,
    ):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        u1, u2 = torch.rand(state_size, generator=gen), torch.rand(state_size, generator=gen)
        radius_sq = u1 * (r_max**2 - r_min**2) + r_min**2  # uniform on the ring's area
        self.nu_log = nn.Parameter(torch.log(-0.5 * torch.log(radius_sq)))
        self.theta_log = nn.Parameter(torch.log(max_phase * u2 + 1e-8))
        scale_b = 1 / math.sqrt(2 * hidden_size)
        self.B_re = nn.Parameter(torch.randn(hidden_size, state_size, generator=gen) * scale_b)
        self.B_im = nn.Parameter(torch.randn(hidden_size, state_size, generator=gen) * scale_b)
        scale_c = 1 / math.sqrt(state_size)
        self.C_re = nn.Parameter(torch.randn(state_size, hidden_size, generator=gen) * scale_c)
        self.C_im = nn.Parameter(torch.randn(state_size, hidden_size, generator=gen) * scale_c)
        self.D = nn.Parameter(torch.randn(hidden_size, generator=gen))
        self.state_size = state_size

    def eigenvalues(self) -> torch.Tensor:
        """lambda: (N,) complex, |lambda| = exp(-exp(nu)) < 1 whatever nu is."""
        return torch.exp(torch.complex(-torch.exp(self.nu_log), torch.exp(self.theta_log)))

    def _inputs(self, u: torch.Tensor) -> torch.Tensor:
        lam = self.eigenvalues()
        gamma = torch.sqrt(1 - lam.abs() ** 2)  # (N,): keeps a long memory from blowing up
        return torch.complex(u @ self.B_re, u @ self.B_im) * gamma  # (..., N)

    def readout(self, x: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        """y = Re(x C) + D u: states x (..., N) complex and inputs u (..., H) -> (..., H)."""
        return (x.real @ self.C_re - x.imag @ self.C_im) + self.D * u

    def states(self, u: torch.Tensor, x0: torch.Tensor | None = None) -> torch.Tensor:
        """Parallel mode's states. u: (B, T, H), x0: (B, N) complex or None -> x: (B, T, N)."""
        b = self._inputs(u)  # (B, T, N) complex
        return scan_parallel(self.eigenvalues().expand_as(b), b, x0)  # a_t = lambda for every t

    def forward(self, u: torch.Tensor, x0: torch.Tensor | None = None) -> torch.Tensor:
        """Parallel mode. u: (B, T, H), x0: (B, N) complex or None -> y: (B, T, H)."""
        return self.readout(self.states(u, x0), u)

    def step(self, u_t: torch.Tensor, x_prev: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Sequential mode: u_t (B, H), x_prev (B, N) complex -> (y_t (B, H), x_t (B, N))."""
        x = self.eigenvalues() * x_prev + self._inputs(u_t)
        return self.readout(x, u_t), x
