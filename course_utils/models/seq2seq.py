"""Encoder-decoder (sequence-to-sequence) GRU models, with or without attention.

The **encoder** (a bidirectional GRU, packed so padding never enters a state) reads the
source; its final states, forward and backward, initialise the **decoder** (Sutskever,
Vinyals & Le 2014; Cho et al. 2014). The decoder is a GRU cell run one target token at a
time: it reads the previous token and a **context** vector and predicts the next token.

* ``attention="none"``: the context is the encoder's final summary, the same at every
  step (Cho et al. 2014): the whole source must squeeze through one fixed-size vector.
* ``attention="additive"`` / ``"dot"``: the context is recomputed at every step as an
  attention-weighted average of all encoder states (Bahdanau et al. 2015; Luong et al.
  2015), with the decoder's previous state as the query.

Everything else is identical, so the two can be compared fairly. Training feeds the gold
previous token (**teacher forcing**) with probability ``teacher_forcing``, else the model's
own previous prediction (scheduled sampling, Bengio et al. 2015). For decoding,
``start`` + ``step`` are the step function that :mod:`course_utils.decoding` expects.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_utils.data.padding import check_lengths, length_mask
from course_utils.errors import ShapeError
from course_utils.models.attention import ATTENTION
from course_utils.models.base import CourseModel


@dataclass
class Seq2SeqConfig:
    """Shape of an encoder-decoder; ids of the special target tokens."""

    src_vocab_size: int
    tgt_vocab_size: int
    src_pad_id: int  # padding id of the source vocabulary
    bos_id: int  # target <bos>: the decoder's first input
    eos_id: int  # target <eos>: the decoder's last output
    embed_size: int = 64  # width of both embeddings
    hidden_size: int = 128  # decoder state; the encoder has hidden_size // 2 per direction
    attention: str = "additive"  # "none", "additive" (Bahdanau) or "dot" (Luong)
    attention_size: int = 128  # width of the additive score's hidden layer
    dropout: float = 0.0  # on embeddings and before the output layer

    def __post_init__(self) -> None:
        if self.attention not in ("none", *ATTENTION):
            raise ValueError(
                f"attention must be 'none', 'additive' or 'dot', got {self.attention!r}"
            )
        if self.hidden_size % 2:
            raise ValueError(
                f"hidden_size must be even (two encoder directions), got {self.hidden_size}"
            )


class Seq2Seq(CourseModel):
    """Bidirectional GRU encoder + GRU decoder with an optional attention module."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.config = c = config
        H = c.hidden_size
        self.src_embed = nn.Embedding(c.src_vocab_size, c.embed_size, padding_idx=c.src_pad_id)
        self.encoder = nn.GRU(c.embed_size, H // 2, batch_first=True, bidirectional=True)
        self.init_state = nn.Linear(H, H)  # encoder summary -> the decoder's first state
        self.tgt_embed = nn.Embedding(c.tgt_vocab_size, c.embed_size)
        self.attention = (
            None if c.attention == "none" else ATTENTION[c.attention](H, H, c.attention_size)
        )
        self.cell = nn.GRUCell(c.embed_size + H, H)  # input: [previous token; context]
        self.out = nn.Linear(H + H + c.embed_size, c.tgt_vocab_size)  # from [state; context; token]
        self.dropout = nn.Dropout(c.dropout)

    def start(self, src: torch.Tensor, src_lengths: torch.Tensor) -> tuple:
        """Encode a batch: src (B, S) int64 padded ids, src_lengths (B,) -> the decoder's state.

        The state is a tuple of tensors, each with the batch first, so decoding can select
        and reorder rows: (h (B, H), memory (B, S, H), keys (B, S, A), mask (B, S), summary (B, H)).
        """
        check_lengths(src, src_lengths)
        emb = self.dropout(self.src_embed(src))  # (B, S, E)
        packed = pack_padded_sequence(
            emb, src_lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, h_n = self.encoder(packed)  # h_n: (2, B, H/2), the last real step of each direction
        memory, _ = pad_packed_sequence(
            out, batch_first=True, total_length=src.shape[1]
        )  # (B, S, H)
        summary = torch.cat([h_n[0], h_n[1]], dim=-1)  # (B, H): forward end + backward end
        h = torch.tanh(self.init_state(summary))  # (B, H)
        mask = length_mask(src_lengths.to(src.device), src.shape[1])  # (B, S)
        keys = memory if self.attention is None else self.attention.keys(memory)
        return h, memory, keys, mask, summary

    def _step(self, prev: torch.Tensor, state: tuple):
        """One decoder step: prev (K,) ids -> logits (K, V), new state, weights (K, S) or None."""
        h, memory, keys, mask, summary = state
        emb = self.dropout(self.tgt_embed(prev))  # (K, E)
        if self.attention is None:
            context, weights = summary, None  # the same summary at every step
        else:
            context, weights = self.attention(h, keys, memory, mask)  # (K, H), (K, S)
        h = self.cell(torch.cat([emb, context], dim=-1), h)  # (K, H)
        logits = self.out(self.dropout(torch.cat([h, context, emb], dim=-1)))  # (K, V)
        return logits, (h, memory, keys, mask, summary), weights

    def step(self, prev: torch.Tensor, state: tuple) -> tuple[torch.Tensor, tuple]:
        """The step function for decoding: prev (K,) -> log-probabilities (K, V), new state."""
        logits, state, _ = self._step(prev, state)
        return torch.log_softmax(logits, dim=-1), state

    def forward(
        self,
        src: torch.Tensor,
        src_lengths: torch.Tensor,
        tgt_in: torch.Tensor,
        teacher_forcing: float = 1.0,
        return_attention: bool = False,
    ):
        """Decode a whole target: tgt_in (B, T) = <bos> + target[:-1] -> logits (B, T, V).

        With ``teacher_forcing`` < 1, each later input is the gold token with that
        probability, else the model's own argmax from the step before (drawn from torch's
        global RNG: seed it). ``return_attention=True`` also returns weights (B, T, S).
        """
        if tgt_in.dim() != 2 or tgt_in.shape[0] != src.shape[0]:
            raise ShapeError(
                f"tgt_in must be (batch={src.shape[0]}, time) target ids, got {tuple(tgt_in.shape)}"
            )
        state = self.start(src, src_lengths)
        logits, weights, prev = [], [], tgt_in[:, 0]
        for t in range(tgt_in.shape[1]):
            if t > 0 and teacher_forcing < 1.0:
                use_gold = torch.rand(prev.shape[0], device=prev.device) < teacher_forcing
                prev = torch.where(use_gold, tgt_in[:, t], logits[-1].argmax(-1))
            elif t > 0:
                prev = tgt_in[:, t]
            step_logits, state, step_weights = self._step(prev, state)
            logits.append(step_logits)
            weights.append(step_weights)
        logits = torch.stack(logits, dim=1)  # (B, T, V)
        if not return_attention:
            return logits
        return logits, None if self.attention is None else torch.stack(weights, dim=1)  # (B, T, S)
