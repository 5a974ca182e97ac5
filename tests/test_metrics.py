import math

import pytest
import torch

from course_utils import ShapeError, bits_per_char, cross_entropy_nats, perplexity
from course_utils.metrics import nll_from_perplexity, per_char_nll


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


def test_perplexity_inverse():
    assert nll_from_perplexity(perplexity(1.7)) == pytest.approx(1.7)


def test_per_char_nll():
    # 10 tokens at 2 nats each = 20 nats of text, spread over 40 characters
    assert per_char_nll(2.0, tokens=10, chars=40) == pytest.approx(0.5)
