"""The Elman recurrent network (Elman 1990), from scratch and on ``torch.nn``.

    h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)        (the cell: one time step)
    y_t = h_t W_hy + b_y                              (the output layer)

:class:`ElmanCell` + :func:`rnn_unroll` are the teaching version, written one step at a
time; :class:`RNNLM` is the language model used for training, on the fused ``nn.RNN``
kernel (or ``nn.LSTM`` / ``nn.GRU``), with the same weights layout so the two can be
compared number for number (:meth:`ElmanCell.copy_to_torch`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn

from course_utils.errors import ShapeError
from course_utils.models.base import CourseModel


class ElmanCell(nn.Module):
    """One Elman step: ``h_t = tanh(x_t W_xh + h_{t-1} W_hh + b)``, written out."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        # Same initialisation as nn.RNN: uniform(-1/sqrt(H), 1/sqrt(H)).
        bound = 1 / math.sqrt(hidden_size)
        self.W_xh = nn.Parameter(torch.empty(input_size, hidden_size).uniform_(-bound, bound))
        self.W_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-bound, bound))
        self.b = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))

    def forward(self, x_t: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        """x_t: (B, input_size), h_prev: (B, hidden_size) -> h_t: (B, hidden_size)."""
        check_step(self, x_t, h_prev)
        return torch.tanh(x_t @ self.W_xh + h_prev @ self.W_hh + self.b)

    @torch.no_grad()
    def copy_to_torch(self, rnn: nn.RNN) -> nn.RNN:
        """Copy these weights into a one-layer ``nn.RNN`` (which stores them transposed).

        nn.RNN computes ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``: two biases where we
        have one, so ours goes into ``b_ih`` and ``b_hh`` is zero.
        """
        rnn.weight_ih_l0.copy_(self.W_xh.T)
        rnn.weight_hh_l0.copy_(self.W_hh.T)
        rnn.bias_ih_l0.copy_(self.b)
        rnn.bias_hh_l0.zero_()
        return rnn


def check_step(cell: nn.Module, x_t: torch.Tensor, *state: torch.Tensor) -> None:
    """Raise ShapeError unless x_t is (B, input_size) and each state part (B, hidden_size).

    A cell computes one time step; without this check a whole (B, T, F) sequence would
    broadcast silently into a (B, T, H) "state".
    """
    if x_t.dim() != 2 or x_t.shape[1] != cell.input_size:
        hint = (
            "; a whole sequence (batch, time, features) goes through rnn_unroll(cell, x)"
            if x_t.dim() == 3
            else ""
        )
        raise ShapeError(
            f"{type(cell).__name__} takes one time step x_t of shape (batch, input_size="
            f"{cell.input_size}), got {tuple(x_t.shape)}{hint}"
        )
    want = (x_t.shape[0], cell.hidden_size)
    for part in state:
        if part.shape != want:
            raise ShapeError(
                f"{type(cell).__name__}'s previous state must be (batch, hidden_size) = {want}, "
                f"got {tuple(part.shape)}"
            )


def check_token_ids(x: torch.Tensor, vocab_size: int) -> None:
    """Raise ShapeError unless x is (batch, time >= 1) int64 ids in 0..vocab_size-1."""
    if x.dim() != 2 or x.dtype != torch.int64:
        raise ShapeError(f"x must be (batch, time) int64 token ids, got {tuple(x.shape)} {x.dtype}")
    if x.shape[1] == 0:
        raise ShapeError("x has 0 time steps; a sequence needs at least one token")
    low, high = int(x.min()), int(x.max())
    if low < 0 or high >= vocab_size:
        raise ShapeError(
            f"token ids must lie in 0..{vocab_size - 1} (vocab_size={vocab_size}), found "
            f"{low}..{high}; encode with the tokenizer the model was built for"
        )


def rnn_unroll(cell: nn.Module, x: torch.Tensor, h0=None):
    """Run ``cell`` over time: the same weights at every step.

    x: (B, T, input_size); h0: the initial state, (B, hidden) or for an LSTM a tuple
    (h, c) of two (B, hidden), or None for zeros
    -> outputs (B, T, hidden) (every h_t) and the last state (shaped like h0).

    A cell with ``project_input`` and ``step`` (LSTMCell, GRUCell) runs through those two, so
    a subclass that changes the step must override ``step``: its ``forward`` is not called.
    """
    if x.dim() != 3:
        raise ShapeError(f"x must be (batch, time, features), got shape {tuple(x.shape)}")
    if x.shape[1] == 0:
        raise ShapeError("x has 0 time steps; a sequence needs at least one")
    weight = next(cell.parameters())
    if x.dtype != weight.dtype:
        raise ShapeError(
            f"x is {x.dtype} but the cell's weights are {weight.dtype}; convert one of them "
            "(e.g. cell.double() or x.float())"
        )
    batch, hidden = x.shape[0], cell.hidden_size
    zeros = x.new_zeros(batch, hidden)
    n_parts = getattr(cell, "state_parts", 1)  # an LSTM carries (h, c)
    state = h0 if h0 is not None else (zeros if n_parts == 1 else (zeros,) * n_parts)
    parts = state if isinstance(state, tuple) else (state,)
    if len(parts) != n_parts or any(p.shape != (batch, hidden) for p in parts):
        want = f"(batch={batch}, hidden={hidden})"
        if n_parts > 1:
            want = f"a tuple of {n_parts} tensors {want}"
        raise ShapeError(f"h0 must be {want}, got {[tuple(p.shape) for p in parts]}")
    # A cell with project_input (LSTM, GRU) splits a step into x_t W_x + b, which does not
    # depend on the past, and the recurrence: the first runs for all T steps in one matrix
    # product (fast), leaving only the recurrence to the loop.
    # unbind, not xw[:, t]: backward then stacks the T gradients once instead of adding each
    # step's into a fresh (B, T, k * H) tensor of zeros (T times the memory traffic).
    if hasattr(cell, "unroll"):  # a layer with its own backward over all steps (LSTMCell)
        return cell.unroll(cell.project_input(x), state)
    fast = hasattr(cell, "project_input")
    inputs = (cell.project_input(x) if fast else x).unbind(1)  # T tensors (B, k * H) or (B, F)
    outputs = []
    for x_t in inputs:
        state = cell.step(x_t, state) if fast else cell(x_t, state)
        outputs.append(state[0] if isinstance(state, tuple) else state)  # h_t: (B, H)
    return torch.stack(outputs, dim=1), state  # (B, T, H), last state


def connectivity_mask(hidden_size: int, kind: str = "full", band: int = 3) -> torch.Tensor:
    """Which entries of W_hh may be non-zero: ``full``, ``diagonal`` or ``banded`` (width ``band``).

    A banded mask lets unit i listen to units i-band//2 .. i+band//2 only (arXiv:1905.12340).
    """
    idx = torch.arange(hidden_size)
    distance = (idx[:, None] - idx[None, :]).abs()
    if kind == "full":
        return torch.ones(hidden_size, hidden_size)
    if kind == "diagonal":
        return (distance == 0).float()
    if kind == "banded":
        return (distance <= band // 2).float()
    raise ValueError(f"connectivity must be 'full', 'diagonal' or 'banded', got {kind!r}")


@dataclass
class RNNLMConfig:
    """Shape of a recurrent language model; saved in checkpoints to rebuild the model."""

    vocab_size: int  # number of token ids (len(tokenizer.vocab))
    embed_size: int = 64  # width of the token embedding fed to the cell
    hidden_size: int = 256  # width of the hidden state h_t
    num_layers: int = 1  # stacked recurrent layers
    cell: str = "rnn"  # "rnn" (Elman), "lstm" or "gru"
    dropout: float = 0.0  # between stacked layers and before the output layer
    connectivity: str = "full"  # W_hh pattern of an Elman RNN: "full", "banded", "diagonal"
    band: int = 3  # width of the band when connectivity == "banded"


CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}  # the fused torch.nn layers, by name


def make_recurrent(
    cell: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    dropout: float = 0.0,
    bidirectional: bool = False,
) -> nn.RNNBase:
    """A batch-first ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` chosen by name."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}")
    return CELLS[cell](
        input_size,
        hidden_size,
        num_layers,
        batch_first=True,
        dropout=dropout if num_layers > 1 else 0.0,
        bidirectional=bidirectional,
    )


class RNNLM(CourseModel):
    """Embedding -> recurrent layers (fused torch.nn kernel) -> linear layer to vocab logits."""

    def __init__(self, config: RNNLMConfig):
        super().__init__()
        if config.connectivity != "full" and config.cell != "rnn":
            raise ValueError("restricted W_hh connectivity is implemented for the Elman 'rnn' only")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed_size)
        self.rnn = make_recurrent(
            config.cell, config.embed_size, config.hidden_size, config.num_layers, config.dropout
        )
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden_size, config.vocab_size)
        if config.connectivity != "full":
            self._restrict_recurrence(
                connectivity_mask(config.hidden_size, config.connectivity, config.band)
            )

    def _restrict_recurrence(self, mask: torch.Tensor) -> None:
        # Zero the forbidden recurrent weights and their gradients. Adam turns a zero
        # gradient into a zero step, so they stay zero while the fused kernel still runs.
        self.register_buffer("hh_mask", mask)
        for layer in range(self.config.num_layers):
            weight = getattr(self.rnn, f"weight_hh_l{layer}")
            with torch.no_grad():
                weight.mul_(mask)
            weight.register_hook(lambda grad: grad * self.hh_mask)

    def forward(self, x: torch.Tensor, state=None):
        """x: (B, T) int64 token ids -> logits (B, T, vocab_size) and the final state."""
        check_token_ids(x, self.config.vocab_size)
        if state is not None:
            self._check_state(state, x.shape[0])
        out, state = self.rnn(self.embed(x), state)  # (B, T, H)
        return self.head(self.drop(out)), state  # (B, T, V)

    def _check_state(self, state, batch: int) -> None:
        expected = (self.config.num_layers, batch, self.config.hidden_size)
        parts = state if isinstance(state, tuple) else (state,)
        n_parts = 2 if self.config.cell == "lstm" else 1  # LSTM carries (h, c)
        if len(parts) != n_parts or any(p.shape != expected for p in parts):
            got = [tuple(p.shape) for p in parts]
            what = "a tuple (h, c) of" if n_parts == 2 else "a tensor of"
            raise ShapeError(
                f"state must be {what} shape (num_layers, batch, hidden_size) = {expected}, "
                f"got {got}; pass the state this model returned, or None to start from zeros"
            )

    def masked_entries(self) -> int:
        """The W_hh entries the connectivity mask holds at zero, in every layer."""
        if not hasattr(self, "hh_mask"):
            return 0
        return int((self.hh_mask == 0).sum()) * self.config.num_layers
