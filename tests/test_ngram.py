import math

import numpy as np
import pytest

from course_utils import DatasetError, NGramLM, select_ngram

TRAIN = [0, 1, 2, 0, 1, 2, 0, 2, 1, 0, 1, 2, 3, 0, 1]


@pytest.mark.parametrize(
    "context", [[], [0], [3], [4], [0, 1], [2, 3], [4, 4]], ids=lambda c: f"context{c}"
)
def test_next_token_probabilities_sum_to_one(context):
    V = 5  # token 4 never occurs: [4] and [4, 4] are unseen contexts
    model = NGramLM(len(context) + 1, vocab_size=V, k=0.3).fit(TRAIN)
    probs = [math.exp(-model.nll(context + [w])) for w in range(V)]
    assert sum(probs) == pytest.approx(1.0)


def test_unigram_add_k_by_hand():
    model = NGramLM(1, vocab_size=3, k=0.5).fit([0, 0, 1])
    # P(w) = (count(w) + k) / (N + k V) = (c + 0.5) / 4.5
    assert model.nll([0]) == pytest.approx(-math.log(2.5 / 4.5))
    assert model.nll([2]) == pytest.approx(-math.log(0.5 / 4.5))
    assert model.nll([0, 2]) == pytest.approx(-(math.log(2.5 / 4.5) + math.log(0.5 / 4.5)) / 2)


def test_bigram_by_hand():
    model = NGramLM(2, vocab_size=3, k=1.0).fit([0, 1, 0, 2, 0])
    # context 0 is followed by 1 and 2 (twice in all): P(1 | 0) = (1 + 1) / (2 + 3)
    assert model.nll([0, 1]) == pytest.approx(-math.log(2 / 5))
    assert model.perplexity([0, 1]) == pytest.approx(5 / 2)


def test_higher_order_fits_training_text_better():
    text = np.tile([0, 1, 2, 3, 2, 1], 20)
    nlls = [NGramLM(n, vocab_size=4, k=0.01).fit(text).nll(text) for n in (1, 2, 3)]
    assert nlls[0] > nlls[1] > nlls[2]


def test_select_ngram_picks_best_validation_nll():
    train, valid = np.tile([0, 1, 2, 3, 2, 1], 20), np.tile([0, 1, 2, 3, 2, 1], 3)
    best, scores = select_ngram(train, valid, 4, orders=(1, 2, 3), ks=(1.0, 0.01))
    assert set(scores) == {(n, k) for n in (1, 2, 3) for k in (1.0, 0.01)}
    assert (best.order, best.k) == min(scores, key=scores.get) == (3, 0.01)
    assert best.nll(valid) == scores[(3, 0.01)]


@pytest.mark.parametrize(
    "args, message",
    [((0, 5), "order must be"), ((2, 5, 0.0), "k must be > 0"), ((7, 1000), "overflows")],
)
def test_bad_constructor_args(args, message):
    with pytest.raises(ValueError, match=message):
        NGramLM(*args)


def test_bad_fit_and_nll_input():
    with pytest.raises(DatasetError, match="fewer than order=3"):
        NGramLM(3, 5).fit([1, 2])
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\)"):
        NGramLM(2, 5).fit([1, 2, 5])
    with pytest.raises(RuntimeError, match="fit"):
        NGramLM(2, 5).nll([1, 2])
    with pytest.raises(DatasetError, match="fewer than order=3"):
        NGramLM(3, 5).fit([1, 2, 3]).nll([1, 2])
