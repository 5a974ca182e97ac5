"""minGRU and minLSTM: gated recurrences whose gates read the input only (Feng et al. 2024,
"Were RNNs All We Needed?", arXiv:2410.01201).

The GRU's update ``h_t = (1 - z_t) h_{t-1} + z_t n_t`` is linear in ``h_{t-1}`` once ``z_t``
and the candidate ``n_t`` stop reading ``h_{t-1}``. Then the layer is a linear recurrence
(``scan.py``): trained in parallel over time, run step by step to generate. Both modes
compute the same numbers; the tests check it in float64.

* minGRU: ``z_t = sigmoid(x_t W_z)``, ``h_t = (1 - z_t) h_{t-1} + z_t g(x_t W_h)``;
* minLSTM: ``f_t, i_t = sigmoid(x_t W_f), sigmoid(x_t W_i)``, normalised to sum to 1,
  ``h_t = f'_t h_{t-1} + i'_t g(x_t W_h)``.

``g`` keeps the candidate positive (``x + 1/2`` for ``x >= 0``, ``sigmoid(x)`` below), so the
parallel mode can work with logarithms (``scan_log``): a product of a thousand gates is
``exp`` of a sum, not a number that underflowed to 0 on the way.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils.models.scan import scan_log


def g(x: torch.Tensor) -> torch.Tensor:
    """The positive candidate: x + 1/2 where x >= 0, sigmoid(x) below (continuous at 0)."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x: torch.Tensor) -> torch.Tensor:
    """log g(x), without taking the log of a sigmoid that underflowed."""
    return torch.where(x >= 0, torch.log(F.relu(x) + 0.5), -F.softplus(-x))


class MinRNN(nn.Module):
    """What minGRU and minLSTM share: the parallel mode, a log-space scan over the
    coefficients ``log a_t, log b_t`` that a subclass computes from the input alone."""

    def coefficients(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        """Parallel mode. x: (B, T, D), h0: (B, H) positive or None (zeros) -> h: (B, T, H)."""
        log_a, log_b = self.coefficients(x)  # (B, T, H) each
        return scan_log(log_a, log_b, None if h0 is None else torch.log(h0))


class MinGRU(MinRNN):
    """minGRU: x (B, T, D) -> h (B, T, H); one linear map gives the gate and the candidate."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.linear = nn.Linear(input_size, 2 * hidden_size)  # [gate k | candidate]

    def coefficients(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """-> log a_t = log(1 - z_t) and log b_t = log(z_t g(n_t)), each (..., H)."""
        k, n = self.linear(x).chunk(2, dim=-1)
        return -F.softplus(k), -F.softplus(-k) + log_g(n)  # log(1 - sigmoid k), log sigmoid k

    def step(self, x_t: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        """Sequential mode, one step: x_t (B, D), h_prev (B, H) -> h_t (B, H)."""
        k, n = self.linear(x_t).chunk(2, dim=-1)
        z = torch.sigmoid(k)
        return (1 - z) * h_prev + z * g(n)


class MinLSTM(MinRNN):
    """minLSTM: x (B, T, D) -> h (B, T, H); forget and input gate normalised to sum to 1."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.linear = nn.Linear(input_size, 3 * hidden_size)  # [forget | input | candidate]

    def coefficients(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """-> log f'_t and log(i'_t g(n_t)), each (..., H), with f' = f / (f + i)."""
        k_f, k_i, n = self.linear(x).chunk(3, dim=-1)
        diff = F.softplus(-k_f) - F.softplus(-k_i)  # log(i / f)
        return -F.softplus(diff), -F.softplus(-diff) + log_g(n)

    def step(self, x_t: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        """Sequential mode, one step: x_t (B, D), h_prev (B, H) -> h_t (B, H)."""
        k_f, k_i, n = self.linear(x_t).chunk(3, dim=-1)
        f, i = torch.sigmoid(k_f), torch.sigmoid(k_i)
        return (f * h_prev + i * g(n)) / (f + i)
