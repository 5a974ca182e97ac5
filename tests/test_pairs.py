import pytest
import torch

from course_utils.data.padding import IGNORE_INDEX, PAD
from course_utils.data.pairs import BOS, EOS, PairVocab
from course_utils.errors import ShapeError, VocabError

PAIRS = [("3 mars 1998", "1998-03-03"), ("cat", ("K", "AE", "T"))]


@pytest.fixture
def vocab():
    return PairVocab.build([("abc", "xy"), ("ba", "yyx")])


def test_specials_come_first(vocab):
    assert vocab.source.itos[:2] == ["<unk>", PAD]
    assert vocab.target.itos[:4] == ["<unk>", PAD, BOS, EOS]
    assert (vocab.src_pad_id, vocab.bos_id, vocab.eos_id) == (1, 2, 3)


def test_sources_are_padded_and_unknown_tokens_become_unk(vocab):
    ids, lengths = vocab.encode_sources(["abc", "b", "az"])
    assert ids.shape == (3, 3) and lengths.tolist() == [3, 1, 2]
    assert ids[1, 1:].tolist() == [vocab.src_pad_id] * 2
    assert ids[2, 1].item() == 0  # "z" was never seen: <unk>
    assert vocab.unknown("az!") == ["z", "!"]


def test_empty_source_is_refused_with_its_index(vocab):
    with pytest.raises(ShapeError, match=r"index \[1\]"):
        vocab.encode_sources(["ab", ""])


def test_targets_get_bos_in_and_eos_out_with_ignored_padding(vocab):
    tgt_in, tgt_out = vocab.encode_targets(["xy", "y"])
    x, y = vocab.target.stoi["x"], vocab.target.stoi["y"]
    assert tgt_in.tolist() == [[vocab.bos_id, x, y], [vocab.bos_id, y, vocab.target.stoi[PAD]]]
    assert tgt_out.tolist() == [[x, y, vocab.eos_id], [y, vocab.eos_id, IGNORE_INDEX]]


def test_unknown_target_token_is_an_error(vocab):
    with pytest.raises(VocabError, match="not in the vocabulary"):
        vocab.encode_targets(["xz"])


def test_decode_stops_at_eos_and_skips_specials(vocab):
    x, y = vocab.target.stoi["x"], vocab.target.stoi["y"]
    ids = [vocab.bos_id, x, y, vocab.eos_id, x]
    assert vocab.decode_target(ids) == ["x", "y"]
    assert vocab.decode_target(torch.tensor([x, x])) == ["x", "x"]  # no <eos>: all of it


def test_phoneme_tuples_work_as_token_sequences():
    vocab = PairVocab.build(PAIRS)
    tgt_in, _ = vocab.encode_targets([("K", "AE", "T")])
    assert vocab.decode_target(tgt_in[0].tolist()) == ["K", "AE", "T"]
