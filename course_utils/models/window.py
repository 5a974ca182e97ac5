"""A sliding-window feed-forward language model (Bengio et al. 2003).

It predicts token t from the previous ``context`` tokens only: their embeddings are
concatenated and fed to an MLP. Whatever lies further back is invisible, which is the
limitation recurrence removes. It has the same ``forward(x, state)`` interface as the
recurrent models, so the same training loop trains it; its "state" is just the last
``context`` tokens of the previous chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from course_utils.errors import ShapeError
from course_utils.models.base import CourseModel
from course_utils.models.rnn import check_token_ids


@dataclass
class WindowLMConfig:
    """Shape of a sliding-window language model."""

    vocab_size: int  # number of token ids
    context: int = 8  # how many previous tokens the model sees
    embed_size: int = 32  # width of each token embedding
    hidden_size: int = 256  # width of the MLP's hidden layer


class WindowLM(CourseModel):
    """Embeddings of the last ``context`` tokens -> concat -> MLP -> next-token logits."""

    def __init__(self, config: WindowLMConfig):
        super().__init__()
        self.config = config
        # One extra embedding row: the padding token used before the start of the text.
        self.pad_id = config.vocab_size
        self.embed = nn.Embedding(config.vocab_size + 1, config.embed_size, padding_idx=self.pad_id)
        self.mlp = nn.Sequential(
            nn.Linear(config.context * config.embed_size, config.hidden_size),
            nn.Tanh(),
            nn.Linear(config.hidden_size, config.vocab_size),
        )

    def forward(self, x: torch.Tensor, state: torch.Tensor | None = None):
        """x: (B, T) int64 ids -> logits (B, T, V), and the last ``context`` ids as the state."""
        check_token_ids(x, self.config.vocab_size)
        batch, c = x.shape[0], self.config.context
        if state is None:
            state = torch.full((batch, c), self.pad_id, dtype=torch.int64, device=x.device)
        elif state.shape != (batch, c) or state.dtype != torch.int64:
            raise ShapeError(
                f"state must be the last (batch={batch}, context={c}) int64 token ids, "
                f"got {tuple(state.shape)} {state.dtype}; pass the state this model returned"
            )
        padded = torch.cat([state, x], dim=1)  # (B, c + T)
        # windows[:, t] holds the c tokens up to and including x[:, t]
        windows = padded.unfold(1, c, 1)[:, 1:]  # (B, T, c)
        emb = self.embed(windows).flatten(2)  # (B, T, c * E)
        return self.mlp(emb), padded[:, -c:]
