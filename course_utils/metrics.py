"""Language-model metrics, all derived from the mean negative log-likelihood in nats.

For a held-out text of N tokens, ``nll = -(1/N) * sum_t log p(x_t | x_<t)`` is the
length-normalised log-likelihood (Jurafsky & Martin, ch. 3). Perplexity ``exp(nll)`` is
the effective number of equally likely choices the model hesitates between at each
step; bits per character ``nll / ln 2`` is the same number as a compression rate.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from course_utils.errors import ShapeError


def cross_entropy_nats(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean negative log-likelihood in nats.

    logits: (..., vocab_size) float, targets: (...) int64 ids -> scalar tensor.
    """
    if logits.shape[:-1] != targets.shape:
        raise ShapeError(
            f"logits {tuple(logits.shape)} must be targets {tuple(targets.shape)} "
            "plus one trailing vocab dimension"
        )
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def perplexity(nll_nats: float) -> float:
    """Perplexity from mean NLL in nats: ``exp(nll)``."""
    return math.exp(nll_nats)


def bits_per_token(nll_nats: float) -> float:
    """Mean NLL in bits: ``nll / ln 2`` (bits per character for a character model)."""
    return nll_nats / math.log(2)


bits_per_char = bits_per_token


def nll_from_perplexity(ppl: float) -> float:
    """Inverse of :func:`perplexity`."""
    return math.log(ppl)


def per_char_nll(nll_per_token: float, tokens: int, chars: int) -> float:
    """Convert NLL per token to NLL per character, so tokenizations can be compared fairly.

    The text's total log-likelihood does not depend on how it was cut into tokens;
    dividing by characters instead of tokens gives a tokenizer-independent number.
    """
    return nll_per_token * tokens / chars
