from collections import Counter

import pytest
import torch

from course_utils import TAGS, DatasetError, encode_tagged, make_tagging_data, spans, tagging_vocab
from course_utils.data.padding import IGNORE_INDEX
from course_utils.data.tagging import AMBIGUOUS_NAMES, TEMPLATES


@pytest.fixture(scope="module")
def data():
    return make_tagging_data(600, seed=0)


def test_same_seed_same_sentences(data):
    assert make_tagging_data(600, seed=0) == data
    assert make_tagging_data(50, seed=1) != data[:50]


def test_tokens_and_tags_align_and_bio_is_valid(data):
    for tokens, tags in data:
        assert len(tokens) == len(tags) and set(tags) <= set(TAGS)
        for prev, tag in zip(["O", *tags], tags):
            if tag.startswith("I-"):  # an I-X only ever continues an X entity
                assert prev in ("B-" + tag[2:], tag)
        entities = spans(tags)
        assert entities and {kind for kind, _, _ in entities} <= {"PER", "LOC"}
        assert tokens[-1] == "." and tags[-1] == "O"


def test_enough_templates_with_the_entity_before_its_context():
    assert len(TEMPLATES) >= 8
    assert sum(t.startswith("{PER}") for t in TEMPLATES) == sum(
        t.startswith("{LOC}") for t in TEMPLATES
    )


def test_ambiguous_names_open_sentences_as_both_types():
    # A left-to-right tagger cannot know a sentence-initial "Jordan"'s type: both are common.
    data = make_tagging_data(1000, seed=2, p_ambiguous=0.5)
    first = Counter(tags[0] for tokens, tags in data if tokens[0] in AMBIGUOUS_NAMES)
    assert set(first) == {"B-PER", "B-LOC"}
    assert 0.35 < first["B-PER"] / sum(first.values()) < 0.65


def test_multi_token_entities_occur(data):
    lengths = Counter(end - start for _, tags in data for _, start, end in spans(tags))
    assert lengths[1] and lengths[2]


def test_unknown_locale():
    with pytest.raises(DatasetError, match="unknown locale 'xx_YY'"):
        make_tagging_data(3, seed=0, locale="xx_YY")


def test_other_locale_works():
    for tokens, tags in make_tagging_data(20, seed=0, locale="de_DE"):
        assert len(tokens) == len(tags)


@pytest.mark.parametrize(
    "tags,expected",
    [
        ([], set()),
        (["O", "O"], set()),
        (["B-PER", "I-PER", "O", "B-LOC"], {("PER", 0, 2), ("LOC", 3, 4)}),
        (["I-PER", "I-PER"], {("PER", 0, 2)}),  # I- without B- starts an entity
        (["B-PER", "I-LOC"], {("PER", 0, 1), ("LOC", 1, 2)}),  # type change starts a new one
        (["B-LOC", "B-LOC"], {("LOC", 0, 1), ("LOC", 1, 2)}),
        (["O", "I-LOC", "I-LOC", "B-LOC"], {("LOC", 1, 3), ("LOC", 3, 4)}),
    ],
)
def test_spans(tags, expected):
    assert spans(tags) == expected


@pytest.mark.parametrize("tag", ["PER", "B-", "X-PER", "o"])
def test_spans_rejects_malformed_tags(tag):
    with pytest.raises(ValueError, match="is not 'O'"):
        spans(["O", tag])


def test_encode_tagged_pads_ids_and_tags(data):
    vocab = tagging_vocab(data[:500])
    ids, tag_ids, lengths = encode_tagged(data[500:], vocab)
    assert ids.shape == tag_ids.shape == (100, int(lengths.max()))
    assert ids.dtype == tag_ids.dtype == lengths.dtype == torch.int64
    for i, (tokens, tags) in enumerate(data[500:]):
        n = len(tokens)
        assert lengths[i] == n
        assert [TAGS[t] for t in tag_ids[i, :n]] == tags
        assert (tag_ids[i, n:] == IGNORE_INDEX).all() and (ids[i, n:] == 1).all()
    assert vocab.stoi["lives"] in ids  # template words are known; unseen names are <unk> (0)
