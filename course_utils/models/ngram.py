"""A count-based n-gram language model with add-k smoothing: the baseline to beat.

    P(w | context) = (count(context, w) + k) / (count(context) + k * V)

where the context is the previous ``order - 1`` tokens (Jurafsky & Martin, ch. 3).
Counting is vectorised with NumPy: each n-gram of ids is packed into one integer.
"""

from __future__ import annotations

import math

import numpy as np

from course_utils.errors import DatasetError


class NGramLM:
    """An add-k smoothed n-gram model over integer token ids."""

    def __init__(self, order: int, vocab_size: int, k: float = 0.1):
        if order < 1:
            raise ValueError(f"order must be >= 1, got {order}")
        if k <= 0:
            raise ValueError(f"k must be > 0 so unseen n-grams keep some probability, got {k}")
        if vocab_size**order >= 2**62:
            raise ValueError(
                f"vocab_size={vocab_size} ** order={order} overflows the packed "
                "n-gram keys; use a smaller order or vocabulary"
            )
        self.order, self.vocab_size, self.k = order, vocab_size, k
        self._grams = self._contexts = None

    def _keys(self, ids: np.ndarray, n: int) -> np.ndarray:
        """Pack every window of ``n`` consecutive ids into one int64 (base vocab_size)."""
        windows = np.lib.stride_tricks.sliding_window_view(ids, n)  # (N - n + 1, n)
        powers = self.vocab_size ** np.arange(n - 1, -1, -1, dtype=np.int64)
        return windows @ powers

    def _check_range(self, ids: np.ndarray) -> None:
        """Raise ValueError for ids outside the vocabulary: they would pack into wrong keys."""
        if ids.min() < 0 or ids.max() >= self.vocab_size:
            raise ValueError(
                f"ids must lie in [0, {self.vocab_size}) (vocab_size={self.vocab_size}); got "
                f"{ids.min()}..{ids.max()}; encode the text with the tokenizer the model was fit on"
            )

    def fit(self, ids) -> NGramLM:
        """Count n-grams and their contexts in a training sequence of ids."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) < self.order:
            raise DatasetError(f"{len(ids)} training tokens are fewer than order={self.order}")
        self._check_range(ids)
        self._grams = np.unique(self._keys(ids, self.order), return_counts=True)
        if self.order > 1:
            # Contexts are counted where they are followed by a token, to match the grams.
            self._contexts = np.unique(self._keys(ids[:-1], self.order - 1), return_counts=True)
        else:
            self._contexts = (np.zeros(1, np.int64), np.array([len(ids)]))
        return self

    @staticmethod
    def _lookup(table, keys: np.ndarray) -> np.ndarray:
        known, counts = table
        pos = np.clip(np.searchsorted(known, keys), 0, len(known) - 1)
        return np.where(known[pos] == keys, counts[pos], 0)

    def nll(self, ids) -> float:
        """Mean NLL (nats per token) of ``ids[order-1:]``, each given its context."""
        if self._grams is None:
            raise RuntimeError("call fit(...) before nll(...)")
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) < self.order:
            raise DatasetError(f"{len(ids)} tokens are fewer than order={self.order}")
        self._check_range(ids)
        grams = self._lookup(self._grams, self._keys(ids, self.order))
        if self.order > 1:
            contexts = self._lookup(self._contexts, self._keys(ids[:-1], self.order - 1))
        else:
            contexts = np.full(len(grams), self._contexts[1][0])
        probs = (grams + self.k) / (contexts + self.k * self.vocab_size)
        return float(-np.log(probs).mean())

    def perplexity(self, ids) -> float:
        """``exp(nll)``: the effective number of choices per token."""
        return math.exp(self.nll(ids))


def select_ngram(
    train_ids, valid_ids, vocab_size: int, orders=(1, 2, 3, 4, 5, 6), ks=(1.0, 0.1, 0.01)
) -> tuple[NGramLM, dict[tuple[int, float], float]]:
    """Fit every (order, k) on train and keep the one with the best validation NLL.

    Returns the best model and ``{(order, k): validation nll}`` for a table.
    """
    scores, best = {}, None
    for order in orders:
        for k in ks:
            model = NGramLM(order, vocab_size, k).fit(train_ids)
            scores[(order, k)] = model.nll(valid_ids)
            if best is None or scores[(order, k)] < scores[(best.order, best.k)]:
                best = model
    return best, scores
