import pytest

from course_utils import VocabError
from course_utils.data import Vocab


def test_build_order_unk_specials_frequency_then_alphabet():
    vocab = Vocab.build("b a c a b a y x".split(), specials=["<pad>", "<bos>"])
    assert vocab.itos == ["<unk>", "<pad>", "<bos>", "a", "b", "c", "x", "y"]


def test_unk_in_specials_is_not_duplicated():
    assert Vocab.build(["a"], specials=["<unk>", "<pad>"]).itos == ["<unk>", "<pad>", "a"]


def test_min_freq_and_max_size():
    tokens = "a a a b b c".split()
    assert Vocab.build(tokens, min_freq=2).itos == ["<unk>", "a", "b"]
    assert Vocab.build(tokens, max_size=3, specials=["<pad>"]).itos == ["<unk>", "<pad>", "a"]


def test_encode_maps_unknown_to_unk():
    vocab = Vocab.build("a b".split())
    assert vocab.encode(["a", "zebra", "b"]) == [vocab.stoi["a"], 0, vocab.stoi["b"]]
    assert "a" in vocab and "zebra" not in vocab


def test_strict_encode_lists_unknown_tokens():
    vocab = Vocab.build("a b".split())
    with pytest.raises(VocabError, match=r"\['yak', 'zebra'\].*strict=False"):
        vocab.encode(["a", "zebra", "yak"], strict=True)


def test_decode_round_trip_and_out_of_range():
    vocab = Vocab.build("x y z".split())
    assert vocab.decode(vocab.encode(["z", "x"])) == ["z", "x"]
    with pytest.raises(VocabError, match="outside this vocabulary of 4"):
        vocab.decode([4])


def test_save_load_round_trip(tmp_path):
    vocab = Vocab.build("fée ça b".split(), specials=["<pad>"])
    vocab.save(tmp_path / "v.json")
    loaded = Vocab.load(tmp_path / "v.json")
    assert loaded.itos == vocab.itos and loaded.fingerprint == vocab.fingerprint
    assert [p.name for p in tmp_path.iterdir()] == ["v.json"]  # no temporary files left


def test_fingerprint_changes_with_tokens():
    base = Vocab(["<unk>", "a", "b"])
    assert Vocab(["<unk>", "a", "b"]).fingerprint == base.fingerprint
    assert Vocab(["<unk>", "a", "c"]).fingerprint != base.fingerprint
    assert Vocab(["<unk>", "b", "a"]).fingerprint != base.fingerprint
    assert Vocab(["<unk>", "ab"]).fingerprint != Vocab(["<unk>", "a", "b"]).fingerprint


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not a file written by Vocab.save"),
        ('{"tokens": ["<unk>"]}', "not a file written by Vocab.save"),
        ('["<unk>"]', "not a file written by Vocab.save"),
        ('{"itos": ["a", "<unk>"]}', "must start with '<unk>'"),
        ('{"itos": ["<unk>", "a", "a"]}', r"duplicate tokens \['a'\]"),
    ],
)
def test_invalid_vocab_file(tmp_path, content, message):
    (tmp_path / "v.json").write_text(content, encoding="utf-8")
    with pytest.raises(VocabError, match=message):
        Vocab.load(tmp_path / "v.json")


def test_missing_vocab_file(tmp_path):
    with pytest.raises(VocabError, match="does not exist"):
        Vocab.load(tmp_path / "nope.json")


def test_vocab_error_is_a_key_error_with_plain_message():
    err = VocabError("token 'x' is unknown")
    assert isinstance(err, KeyError) and str(err) == "token 'x' is unknown"


def test_atomic_writes_are_readable_by_others(tmp_path):
    """mkstemp makes private 0600 files; a shared cache must be readable (the grading sandbox)."""
    import os
    import stat

    from course_utils.atomic import atomic_write_text

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "a.json", "{}")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "a.json").stat().st_mode)
    assert mode == 0o644, oct(mode)
    assert list(tmp_path.iterdir()) == [tmp_path / "a.json"]  # no temporary file left


def test_decode_until_stops_at_the_end_token_and_skips_the_others():
    from course_utils.data.vocab import Vocab

    v = Vocab.build(["a", "b"], specials=["<pad>", "<s>", "</s>"])
    ids = v.encode(["<s>", "a", "<pad>", "b", "</s>", "a"])
    assert v.decode_until(ids, "</s>", skip=("<s>", "<pad>")) == ["a", "b"]
    assert v.decode_until(v.encode(["a", "a"]), "</s>") == ["a", "a"]  # no end: all of it
