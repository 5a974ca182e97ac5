"""The long short-term memory cell (Hochreiter & Schmidhuber 1997, with the forget gate
of Gers et al. 2000), written out one gate at a time.

    i_t = sigmoid(x_t W_xi + h_{t-1} W_hi + b_i)     input gate: how much new to write
    f_t = sigmoid(x_t W_xf + h_{t-1} W_hf + b_f)     forget gate: how much memory to keep
    g_t = tanh(x_t W_xg + h_{t-1} W_hg + b_g)        candidate: what could be written
    o_t = sigmoid(x_t W_xo + h_{t-1} W_ho + b_o)     output gate: how much memory to show
    c_t = f_t * c_{t-1} + i_t * g_t                  the cell state: a running sum
    h_t = o_t * tanh(c_t)

The four gates' weights are stored side by side in the order (i, f, g, o): the same
order ``nn.LSTM`` uses, so :meth:`LSTMCell.copy_to_torch` is a transpose and a copy. The
additive update of ``c_t`` is what lets gradients flow across many steps: along the cell
state, dc_t/dc_{t-1} = f_t, with no squashing non-linearity in between.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from course_utils.models.rnn import check_step


class LSTMCell(nn.Module):
    """One LSTM step: ``(h_t, c_t) = cell(x_t, (h_{t-1}, c_{t-1}))``."""

    state_parts = 2  # the state is the pair (h, c)

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        bound = 1 / math.sqrt(hidden_size)  # nn.LSTM's initialisation
        self.W_x = nn.Parameter(torch.empty(input_size, 4 * hidden_size).uniform_(-bound, bound))
        self.W_h = nn.Parameter(torch.empty(hidden_size, 4 * hidden_size).uniform_(-bound, bound))
        self.b = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-bound, bound))

    def project_input(self, x: torch.Tensor) -> torch.Tensor:
        """x: (..., input_size) -> x W_x + b: (..., 4H), the gates' part that ignores the past.

        It does not depend on h, so :func:`rnn_unroll` computes it for all time steps in one
        matrix product before the loop: only the recurrent part is sequential.
        """
        return x @ self.W_x + self.b

    def gates_from(self, xw_t: torch.Tensor, h_prev: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The gates from the projected input xw_t (B, 4H) and h_prev (B, H): (i, f, g, o)."""
        pre = torch.addmm(xw_t, h_prev, self.W_h)  # xw_t + h_prev W_h: (B, 4H), one kernel
        H = self.hidden_size
        # One sigmoid over all four blocks is cheaper than three small ones (the g block's
        # sigmoid is simply not used): at these sizes each operation's fixed cost dominates.
        i, f, _, o = torch.sigmoid(pre).chunk(4, dim=1)  # gates in (0, 1), each (B, H)
        g = torch.tanh(pre[:, 2 * H : 3 * H])  # the candidate, in (-1, 1)
        return i, f, g, o

    def gates(self, x_t: torch.Tensor, h_prev: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The four gate activations (i, f, g, o), each (B, hidden_size)."""
        return self.gates_from(self.project_input(x_t), h_prev)

    def step(self, xw_t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        """One step from the projected input xw_t (B, 4H) and state (h, c) -> new (h, c)."""
        h_prev, c_prev = state
        i, f, g, o = self.gates_from(xw_t, h_prev)
        c = torch.addcmul(f * c_prev, i, g)  # f * c_prev + i * g: keep some, write some new
        h = o * torch.tanh(c)  # show part of the memory to the next layer
        return h, c

    def forward(self, x_t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        """x_t: (B, input_size), state: (h, c) each (B, H) -> new (h, c)."""
        check_step(self, x_t, *state)
        return self.step(self.project_input(x_t), state)

    @torch.no_grad()
    def copy_to_torch(self, lstm: nn.LSTM) -> nn.LSTM:
        """Copy these weights into a one-layer ``nn.LSTM`` (gate order i, f, g, o there too)."""
        lstm.weight_ih_l0.copy_(self.W_x.T)
        lstm.weight_hh_l0.copy_(self.W_h.T)
        lstm.bias_ih_l0.copy_(self.b)
        lstm.bias_hh_l0.zero_()  # torch has two biases; their sum plays the role of ours
        return lstm
