import math

import pytest
import torch

from course_utils import ShapeError, bits_per_char, cross_entropy_nats, perplexity
from course_utils.metrics import (
    bleu,
    edit_distance,
    per_char_nll,
    sequence_error_rate,
    token_error_rate,
)


def test_uniform_model_has_perplexity_vocab_size():
    V = 37
    nll = cross_entropy_nats(torch.zeros(2, 5, V), torch.randint(V, (2, 5)))
    assert nll.item() == pytest.approx(math.log(V))
    assert perplexity(nll.item()) == pytest.approx(V)


def test_bits_per_char():
    assert bits_per_char(math.log(2)) == pytest.approx(1.0)
    assert bits_per_char(math.log(256)) == pytest.approx(8.0)


def test_cross_entropy_matches_manual_computation():
    gen = torch.Generator().manual_seed(0)
    logits, targets = torch.randn(3, 4, 6, generator=gen), torch.randint(6, (3, 4), generator=gen)
    log_probs = logits.log_softmax(-1).gather(-1, targets[..., None]).squeeze(-1)
    assert cross_entropy_nats(logits, targets).item() == pytest.approx(-log_probs.mean().item())


def test_cross_entropy_shape_mismatch():
    with pytest.raises(ShapeError, match=r"logits \(2, 5, 7\).*targets \(5, 2\)"):
        cross_entropy_nats(torch.zeros(2, 5, 7), torch.zeros(5, 2, dtype=torch.int64))


def test_perplexity_is_exp_of_the_nll():
    assert math.log(perplexity(1.7)) == pytest.approx(1.7)
    assert perplexity(math.log(65)) == pytest.approx(65)  # uniform over 65 characters


def test_per_char_nll():
    # 10 tokens at 2 nats each = 20 nats of text, spread over 40 characters
    assert per_char_nll(2.0, tokens=10, chars=40) == pytest.approx(0.5)


# --- Sequence metrics --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kitten", "sitting", 3),  # two substitutions and one insertion
        ("", "", 0),
        ("", "abc", 3),
        ("abc", "", 3),
        ("flaw", "lawn", 2),
        (["HH", "AH0", "L", "OW1"], ["HH", "EH0", "L", "OW1"], 1),
        (["a", "b", "c"], ["c", "b", "a"], 2),
    ],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance  # symmetric


def test_token_error_rate_is_corpus_level():
    hyps = [["K", "AE1", "T"], ["D", "AO1", "G", "Z"]]
    refs = [["K", "AE1", "T"], ["D", "AO1", "G"]]
    assert token_error_rate(hyps, refs) == pytest.approx(1 / 6)  # one insertion, 6 ref tokens
    assert token_error_rate(refs, refs) == 0.0
    assert token_error_rate(["abcd"], ["abc"]) == pytest.approx(1 / 3)  # strings: character rate


def test_token_error_rate_can_exceed_one():
    assert token_error_rate([["a", "b", "c"]], [["x"]]) == pytest.approx(3.0)


def test_sequence_error_rate():
    hyps = [["K", "AE1", "T"], ["D", "AO1", "G", "Z"], ("B", "IY1")]
    refs = [["K", "AE1", "T"], ["D", "AO1", "G"], ["B", "IY1"]]  # a tuple equals its list
    assert sequence_error_rate(hyps, refs) == pytest.approx(1 / 3)


@pytest.mark.parametrize("metric", [token_error_rate, sequence_error_rate])
def test_sequence_metrics_refuse_bad_input(metric):
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        metric([["a"], ["b"]], [["a"]])
    with pytest.raises(ValueError, match="no items to score"):
        metric([], [])


def test_token_error_rate_refuses_empty_references():
    with pytest.raises(ValueError, match="every reference is empty"):
        token_error_rate([["a"], []], [[], []])


def test_bleu_identical_and_disjoint():
    refs = ["the cat sat on the mat", "a dog barked at the postman"]
    assert bleu(refs, refs) == pytest.approx(100.0)
    assert bleu(["zebras eat grass quietly", "xylophones ring"], refs) == 0.0


def test_bleu_matches_sacrebleu():
    from sacrebleu.metrics import BLEU

    hyps = ["the cat sat on a mat", "a dog barked at postmen"]
    refs = ["the cat sat on the mat", "a dog barked at the postman"]
    expected = BLEU().corpus_score(hyps, [refs]).score
    assert 0 < expected < 100  # a partial match, so the comparison means something
    assert bleu(hyps, refs) == pytest.approx(expected)


def test_bleu_on_pre_tokenised_phonemes():
    from sacrebleu.metrics import BLEU

    hyps = ["HH AH0 L OW1 W ER1 L D", "K AE1 T S"]
    refs = ["HH AH0 L OW1 W ER1 L D", "K AE1 T"]
    expected = BLEU(tokenize="none").corpus_score(hyps, [refs]).score
    assert bleu(hyps, refs, tokenize="none") == pytest.approx(expected)
    assert bleu(refs, refs, tokenize="none") == pytest.approx(100.0)


def test_bleu_refuses_bad_input():
    with pytest.raises(ValueError, match="1 hypotheses but 2 references"):
        bleu(["a b"], ["a b", "c d"])
    with pytest.raises(ValueError, match="no items to score"):
        bleu([], [])
    with pytest.raises(TypeError, match="join a token list"):
        bleu([["a", "b"]], ["a b"])
    with pytest.raises(ValueError, match="unknown tokenize='spaces'"):
        bleu(["a b"], ["a b"], tokenize="spaces")


def test_bleu_with_several_references_per_item():
    from sacrebleu.metrics import BLEU

    hyps = ["a red circle above a blue square", "a small dog"]
    refs = [
        ("a blue square below a red circle", "a red circle above a blue square"),
        ("the small dog", "a little dog"),
    ]
    expected = BLEU().corpus_score(hyps, [[r[0] for r in refs], [r[1] for r in refs]]).score
    assert bleu(hyps, refs) == pytest.approx(expected)
    assert bleu(hyps[:1], refs[:1]) == pytest.approx(100.0)  # matching any reference is enough
    with pytest.raises(ValueError, match="same number of references"):
        bleu(hyps, [("a",), ("b", "c")])
