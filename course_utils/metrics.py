"""Metrics: language-model scores from the mean NLL, and classification / tagging scores.

For a held-out text of N tokens, ``nll = -(1/N) * sum_t log p(x_t | x_<t)`` is the
length-normalised log-likelihood (Jurafsky & Martin, ch. 3). Perplexity ``exp(nll)`` is
the effective number of equally likely choices the model hesitates between at each
step; bits per character ``nll / ln 2`` is the same number as a compression rate.

Classifiers and taggers (notebook 06) are scored by accuracy, a confusion matrix, and
entity-level F1 with exact span matching (Tjong Kim Sang & De Meulder 2003, CoNLL-2003).

Sequence-to-sequence models (notebook 07) are scored against reference sequences: the
token error rate is the Levenshtein (1966) edit distance per reference token (the phoneme
error rate when tokens are phonemes), the sequence error rate the share of outputs with any
mistake, and BLEU (Papineni et al. 2002) the n-gram overlap of translations, computed by
sacrebleu (Post 2018) so the numbers match published ones.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from course_utils.data.padding import IGNORE_INDEX, length_mask
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


def bits_per_char(nll_nats: float) -> float:
    """Mean NLL in bits: ``nll / ln 2`` (bits per character for a character model)."""
    return nll_nats / math.log(2)


def per_char_nll(nll_per_token: float, tokens: int, chars: int) -> float:
    """Convert NLL per token to NLL per character, so tokenizations can be compared fairly.

    The text's total log-likelihood does not depend on how it was cut into tokens;
    dividing by characters instead of tokens gives a tokenizer-independent number.
    """
    return nll_per_token * tokens / chars


# --- Classification and tagging (notebook 06) -------------------------------------------
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


def sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the real positions of padded sequences: the course's one way.

    logits: (B, L, C), targets: (B, L) int64 with ``IGNORE_INDEX`` (-100) at padding, as
    ``encode_tagged``, ``PairVocab.encode_targets`` and ``encode_captions`` make them ->
    scalar tensor: the mean over the real positions, so a batch's loss does not depend
    on how far it was padded.
    """
    if logits.dim() != 3 or logits.shape[:2] != targets.shape:
        raise ShapeError(
            f"logits must be (batch, length, classes) and targets (batch, length); got "
            f"{tuple(logits.shape)} and {tuple(targets.shape)}"
        )
    # float(): a bfloat16 forward (mixed precision) still gets a float32 loss
    return F.cross_entropy(
        logits.float().flatten(0, 1), targets.flatten(), ignore_index=IGNORE_INDEX
    )


def masked_cross_entropy(
    logits: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor
) -> torch.Tensor:
    """Deprecated (kept for one term): :func:`sequence_cross_entropy`, padding given by lengths."""
    warnings.warn(
        "masked_cross_entropy(logits, targets, lengths) is deprecated: pad targets with "
        "IGNORE_INDEX (encode_tagged does) and use sequence_cross_entropy(logits, targets)",
        DeprecationWarning,
        stacklevel=2,
    )
    if lengths.shape != (targets.shape[0],):
        raise ShapeError(f"lengths must be ({targets.shape[0]},), got {tuple(lengths.shape)}")
    real = length_mask(lengths.to(targets.device), targets.shape[1])  # (B, L) True = real
    return sequence_cross_entropy(logits, targets.masked_fill(~real, IGNORE_INDEX))


# --- Sequence outputs (notebook 07) -------------------------------------------------------
# A generated sequence is compared with its reference as a whole: edit distance counts the
# fewest single-token insertions, deletions and substitutions that turn one into the other.


