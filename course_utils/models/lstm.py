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


def activate(pre: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Pre-activations (B, 4H) in the order (i, f, g, o) -> the four gates, each (B, H)."""
    i, f, g, o = pre.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)


class LSTMPointwise(torch.autograd.Function):
    """Everything of an LSTM step after the matrix product, with its backward by hand.

    Forward: pre (B, 4H), c_prev (B, H) -> h, c (B, H). Backward, from dh and dc:
        dc_total = dc + dh * o * (1 - tanh(c)^2)         c reaches the loss directly and via h
        do = dh * tanh(c)        di = dc_total * g        dg = dc_total * i
        df = dc_total * c_prev   dc_prev = dc_total * f   (the additive path: no squashing)
    and each gate's pre-activation gets its gradient times the non-linearity's derivative:
    s (1 - s) for a sigmoid s, 1 - t^2 for a tanh t. Checked against autograd in the tests.
    """

    @staticmethod
    def forward(ctx, pre: torch.Tensor, c_prev: torch.Tensor):
        i, f, g, o = activate(pre)
        c = f * c_prev + i * g  # keep some old memory, write some new
        tanh_c = torch.tanh(c)
        h = o * tanh_c  # show part of the memory to the next layer
        ctx.save_for_backward(i, f, g, o, c_prev, tanh_c)
        return h, c

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dh: torch.Tensor, dc: torch.Tensor):
        i, f, g, o, c_prev, tanh_c = ctx.saved_tensors
        dc = dc + dh * o * (1 - tanh_c * tanh_c)
        d_pre = torch.cat(
            [
                dc * g * i * (1 - i),  # input gate
                dc * c_prev * f * (1 - f),  # forget gate
                dc * i * (1 - g * g),  # candidate
                dh * tanh_c * o * (1 - o),  # output gate
            ],
            dim=1,
        )  # (B, 4H)
        return d_pre, dc * f


class LSTMSequence(torch.autograd.Function):
    """All T steps of an LSTM layer after the input projection, with BPTT written out.

    Forward: xw (B, T, 4H) = x_t W_x + b for every step, h0, c0 (B, H), W_h (H, 4H)
    -> hs (B, T, H) (every h_t) and c_T (B, H). The forward is the step loop of
    :class:`LSTMPointwise`; the backward runs the same equations in reverse, and is fast
    for the reason ``nn.LSTM`` is: whatever does not depend on the gradient arriving from
    the future (the gates' derivatives, the weight gradient) is computed for all steps at
    once, so only ``dh_{t-1} = d_pre_t W_h^T`` and the cell-state path stay sequential.
    """

    @staticmethod
    def forward(ctx, xw, h0, c0, W_h):
        H = h0.shape[1]
        h, c = h0, c0
        hs, cs, acts = [], [], []
        for xw_t in xw.unbind(1):
            pre = torch.addmm(xw_t, h, W_h)  # (B, 4H)
            act = torch.sigmoid(pre)  # i, f, o; the g block is overwritten with its tanh
            torch.tanh(pre[:, 2 * H : 3 * H], out=act[:, 2 * H : 3 * H])
            i, f, g, o = act.chunk(4, dim=1)
            c = torch.addcmul(f * c, i, g)  # f * c_prev + i * g
            h = o * torch.tanh(c)
            hs.append(h)
            cs.append(c)
            acts.append(act)
        # Saved time-major, (T, B, .): the backward reads one time step as one contiguous block.
        hs, cs, acts = torch.stack(hs), torch.stack(cs), torch.stack(acts)
        ctx.save_for_backward(hs, cs, acts, h0, c0, W_h)
        return hs.transpose(0, 1).contiguous(), c  # (B, T, H), (B, H)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, d_hs, d_c_last):
        hs, cs, acts, h0, c0, W_h = ctx.saved_tensors  # (T, B, H), (T, B, H), (T, B, 4H)
        T, B, H = hs.shape
        i, f, g, o = acts.chunk(4, dim=2)  # each (T, B, H)
        c_prev = torch.cat([c0[None], cs[:-1]])  # (T, B, H)
        h_prev = torch.cat([h0[None], hs[:-1]])
        tanh_c = torch.tanh(cs)
        # The local derivatives of every step, at once (they depend on the forward only):
        via_h = o * (1 - tanh_c * tanh_c)  # dc_t per unit of dh_t, through h = o tanh(c)
        local = torch.cat(  # d pre per unit of (dc_t, dc_t, dc_t, dh_t): (T, B, 4H)
            [g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g), tanh_c * o * (1 - o)], 2
        )
        d_hs = d_hs.transpose(0, 1)  # (T, B, H)
        W_hT = W_h.T.contiguous()
        d_pre = torch.empty_like(acts)  # (T, B, 4H)
        dh_next, dc = torch.zeros_like(h0), d_c_last
        for t in reversed(range(T)):  # the part that must run backwards in time
            dh = d_hs[t] + dh_next
            dc = torch.addcmul(dc, dh, via_h[t])
            torch.mul(torch.cat([dc, dc, dc, dh], 1), local[t], out=d_pre[t])
            dc = dc * f[t]  # the additive path: dc_{t-1} = dc_t * f_t
            dh_next = d_pre[t] @ W_hT  # (B, H)
        d_W_h = h_prev.reshape(-1, H).T @ d_pre.reshape(-1, 4 * H)  # one product for all t
        return d_pre.transpose(0, 1), dh_next, dc, d_W_h


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
        return activate(pre)

    def gates(self, x_t: torch.Tensor, h_prev: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The four gate activations (i, f, g, o), each (B, hidden_size)."""
        return self.gates_from(self.project_input(x_t), h_prev)

    def step(self, xw_t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        """One step from the projected input xw_t (B, 4H) and state (h, c) -> new (h, c).

        The same equations as :meth:`gates_from` and the two lines of the module docstring,
        run by :class:`LSTMPointwise`, whose backward is written out by hand: one autograd
        node for the gate arithmetic instead of about ten. A whole sequence goes through
        :meth:`unroll` instead, whose backward also batches the weight gradient.
        """
        h_prev, c_prev = state
        pre = torch.addmm(xw_t, h_prev, self.W_h)  # (B, 4H)
        if torch.is_grad_enabled():
            return LSTMPointwise.apply(pre, c_prev)
        i, f, g, o = activate(pre)  # inference: the same two lines, nothing kept for backward
        c = torch.addcmul(f * c_prev, i, g)
        return o * torch.tanh(c), c

    def unroll(self, xw: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        """Every step from xw (B, T, 4H) = project_input(x) -> hs (B, T, H), last (h, c).

        What :func:`rnn_unroll` calls: the same steps as :meth:`step`, with the backward
        of :class:`LSTMSequence`.
        """
        if not torch.is_grad_enabled():  # inference: nothing to save for a backward
            hs = []
            for xw_t in xw.unbind(1):
                state = self.step(xw_t, state)
                hs.append(state[0])
            return torch.stack(hs, dim=1), state
        hs, c = LSTMSequence.apply(xw, *state, self.W_h)
        return hs, (hs[:, -1], c)

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

    @torch.no_grad()
    def copy_from_torch(self, lstm: nn.LSTM, layer: int = 0) -> LSTMCell:
        """Copy layer ``layer`` of a (trained) ``nn.LSTM`` into this cell, to read its gates."""
        self.W_x.copy_(getattr(lstm, f"weight_ih_l{layer}").T)  # torch stores (4H, D)
        self.W_h.copy_(getattr(lstm, f"weight_hh_l{layer}").T)
        self.b.copy_(getattr(lstm, f"bias_ih_l{layer}") + getattr(lstm, f"bias_hh_l{layer}"))
        return self
