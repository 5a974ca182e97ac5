from collections import Counter

import pytest
import torch

from course_utils import DatasetError, ShapeError, VocabError, encode_names, load_names
from course_utils.data.names import DEFAULT_LOCALES, name_tokenizer, surnames
from course_utils.data.tokenizers import CharTokenizer


@pytest.fixture(scope="module")
def names():
    return load_names()


def test_balanced_classes_and_70_15_15_split(names):
    assert names.labels == list(DEFAULT_LOCALES) and names.n_classes == 8
    for split, size in (("train", 126), ("valid", 27), ("test", 27)):  # of 180 per locale
        counts = Counter(label for _, label in getattr(names, split))
        assert counts == {label: size for label in range(8)}


def test_splits_are_disjoint_and_every_name_has_one_label(names):
    items = names.train + names.valid + names.test
    assert len({name for name, _ in items}) == len(items)  # no name twice, in any split
    shared = set(surnames("de_DE")) & set(surnames("fr_FR"))
    assert "Becker" in shared  # faker lists it under both ...
    assert not shared & {name for name, _ in items}  # ... so it is dropped from both


def test_names_come_from_their_locale(names):
    de = set(surnames("de_DE"))
    label = names.labels.index("de_DE")
    assert all(name in de for name, y in names.train if y == label)


def test_same_seed_same_data_other_seed_other_data(names):
    assert load_names(seed=0) == names
    other = load_names(seed=1)
    assert {n for n, _ in other.train} != {n for n, _ in names.train}


def test_unknown_locale():
    with pytest.raises(DatasetError, match="unknown locale 'xx_YY'"):
        load_names(("en_US", "xx_YY"))


def test_too_large_per_locale_says_how_many_there_are():
    with pytest.raises(DatasetError, match=r"cs_CZ has only 198 .* per_locale=198 or less"):
        load_names(per_locale=200)


def test_bad_arguments():
    with pytest.raises(ValueError, match="two different"):
        load_names(("en_US", "en_US"))
    with pytest.raises(ValueError, match="at least 7"):
        load_names(per_locale=3)


def test_encode_names_pads_and_maps_unseen_chars_to_unk():
    tok = name_tokenizer(["Abel", "Bo"])
    assert tok.vocab.itos[:2] == ["<unk>", "<pad>"]
    ids, lengths = encode_names(["Bo", "Abel", "Zoë"], tok)
    assert ids.shape == (3, 4) and ids.dtype == lengths.dtype == torch.int64
    assert lengths.tolist() == [2, 4, 3]
    assert ids[0, 2:].tolist() == [1, 1]  # padding
    assert tok.decode(ids[1]) == "Abel"
    assert ids[2, 0].item() == 0 and ids[2, 2].item() == 0  # "Z" and "ë" unseen: <unk>


def test_encode_names_errors():
    with pytest.raises(ShapeError, match="empty"):
        encode_names(["Abel", ""], name_tokenizer(["Abel"]))
    with pytest.raises(VocabError, match="name_tokenizer"):
        encode_names(["Abel"], CharTokenizer.fit("Abel"))
