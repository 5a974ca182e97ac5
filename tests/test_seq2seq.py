import random

import pytest
import torch
import torch.nn.functional as F

from course_utils.data.pairs import PairVocab
from course_utils.decoding import beam_search, greedy_decode
from course_utils.device import set_seed
from course_utils.errors import ShapeError
from course_utils.models.seq2seq import Seq2Seq, Seq2SeqConfig
from course_utils.train import Batches, TrainConfig, train
from course_utils.translate import attention_map, beam_translate, translate

VOCAB = PairVocab.build([("abcd", "abcd")])


def model(attention="additive", **overrides):
    set_seed(0)
    config = Seq2SeqConfig(
        len(VOCAB.source),
        len(VOCAB.target),
        VOCAB.src_pad_id,
        VOCAB.bos_id,
        VOCAB.eos_id,
        embed_size=8,
        hidden_size=16,
        attention=attention,
        attention_size=8,
        **overrides,
    )
    return Seq2Seq(config).eval()


def batch(sources, targets):
    src, lengths = VOCAB.encode_sources(sources)
    tgt_in, tgt_out = VOCAB.encode_targets(targets)
    return src, lengths, tgt_in, tgt_out


@pytest.mark.parametrize("attention", ["none", "additive", "dot"])
def test_shapes_and_attention_weights(attention):
    src, lengths, tgt_in, _ = batch(["abc", "d"], ["ab", "dcba"])
    logits, weights = model(attention)(src, lengths, tgt_in, return_attention=True)
    assert logits.shape == (2, 5, len(VOCAB.target))
    if attention == "none":
        assert weights is None
    else:
        assert weights.shape == (2, 5, 3)
        assert torch.allclose(weights.sum(-1), torch.ones(2, 5))
        assert (weights[1, :, 1:] == 0).all()  # "d" is one character: the rest is padding


@pytest.mark.parametrize("attention", ["none", "additive", "dot"])
def test_padding_changes_nothing(attention):
    m = model(attention)
    src, lengths, tgt_in, _ = batch(["ab"], ["ba"])
    alone = m(src, lengths, tgt_in)
    src2, lengths2, tgt_in2, _ = batch(["ab", "abcdabcd"], ["ba", "dcba"])
    padded = m(src2, lengths2, tgt_in2)[:1, : tgt_in.shape[1]]
    assert torch.allclose(alone, padded, atol=1e-6)


def test_no_teacher_forcing_feeds_back_the_models_own_argmax():
    m = model()
    src, lengths, _, _ = batch(["abc", "cd"], ["", ""])
    greedy = greedy_decode(m.step, m.start(src, lengths), 2, VOCAB.bos_id, VOCAB.eos_id, 6)
    tgt_in = torch.full((2, 6), VOCAB.bos_id)  # only the <bos> column is read at ratio 0
    tokens = m(src, lengths, tgt_in, teacher_forcing=0.0).argmax(-1)  # (2, 6)
    for row, expected in zip(tokens.tolist(), greedy.tokens):
        assert row[: len(expected)] == expected


def test_config_and_input_errors_are_explained():
    with pytest.raises(ValueError, match="attention"):
        model("luong")
    with pytest.raises(ValueError, match="even"):
        Seq2SeqConfig(9, 9, 1, 2, 3, hidden_size=15)
    m = model()
    src, lengths, tgt_in, _ = batch(["ab"], ["ab"])
    with pytest.raises(ShapeError, match="at least one token"):
        m.start(src, torch.tensor([0]))
    with pytest.raises(ShapeError, match="tgt_in"):
        m(src, lengths, tgt_in[0])


def reversal_batch(step, generator):
    rng = random.Random(step)
    sources = ["".join(rng.choice("abcd") for _ in range(rng.randint(1, 6))) for _ in range(32)]
    src, lengths, tgt_in, tgt_out = batch(sources, [s[::-1] for s in sources])
    return (src, lengths, tgt_in), tgt_out


@pytest.mark.parametrize("attention", ["additive", "dot"])
def test_learns_to_reverse_strings(attention):
    """A model that stops learning fails this: reversal needs every source position."""
    m = model(attention)
    loss = lambda logits, y: F.cross_entropy(logits.flatten(0, 1), y.flatten())
    cfg = TrainConfig(max_steps=300, lr=1e-2)
    train(m, Batches(reversal_batch), cfg, torch.device("cpu"), loss_fn=loss)
    m.eval()
    tests = ["abc", "dcab", "a", "bbad", "cadbac", "ddca"]
    src, lengths = VOCAB.encode_sources(tests)
    greedy = greedy_decode(
        m.step, m.start(src, lengths), len(tests), VOCAB.bos_id, VOCAB.eos_id, 10
    )
    outputs = ["".join(VOCAB.decode_target(t)) for t in greedy.tokens]
    assert sum(o == s[::-1] for o, s in zip(outputs, tests)) >= 5, outputs
    one_src, one_len = VOCAB.encode_sources(["dcab"])
    best = beam_search(m.step, m.start(one_src, one_len), VOCAB.bos_id, VOCAB.eos_id, 3, 10)[0]
    assert "".join(VOCAB.decode_target(best.tokens)) == "bacd"


def test_translate_reports_truncation_unknown_tokens_and_empty_sources():
    m = model()
    out = translate(m, VOCAB, ["abc", "az!"], max_len=3, device=torch.device("cpu"))
    assert len(out) == 2 and all(len(t.tokens) <= 3 for t in out)
    assert out[1].unknown == ["z", "!"] and out[0].unknown == []
    cut = [t for t in out if not t.finished]
    assert all(len(t.tokens) == 3 for t in cut)  # cut at max_len, and says so
    with pytest.raises(ShapeError, match="nothing to translate"):
        translate(m, VOCAB, ["ab", ""], max_len=3, device=torch.device("cpu"))


def test_attention_map_is_the_weights_behind_the_greedy_output():
    m, cpu = model(), torch.device("cpu")
    out, weights = attention_map(m, VOCAB, "abca", 6, cpu)
    assert out.tokens == translate(m, VOCAB, ["abca"], 6, cpu)[0].tokens
    assert weights.shape == (len(out.tokens) + 1, 4)  # (output tokens + <eos>, source tokens)
    torch.testing.assert_close(weights.sum(-1), torch.ones(len(weights)))
    with pytest.raises(ValueError, match="no attention"):
        attention_map(model("none"), VOCAB, "abca", 6, cpu)


def test_translating_with_another_vocabulary_is_refused():
    other = PairVocab.build([("abcde", "abcde")])
    with pytest.raises(ShapeError, match="built for another vocabulary"):
        translate(model(), other, ["abc"], 5, torch.device("cpu"))
    with pytest.raises(ShapeError, match="built for another vocabulary"):
        beam_translate(model(), other, "abc", 5, torch.device("cpu"))


def test_beam_translate_with_beam_one_equals_greedy():
    m = model("dot")
    cpu = torch.device("cpu")
    for source in ["abc", "dd", "cabd"]:
        greedy = translate(m, VOCAB, [source], max_len=8, device=cpu)[0]
        beam = beam_translate(m, VOCAB, source, max_len=8, device=cpu, beam_size=1)[0]
        assert (beam.tokens, beam.finished) == (greedy.tokens, greedy.finished)
        assert beam.log_prob == pytest.approx(greedy.log_prob, abs=1e-5)
