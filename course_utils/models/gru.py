"""The gated recurrent unit (Cho et al. 2014), written out one gate at a time.

    r_t = sigmoid(x_t W_xr + h_{t-1} W_hr + b_r)               reset gate
    z_t = sigmoid(x_t W_xz + h_{t-1} W_hz + b_z)               update gate
    n_t = tanh(x_t W_xn + b_xn + r_t * (h_{t-1} W_hn + b_hn))  candidate state
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}                      interpolate old and new

The reset gate multiplies ``h_{t-1} W_hn + b_hn`` (bias included), exactly as ``nn.GRU``
does, and the gates are stored in torch's order (r, z, n), so :meth:`GRUCell.copy_to_torch`
gives an identical model. With z_t = 1 the state is copied unchanged: a gradient highway.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from course_utils.models.rnn import check_step


class GRUCell(nn.Module):
    """One GRU step: ``h_t = cell(x_t, h_{t-1})``."""

    state_parts = 1

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        bound = 1 / math.sqrt(hidden_size)  # nn.GRU's initialisation

        def param(*shape):
            return nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))

        self.W_x, self.b_x = param(input_size, 3 * hidden_size), param(3 * hidden_size)
        self.W_h, self.b_h = param(hidden_size, 3 * hidden_size), param(3 * hidden_size)

    def project_input(self, x: torch.Tensor) -> torch.Tensor:
        """x: (..., input_size) -> x W_x + b_x: (..., 3H), the gates' part that ignores the past.

        :func:`rnn_unroll` computes it for all time steps in one matrix product.
        """
        return x @ self.W_x + self.b_x

    def gates(self, x_t: torch.Tensor, h_prev: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The gate activations (r, z, n), each (B, hidden_size)."""
        return self.gates_from(self.project_input(x_t), h_prev)

    def gates_from(self, xw_t: torch.Tensor, h_prev: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The gates (r, z, n) from the projected input xw_t (B, 3H) and h_prev (B, H)."""
        xr, xz, xn = xw_t.chunk(3, dim=1)  # (B, H) each
        hr, hz, hn = (h_prev @ self.W_h + self.b_h).chunk(3, dim=1)
        r = torch.sigmoid(xr + hr)  # how much of the past may shape the candidate
        z = torch.sigmoid(xz + hz)  # how much of the past to keep as it is
        n = torch.tanh(xn + r * hn)  # the candidate new state
        return r, z, n

    def forward(self, x_t: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        """x_t: (B, input_size), h_prev: (B, H) -> h_t: (B, H)."""
        check_step(self, x_t, h_prev)
        return self.step(self.project_input(x_t), h_prev)

    def step(self, xw_t: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        """One step from the projected input xw_t (B, 3H) and h_prev (B, H) -> h_t (B, H)."""
        _, z, n = self.gates_from(xw_t, h_prev)
        return (1 - z) * n + z * h_prev

    @torch.no_grad()
    def copy_to_torch(self, gru: nn.GRU) -> nn.GRU:
        """Copy these weights into a one-layer ``nn.GRU`` (gate order r, z, n there too)."""
        gru.weight_ih_l0.copy_(self.W_x.T)
        gru.weight_hh_l0.copy_(self.W_h.T)
        gru.bias_ih_l0.copy_(self.b_x)
        gru.bias_hh_l0.copy_(self.b_h)
        return gru
