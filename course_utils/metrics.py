"""Metrics: language-model scores from the mean NLL, and classification / tagging scores.

For a held-out text of N tokens, ``nll = -(1/N) * sum_t log p(x_t | x_<t)`` is the
length-normalised log-likelihood (Jurafsky & Martin, ch. 3). Perplexity ``exp(nll)`` is
the effective number of equally likely choices the model hesitates between at each
step; bits per character ``nll / ln 2`` is the same number as a compression rate.

Classifiers and taggers (notebook 04) are scored by accuracy, a confusion matrix, and
entity-level F1 with exact span matching (Tjong Kim Sang & De Meulder 2003, CoNLL-2003).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from course_utils.data.padding import length_mask
from course_utils.data.tagging import spans
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


# --- Classification and tagging (notebook 04) -------------------------------------------
# Accuracy and the confusion matrix score one label per item (a name's language); span F1
# scores named entities the way CoNLL-2003 does: an entity counts only if its type and both
# boundaries are right, so tagging every token "O" scores 0, not the share of "O" tags.


def _labels(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Predicted labels shaped like ``target``: ``pred`` is labels already, or logits (argmax)."""
    if pred.dim() == target.dim() + 1 and pred.shape[:-1] == target.shape:
        pred = pred.argmax(dim=-1)  # (..., C) logits -> (...) labels
    if pred.shape != target.shape:
        raise ShapeError(
            f"pred {tuple(pred.shape)} must be labels shaped like target {tuple(target.shape)}, "
            "or logits with one extra trailing class dimension"
        )
    if target.numel() == 0:
        raise ShapeError("no items to score: pred and target are empty")
    return pred


def accuracy(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Fraction of correct labels. pred: (...) labels or (..., C) logits, target: (...) int64."""
    return (_labels(pred, target) == target).float().mean().item()


def confusion_matrix(pred: torch.Tensor, target: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Counts (n_classes, n_classes) int64: row = true class, column = predicted class.

    pred: (...) labels or (..., C) logits, target: (...) int64 labels in 0..n_classes-1.
    """
    pred = _labels(pred, target).flatten()
    target = target.flatten()
    for name, t in (("pred", pred), ("target", target)):
        if bool((t < 0).any()) or bool((t >= n_classes).any()):
            raise ValueError(
                f"{name} holds labels outside 0..{n_classes - 1} (min {int(t.min())}, max "
                f"{int(t.max())}); drop padding (e.g. -100) with a mask, or raise n_classes"
            )
    counts = torch.bincount(target * n_classes + pred, minlength=n_classes * n_classes)
    return counts.view(n_classes, n_classes).to(torch.int64).cpu()


def span_f1(pred_tags: list[list[str]], gold_tags: list[list[str]]) -> dict[str, float]:
    """Exact-match entity precision, recall and F1, micro-averaged over all sentences.

    pred_tags, gold_tags: one BIO tag list per sentence, pairwise of equal length.
    Precision is 0 when nothing is predicted (and recall 0 when there is nothing to find).
    """
    if len(pred_tags) != len(gold_tags):
        raise ShapeError(f"{len(pred_tags)} predicted sentences but {len(gold_tags)} gold ones")
    hits = n_pred = n_gold = 0
    for i, (pred, gold) in enumerate(zip(pred_tags, gold_tags)):
        if len(pred) != len(gold):
            raise ShapeError(
                f"sentence {i}: {len(pred)} predicted tags but {len(gold)} gold tags; "
                "cut predictions to each sentence's length before scoring"
            )
        p, g = spans(pred), spans(gold)
        hits, n_pred, n_gold = hits + len(p & g), n_pred + len(p), n_gold + len(g)
    precision = hits / n_pred if n_pred else 0.0
    recall = hits / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def masked_cross_entropy(
    logits: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor
) -> torch.Tensor:
    """Mean cross-entropy over the real positions only (padding ignored).

    logits: (B, L, C), targets: (B, L) int64 (any value at padding), lengths: (B,) int64
    -> scalar tensor: the mean over sum(lengths) positions, so a batch's loss does not
    depend on how far it was padded.
    """
    if logits.dim() != 3 or logits.shape[:2] != targets.shape:
        raise ShapeError(
            f"logits must be (batch, length, classes) and targets (batch, length); got "
            f"{tuple(logits.shape)} and {tuple(targets.shape)}"
        )
    if lengths.shape != (targets.shape[0],):
        raise ShapeError(f"lengths must be ({targets.shape[0]},), got {tuple(lengths.shape)}")
    mask = length_mask(lengths.to(targets.device), targets.shape[1])  # (B, L) True = real
    return F.cross_entropy(logits[mask], targets[mask])  # (N_real, C) vs (N_real,)