def edit_distance(a: Sequence, b: Sequence) -> int:
    """Levenshtein distance between two sequences (lists of tokens, or strings).

    Insertions, deletions and substitutions cost 1 each; O(len(a) * len(b)) time.
    """
    # prev[j] = distance between a[:i-1] and b[:j]; two rows suffice because row i only
    # looks at row i-1.
    prev = list(range(len(b) + 1))  # a[:0] -> b[:j] takes j insertions
    for i, x in enumerate(a, start=1):
        curr = [i]  # a[:i] -> b[:0] takes i deletions
        for j, y in enumerate(b, start=1):
            curr.append(
                min(
                    prev[j] + 1,  # delete x
                    curr[j - 1] + 1,  # insert y
                    prev[j - 1] + (x != y),  # substitute x by y (free if equal)
                )
            )
        prev = curr
    return prev[-1]


def _check_pairs(hypotheses: Sequence, references: Sequence) -> None:
    """Raise ShapeError unless there is one hypothesis per reference, and at least one."""
    if len(hypotheses) != len(references):
        raise ShapeError(
            f"{len(hypotheses)} hypotheses but {len(references)} references; pass one "
            "hypothesis per reference, in the same order"
        )
    if not references:
        raise ShapeError("no items to score: hypotheses and references are empty")


def token_error_rate(
    hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]]
) -> float:
    """Total edit distance divided by total reference length, over the whole corpus.

    hypotheses, references: one token list per item, pairwise -> float >= 0 (it can pass 1
    when hypotheses are longer than their references). With phonemes as tokens this is
    the phoneme error rate; with characters (plain strings) the character error rate.
    """
    _check_pairs(hypotheses, references)
    n_ref = sum(len(r) for r in references)
    if n_ref == 0:
        raise ValueError("every reference is empty, so the error rate is undefined (0 / 0)")
    return sum(edit_distance(h, r) for h, r in zip(hypotheses, references)) / n_ref


def sequence_error_rate(
    hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]]
) -> float:
    """Fraction of hypotheses that differ from their reference in any token.

    hypotheses, references: one token list per item, pairwise -> float in [0, 1]. In
    grapheme-to-phoneme work this is the word error rate: a word is wrong if any of its
    phonemes is.
    """
    _check_pairs(hypotheses, references)
    wrong = sum(list(h) != list(r) for h, r in zip(hypotheses, references))
    return wrong / len(references)


def bleu(
    hypotheses: Sequence[str],
    references: Sequence[str] | Sequence[Sequence[str]],
    tokenize: str = "13a",
) -> float:
    """Corpus BLEU on the 0-100 scale, computed by sacrebleu.

    hypotheses: one detokenised string per item. references: one string per item, or a
    sequence of several strings per item (the same number for every item), pairwise with
    the hypotheses -> float in [0, 100]. tokenize: sacrebleu's tokenizer; "13a" (the WMT
    standard) for ordinary text, "none" for sequences already split into space-separated
    tokens, such as phonemes ("HH AH0 L OW1"), so that each symbol is one token.
    """
    from sacrebleu.metrics import BLEU  # imported here: only BLEU needs it (slow import)

    _check_pairs(hypotheses, references)
    several = all(isinstance(r, (list, tuple)) for r in references)
    per_item = [list(r) for r in references] if several else [[r] for r in references]
    counts = {len(r) for r in per_item}
    if len(counts) != 1 or 0 in counts:
        raise ShapeError(
            f"every item needs the same number of references (at least one), got {sorted(counts)}"
        )
    texts = [("hypotheses", hypotheses)] + [("references", r) for r in per_item]
    for name, items in texts:
        if not all(isinstance(t, str) for t in items):
            raise TypeError(
                f"{name} must be strings, one per item; join a token list first, e.g. "
                "' '.join(tokens), and pass tokenize='none'"
            )
    if tokenize not in BLEU.TOKENIZERS:
        raise ValueError(f"unknown tokenize={tokenize!r}; choose one of {sorted(BLEU.TOKENIZERS)}")
    streams = [list(stream) for stream in zip(*per_item)]  # sacrebleu: one list per reference
    return BLEU(tokenize=tokenize).corpus_score(list(hypotheses), streams).score
