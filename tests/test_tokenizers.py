import pytest

from course_utils import BPETokenizer, CharTokenizer, VocabError, WordTokenizer
from course_utils.data import Vocab, load_tokenizer

TEXT = "the cat sat on the mat. The cat ate the rat! Don't let the cat out, 42 times.\n" * 4


def test_char_round_trip_and_vocab_size():
    tok = CharTokenizer.fit(TEXT)
    assert len(tok) == len(set(TEXT)) + 1
    assert tok.decode(tok.encode(TEXT)) == TEXT


def test_word_tokenize_lowercases_and_splits_punctuation():
    tok = WordTokenizer.fit(TEXT)
    assert tok.tokenize("Don't stop, cat!") == ["don't", "stop", ",", "cat", "!"]
    assert tok.decode(tok.encode("the cat.")) == "the cat ."


def test_word_min_freq_maps_rare_words_to_unk():
    tok = WordTokenizer.fit("a a b", min_freq=2)
    assert tok.vocab.itos == ["<unk>", "a"]
    assert tok.encode("a b") == [1, 0]


def test_unknown_rate():
    assert CharTokenizer.fit("abc").unknown_rate("abzz") == 0.5
    assert WordTokenizer.fit(TEXT).unknown_rate("the cat") == 0.0
    assert WordTokenizer.fit(TEXT).unknown_rate("the zebra") == 0.5


def test_strict_encode_names_unseen_character():
    with pytest.raises(VocabError, match=r"\['Q'\]"):
        CharTokenizer.fit("abc").encode("aQ", strict=True)


def test_bpe_round_trip_is_lossless_for_seen_characters():
    tok = BPETokenizer.fit(TEXT, vocab_size=60)
    assert tok.decode(tok.encode(TEXT)) == TEXT
    unseen_order = "rat mat, the hat 24 Don't!\n\n  sat"
    assert tok.decode(tok.encode(unseen_order)) == unseen_order


def test_bpe_round_trip_keeps_underscores():
    text = "snake_case and __init__ names\n" * 3
    tok = BPETokenizer.fit(text, vocab_size=40)
    assert tok.decode(tok.encode(text)) == text


def test_bpe_respects_vocab_size():
    for size in (30, 40, 50):
        assert len(BPETokenizer.fit(TEXT, vocab_size=size)) == size
    big = BPETokenizer.fit(TEXT, vocab_size=1000)  # stops once no pair repeats
    assert len(big) < 1000 and big.tokenize(" times, 42") == [" times", ",", " 42"]
    small = BPETokenizer.fit("ab", vocab_size=100)  # nothing repeats: no merges at all
    assert small.merges == [] and len(small) == 3


def test_bpe_vocab_size_below_alphabet_raises():
    with pytest.raises(VocabError, match="raise vocab_size"):
        BPETokenizer.fit(TEXT, vocab_size=5)


def test_bpe_is_deterministic():
    assert BPETokenizer.fit(TEXT, 60).merges == BPETokenizer.fit(TEXT, 60).merges


def test_bpe_frequent_words_become_single_tokens():
    tok = BPETokenizer.fit(TEXT, vocab_size=60)
    assert tok.tokenize(" the cat") == [" the", " cat"]
    assert len(tok.tokenize(" zebra")) == 6  # never seen: one token per character


def test_bpe_merges_are_applied_in_rank_order():
    tok = BPETokenizer(Vocab(["<unk>", "a", "b", "c", "bc", "ab"]), [("b", "c"), ("a", "b")])
    assert tok.tokenize("abc") == ["a", "bc"]


@pytest.mark.parametrize(
    "tok",
    [
        CharTokenizer.fit(TEXT),
        WordTokenizer.fit(TEXT, min_freq=1, lowercase=False),
        BPETokenizer.fit(TEXT, vocab_size=50),
    ],
    ids=["char", "word", "bpe"],
)
def test_save_load_round_trip(tmp_path, tok):
    tok.save(tmp_path / "tok.json")
    loaded = load_tokenizer(tmp_path / "tok.json")
    assert type(loaded) is type(tok)
    assert loaded.vocab.itos == tok.vocab.itos
    assert loaded.encode(TEXT) == tok.encode(TEXT)
    assert loaded.decode(loaded.encode(TEXT)) == tok.decode(tok.encode(TEXT))
    assert getattr(loaded, "merges", None) == getattr(tok, "merges", None)
    assert getattr(loaded, "lowercase", None) == getattr(tok, "lowercase", None)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "not a file written by Tokenizer.save"),
        ("[]", "not a file written by Tokenizer.save"),
        ('{"kind": "char"}', "not a file written by Tokenizer.save"),
        ('{"kind": "morse", "itos": ["<unk>"]}', "unknown tokenizer kind 'morse'"),
        ('{"itos": ["<unk>"]}', "unknown tokenizer kind None"),
    ],
)
def test_load_tokenizer_rejects_other_files(tmp_path, content, message):
    (tmp_path / "tok.json").write_text(content, encoding="utf-8")
    with pytest.raises(VocabError, match=message):
        load_tokenizer(tmp_path / "tok.json")


def test_load_tokenizer_missing_file(tmp_path):
    with pytest.raises(VocabError, match="does not exist"):
        load_tokenizer(tmp_path / "nope.json")
