"""Recurrent networks for the usage patterns beyond language modelling, on ``torch.nn``.

The same recurrent layer (``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``) read out in different
ways (Karpathy 2015, "The unreasonable effectiveness of recurrent neural networks"):

* **many-to-one** (an *acceptor*): only the final state is used. :class:`SequenceClassifier`
  (a name -> its language) and :class:`SequenceRegressor` (the adding problem).
* **many-to-many** (a *transducer*): every state is used. :class:`SequenceTagger` (one
  tag per word; bidirectional as in Schuster & Paliwal 1997, Graves & Schmidhuber 2005)
  and :class:`StepwiseModel` (one output per step: copy memory).

Sequences of different lengths share a padded batch. The models take their true
``lengths`` and pack the batch (``pack_padded_sequence``), so the recurrent layer stops
at each sequence's last real token: padding never enters a state, and a sequence gets
the same output however far it was padded.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_utils.data.padding import check_lengths
from course_utils.errors import ShapeError
from course_utils.models.base import CourseModel
from course_utils.models.rnn import check_token_ids, make_recurrent


@dataclass
class ClassifierConfig:
    """Shape of a :class:`SequenceClassifier`."""

    vocab_size: int  # number of token ids (len(tokenizer.vocab))
    n_classes: int  # number of labels (dataset.n_classes)
    embed_size: int = 32  # width of the token embedding
    hidden_size: int = 64  # width of the hidden state, per direction
    num_layers: int = 1  # stacked recurrent layers
    cell: str = "lstm"  # "rnn" (Elman), "lstm" or "gru"
    bidirectional: bool = False  # also read right to left; concatenate both final states
    dropout: float = 0.0  # on embeddings, between stacked layers, before the output layer
    pad_id: int | None = 1  # embedding row kept at zero (name_tokenizer puts <pad> at 1)


@dataclass
class TaggerConfig:
    """Shape of a :class:`SequenceTagger`."""

    vocab_size: int  # number of word ids (len(vocab))
    n_tags: int = 5  # number of tags (len(TAGS) for the BIO entity tags)
    embed_size: int = 32  # width of the word embedding
    hidden_size: int = 64  # width of the hidden state, per direction
    num_layers: int = 1  # stacked recurrent layers
    cell: str = "lstm"  # "rnn" (Elman), "lstm" or "gru"
    bidirectional: bool = False  # True: each position also sees the words after it
    dropout: float = 0.0  # on embeddings, between stacked layers, before the output layer
    pad_id: int | None = 1  # embedding row kept at zero (tagging_vocab puts <pad> at 1)


@dataclass
class RegressorConfig:
    """Shape of a :class:`SequenceRegressor`."""

    input_size: int = 2  # features per step (2 for the adding problem: value, marker)
    hidden_size: int = 64  # width of the hidden state
    num_layers: int = 1  # stacked recurrent layers
    cell: str = "lstm"  # "rnn" (Elman), "lstm" or "gru"


@dataclass
class StepwiseConfig:
    """Shape of a :class:`StepwiseModel`."""

    vocab_size: int = 10  # input and output ids (COPY_VOCAB_SIZE for copy memory)
    embed_size: int = 16  # width of the symbol embedding
    hidden_size: int = 64  # width of the hidden state
    num_layers: int = 1  # stacked recurrent layers
    cell: str = "lstm"  # "rnn" (Elman), "lstm" or "gru"


def final_state(h_n, num_layers: int, bidirectional: bool) -> torch.Tensor:
    """The last layer's final hidden state: (B, H), or (B, 2H) [forward; backward] if bidirectional.

    h_n: as a recurrent layer returns it, (num_layers * directions, B, H), or for an
    LSTM the pair (h_n, c_n), of which h_n is used.
    """
    h = h_n[0] if isinstance(h_n, tuple) else h_n  # LSTM: (h, c) -> h
    directions = 2 if bidirectional else 1
    h = h.view(num_layers, directions, h.shape[1], h.shape[2])[-1]  # (D, B, H): last layer
    return torch.cat(list(h), dim=-1)  # (B, D * H)


class _Readout(CourseModel):
    """What every model here shares: parameter count, config as a dict, id checks."""

    def _check_ids(self, ids: torch.Tensor, lengths: torch.Tensor | None = None) -> None:
        if lengths is not None:
            check_lengths(ids, lengths)
        check_token_ids(ids, self.config.vocab_size)

    def _build_packed(self, config, out_features: int) -> None:
        """Embedding -> (bi)recurrent layers -> dropout -> linear head, from a config."""
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed_size, padding_idx=config.pad_id)
        self.rnn = make_recurrent(
            config.cell,
            config.embed_size,
            config.hidden_size,
            config.num_layers,
            config.dropout,
            config.bidirectional,
        )
        self.drop = nn.Dropout(config.dropout)
        directions = 2 if config.bidirectional else 1
        self.head = nn.Linear(directions * config.hidden_size, out_features)

    def _packed_run(self, ids: torch.Tensor, lengths: torch.Tensor):
        """Embed, pack by length, run the recurrent layer -> (packed outputs, final state)."""
        self._check_ids(ids, lengths)
        x = self.drop(self.embed(ids))  # (B, L, E)
        # Lengths must live on the CPU; enforce_sorted=False sorts and unsorts for us.
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        return self.rnn(packed)


class SequenceClassifier(_Readout):
    """Many-to-one: embedding -> recurrent layers -> final state -> linear -> class logits."""

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self._build_packed(config, out_features=config.n_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """ids: (B, L) int64 padded, lengths: (B,) int64 -> logits (B, n_classes)."""
        _, h_n = self._packed_run(ids, lengths)
        h = final_state(h_n, self.config.num_layers, self.config.bidirectional)  # (B, D*H)
        return self.head(self.drop(h))  # (B, C)


class SequenceTagger(_Readout):
    """Many-to-many: embedding -> (bi)recurrent layers -> linear at every position -> tag logits."""

    def __init__(self, config: TaggerConfig):
        super().__init__()
        self._build_packed(config, out_features=config.n_tags)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """ids: (B, L) int64 padded, lengths: (B,) int64 -> logits (B, L, n_tags).

        Logits at padded positions are the head's bias only: score with
        ``sequence_cross_entropy`` with ``IGNORE_INDEX`` targets there, so they never count.
        """
        packed_out, _ = self._packed_run(ids, lengths)
        out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=ids.shape[1])
        return self.head(self.drop(out))  # (B, L, D*H) -> (B, L, n_tags)


class SequenceRegressor(_Readout):
    """Many-to-one on real-valued inputs: (B, T, F) -> recurrent -> final state -> one number."""

    def __init__(self, config: RegressorConfig):
        super().__init__()
        self.config = config
        self.rnn = make_recurrent(
            config.cell, config.input_size, config.hidden_size, config.num_layers
        )
        self.head = nn.Linear(config.hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, T, input_size) float -> predictions (B,)."""
        if x.dim() != 3 or not x.is_floating_point() or x.shape[1] == 0:
            raise ShapeError(
                f"x must be (batch, time >= 1, features) float, got {tuple(x.shape)} {x.dtype}"
            )
        if x.shape[2] != self.config.input_size:
            raise ShapeError(
                f"x has {x.shape[2]} features per step but the model was built for "
                f"input_size={self.config.input_size}"
            )
        _, h_n = self.rnn(x)  # all sequences have length T: no packing needed
        h = final_state(h_n, self.config.num_layers, bidirectional=False)  # (B, H)
        return self.head(h).squeeze(-1)  # (B,)


class StepwiseModel(_Readout):
    """One output per input step: embedding -> recurrent -> linear at every step (copy memory)."""

    def __init__(self, config: StepwiseConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed_size)
        self.rnn = make_recurrent(
            config.cell, config.embed_size, config.hidden_size, config.num_layers
        )
        self.head = nn.Linear(config.hidden_size, config.vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids: (B, T) int64 -> logits (B, T, vocab_size) (all sequences share length T)."""
        self._check_ids(ids)
        out, _ = self.rnn(self.embed(ids))  # (B, T, H)
        return self.head(out)  # (B, T, V)
