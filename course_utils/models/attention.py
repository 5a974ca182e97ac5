"""Attention: a weighted average of the encoder's states, with weights the decoder computes.

At decoder step t, a **score** e_tj says how relevant source position j is to the query
s (the decoder's state); a softmax over j turns the scores into weights a_tj that sum to
1, and the **context** c_t = sum_j a_tj h_j is fed to the decoder. Two score functions:

* additive (Bahdanau, Cho & Bengio 2015): e_tj = v^T tanh(W_s s + W_h h_j)
* dot-product (Luong, Pham & Manning 2015, their "general" form): e_tj = (W_q s)^T h_j,
  divided by sqrt(d) as in Vaswani et al. 2017 so the softmax does not saturate as d grows.

Padding positions get weight 0 (their score is set to -inf before the softmax). The
projection of the encoder states that does not depend on the query (W_h h_j) is computed
once per source by ``keys``, not at every decoder step.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from course_utils.errors import ShapeError


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis with masked-out positions at exactly 0.

    scores: (B, S) float, mask: (B, S) bool, True at real positions -> weights (B, S).
    """
    if scores.shape != mask.shape:
        raise ShapeError(f"scores {tuple(scores.shape)} and mask {tuple(mask.shape)} differ")
    if not bool(mask.any(dim=-1).all()):
        raise ShapeError(
            "a row of the mask has no real position: an empty source has nothing to attend to"
        )
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


class AdditiveAttention(nn.Module):
    """Bahdanau attention: e_j = v^T tanh(W_s s + W_h h_j)."""

    def __init__(self, query_size: int, memory_size: int, attention_size: int):
        super().__init__()
        self.W_s = nn.Linear(query_size, attention_size, bias=False)
        self.W_h = nn.Linear(memory_size, attention_size)  # one bias is enough: they are added
        self.v = nn.Linear(attention_size, 1, bias=False)

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        """memory: (B, S, M) encoder states -> keys (B, S, A), computed once per source."""
        return self.W_h(memory)

    def forward(self, query, keys, memory, mask):
        """query (B, Q), keys (B, S, A), memory (B, S, M) -> context (B, M), weights (B, S)."""
        scores = self.v(torch.tanh(self.W_s(query)[:, None, :] + keys)).squeeze(-1)  # (B, S)
        weights = masked_softmax(scores, mask)
        return torch.einsum("bs,bsm->bm", weights, memory), weights


class DotAttention(nn.Module):
    """Luong's "general" attention, scaled: e_j = (W_q s)^T h_j / sqrt(M)."""

    def __init__(self, query_size: int, memory_size: int, attention_size: int | None = None):
        super().__init__()
        self.W_q = nn.Linear(query_size, memory_size, bias=False)  # query into the memory's space
        self.scale = 1 / math.sqrt(memory_size)

    def keys(self, memory: torch.Tensor) -> torch.Tensor:
        """The keys are the encoder states themselves: (B, S, M)."""
        return memory

    def forward(self, query, keys, memory, mask):
        """query (B, Q), keys = memory (B, S, M) -> context (B, M), weights (B, S)."""
        scores = torch.einsum("bm,bsm->bs", self.W_q(query), keys) * self.scale  # (B, S)
        weights = masked_softmax(scores, mask)
        return torch.einsum("bs,bsm->bm", weights, memory), weights


ATTENTION = {"additive": AdditiveAttention, "dot": DotAttention}
