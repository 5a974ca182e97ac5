"""A language model of residual blocks around a sequence mixer: minGRU, minLSTM, the LRU, or
causal self-attention over a window (notebook 09's race).

Each block is ``x + mixer(norm(x))`` and then ``x + mlp(norm(x))``, as in a transformer
(Vaswani et al. 2017) and as Feng et al. (2024) and Orvieto et al. (2023) wrap their
recurrences. The recurrent mixers carry a state from one chunk to the next (``forward(x,
state) -> (logits, state)``, like ``RNNLM``), and generate one token at a time from it, so a
generated token costs the same memory however long the text. The attention mixer sees the
last ``window`` tokens and keeps their keys and values: its memory grows with the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils.models.base import CourseModel
from course_utils.models.lru import LRU
from course_utils.models.minrnn import MinGRU, MinLSTM

MIXERS = ("mingru", "minlstm", "lru", "attention")


@dataclass
class BlockLMConfig:
    """Shape of a block language model; every default is the race's at COURSE_SCALE=1."""

    vocab_size: int  # number of token ids
    mixer: str = "mingru"  # one of MIXERS
    width: int = 128  # the residual stream's width (the embedding's too)
    num_layers: int = 2  # blocks
    state_size: int = 128  # LRU: complex state units per block
    heads: int = 4  # attention: heads per block
    window: int = 64  # attention: positions it sees (its learned position table's length)
    mlp_ratio: int = 2  # the MLP's hidden width, in widths


class Attention(nn.Module):
    """Causal self-attention: x (B, T, W) -> (B, T, W), each position over itself and earlier."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, W = x.shape
        q, k, v = (
            t.view(B, T, self.heads, W // self.heads).transpose(1, 2)  # (B, heads, T, W/heads)
            for t in self.qkv(x).chunk(3, dim=-1)
        )
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # the fused kernel
        return self.out(y.transpose(1, 2).reshape(B, T, W))


class Block(nn.Module):
    """x + mixer(norm(x)), then x + mlp(norm(x)); the mixer carries a state if recurrent."""

    def __init__(self, config: BlockLMConfig):
        super().__init__()
        W = config.width
        self.kind = config.mixer
        self.norm1, self.norm2 = nn.LayerNorm(W), nn.LayerNorm(W)
        if config.mixer == "mingru":
            self.mixer = MinGRU(W, W)
        elif config.mixer == "minlstm":
            self.mixer = MinLSTM(W, W)
        elif config.mixer == "lru":
            self.mixer = LRU(W, config.state_size)
        else:
            self.mixer = Attention(W, config.heads)
        self.mlp = nn.Sequential(
            nn.Linear(W, config.mlp_ratio * W), nn.GELU(), nn.Linear(config.mlp_ratio * W, W)
        )

    def forward(self, x: torch.Tensor, state=None):
        """x: (B, T, W) -> (B, T, W), and the state after the last step (None: attention)."""
        z = self.norm1(x)
        if self.kind == "attention":
            mixed, state = self.mixer(z), None
        elif self.kind == "lru":
            states = self.mixer.states(z, state)  # (B, T, N) complex
            mixed, state = self.mixer.readout(states, z), states[:, -1]
        else:
            h = self.mixer(z, state)  # (B, T, W), positive
            mixed, state = h, h[:, -1]
        x = x + mixed
        return x + self.mlp(self.norm2(x)), state


class BlockLM(CourseModel):
    """Embedding (+ positions for attention) -> blocks -> norm -> logits over the vocabulary."""

    def __init__(self, config: BlockLMConfig):
        super().__init__()
        if config.mixer not in MIXERS:
            raise ValueError(f"mixer must be one of {MIXERS}, got {config.mixer!r}")
        if config.mixer == "attention" and config.width % config.heads:
            raise ValueError(f"width {config.width} must be a multiple of heads {config.heads}")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.width)
        if config.mixer == "attention":
            self.position = nn.Embedding(config.window, config.width)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.num_layers))
        self.norm = nn.LayerNorm(config.width)
        self.head = nn.Linear(config.width, config.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x: (B, T) int64 -> logits (B, T, V), state: a tuple (one per block) for the
        recurrent mixers; for attention, the last ``window - 1`` ids, which the next call
        reads as context (so ``generate`` works one token at a time)."""
        if self.config.mixer == "attention":
            return self._attend(x, state)
        h = self.embed(x)  # (B, T, W)
        states = []
        for k, block in enumerate(self.blocks):
            h, s = block(h, None if state is None else state[k])
            states.append(s)
        return self.head(self.norm(h)), tuple(states)

    def _attend(self, x: torch.Tensor, context: torch.Tensor | None):
        seq = x if context is None else torch.cat([context, x], dim=1)  # (B, C + T)
        if seq.shape[1] > self.config.window:
            raise ValueError(
                f"attention sees {self.config.window} positions, got {seq.shape[1]} (context "
                "included): score long texts with evaluate_windowed, train on random windows"
            )
        h = self.embed(seq) + self.position(torch.arange(seq.shape[1], device=x.device))
        for block in self.blocks:
            h, _ = block(h)
        logits = self.head(self.norm(h))[:, -x.shape[1] :]  # (B, T, V): the new tokens only
        return logits, seq[:, -(self.config.window - 1) :]

    def state_bytes(self, batch_size: int = 1) -> int:
        """Memory one generated token needs besides the weights: the recurrent state, or the
        attention cache of the window's keys and values (float32; complex counts twice)."""
        W, L = self.config.width, self.config.num_layers
        if self.config.mixer == "attention":
            return 4 * batch_size * L * 2 * self.config.window * W  # keys and values
        per_block = 2 * self.config.state_size if self.config.mixer == "lru" else W
        return 4 * batch_size * L * per_block
