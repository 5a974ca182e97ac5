import hashlib
import json

import pytest

from course_utils import DatasetError, default_corpus
from course_utils.data import load_corpus
from course_utils.data.corpus import default_cache_dir, pydoc_corpus, read_text

TEXTS = {"train": "to be or not to be\n", "valid": "all the world\n", "test": "out, brief candle\n"}


def write_cache(root, texts=TEXTS):
    """A hand-made Shakespeare cache under ``root/shakespeare``; returns that folder."""
    folder = root / "shakespeare"
    folder.mkdir(parents=True)
    sums = {}
    for split, text in texts.items():
        (folder / f"{split}.txt").write_text(text, encoding="utf-8")
        sums[split] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    manifest = {"source": "hand-made", "sha256": sums}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_read_text_returns_content(tmp_path):
    (tmp_path / "a.txt").write_text("héllo\n", encoding="utf-8")
    assert read_text(tmp_path / "a.txt") == "héllo\n"


@pytest.mark.parametrize("content", ["", "   \n\t \n"])
def test_read_text_rejects_empty_file(tmp_path, content):
    (tmp_path / "a.txt").write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match="empty or only whitespace"):
        read_text(tmp_path / "a.txt")


def test_read_text_names_offset_of_bad_byte(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"abc\xffdef")
    with pytest.raises(DatasetError, match=r"not UTF-8.*0xff at offset 3.*UTF-8"):
        read_text(tmp_path / "a.txt")


def test_read_text_missing_file_names_make_data(tmp_path):
    with pytest.raises(DatasetError, match="make data"):
        read_text(tmp_path / "nope.txt")


def test_load_corpus_reads_cache(tmp_path):
    write_cache(tmp_path)
    corpus = load_corpus(cache_dir=tmp_path)
    assert (corpus.train, corpus.valid, corpus.test) == tuple(TEXTS.values())
    assert corpus.source == "hand-made"
    assert "train=19 chars" in repr(corpus)


def test_missing_cache_names_make_data(tmp_path):
    with pytest.raises(DatasetError, match="missing.*make data"):
        load_corpus(cache_dir=tmp_path)


@pytest.mark.parametrize("manifest", ['{"sha256": {"train"', '{"source": "x"}'])
def test_corrupt_manifest(tmp_path, manifest):
    folder = write_cache(tmp_path)
    (folder / "manifest.json").write_text(manifest, encoding="utf-8")
    with pytest.raises(DatasetError, match="corrupt.*make data"):
        load_corpus(cache_dir=tmp_path)
    assert (folder / "manifest.json").read_text(encoding="utf-8") == manifest  # left alone


def test_manifest_that_is_a_json_list(tmp_path):
    folder = write_cache(tmp_path)
    (folder / "manifest.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DatasetError, match="corrupt"):
        load_corpus(cache_dir=tmp_path)


def test_edited_split_fails_checksum(tmp_path):
    folder = write_cache(tmp_path)
    (folder / "valid.txt").write_text("all the world's a stage\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="valid.txt does not match its checksum.*make data"):
        load_corpus(cache_dir=tmp_path)
    assert (folder / "valid.txt").read_text(encoding="utf-8") == "all the world's a stage\n"


def test_unknown_corpus_name():
    with pytest.raises(DatasetError, match="'shakespeare' or 'pydoc'"):
        load_corpus("klingon")


def test_pydoc_corpus_is_split_and_fixed():
    corpus = pydoc_corpus()
    assert corpus.name == "pydoc"
    assert len(corpus.train) > 5 * len(corpus.valid) > 0 and len(corpus.test) > 0
    assert corpus.valid not in corpus.train
    assert pydoc_corpus() == corpus


def test_default_corpus_prefers_shakespeare(tmp_path):
    write_cache(tmp_path)
    assert default_corpus(tmp_path).name == "shakespeare"


def test_default_corpus_falls_back_to_pydoc(tmp_path, capsys):
    (tmp_path / "shakespeare").mkdir()
    (tmp_path / "shakespeare" / "UNAVAILABLE").write_text("no network\n", encoding="utf-8")
    assert default_corpus(tmp_path).name == "pydoc"
    assert "no network" in capsys.readouterr().out


def test_default_corpus_without_setup_names_make_data(tmp_path):
    with pytest.raises(DatasetError, match="make data"):
        default_corpus(tmp_path)


def test_course_data_dir_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    write_cache(tmp_path)
    assert default_cache_dir() == tmp_path
    assert load_corpus().source == "hand-made"


def test_real_shakespeare_cache_loads(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    folder = default_cache_dir() / "shakespeare"
    if not (folder / "manifest.json").is_file() and (folder / "UNAVAILABLE").is_file():
        pytest.skip("Shakespeare could not be fetched on this machine (UNAVAILABLE)")
    corpus = load_corpus()
    assert len(corpus.train) > 1_000_000
    assert 0 < len(corpus.valid) < len(corpus.train) and len(corpus.test) > 0
    assert "ROMEO" in corpus.train.upper() and "MACBETH" in corpus.test.upper()


def test_char_lm_data_is_notebook_02s_pipeline():
    import torch

    from course_utils import CharTokenizer, char_lm_data

    data = char_lm_data(5_000)
    corpus = default_corpus()
    assert data.train_text == corpus.train[:5_000]
    tokenizer = CharTokenizer.fit(corpus.train[:5_000])
    assert data.vocab_size == len(tokenizer.vocab)
    assert data.valid_ids.tolist() == tokenizer.encode(corpus.valid)
    assert data.train_ids.dtype == torch.int64 and data.encode("ab").shape == (2,)
