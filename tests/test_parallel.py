import pytest

from course_utils import DatasetError, load_parallel_tsv
from course_utils.data import ParallelPair, split_pairs


def write(tmp_path, content, name="pairs.tsv"):
    """Write ``content`` (str as UTF-8, or raw bytes) to a file and return its path."""
    path = tmp_path / name
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return path


def test_two_columns(tmp_path):
    path = write(tmp_path, "Hi.\tHallo.\nRun!\tLauf!\n")
    assert load_parallel_tsv(path) == [
        ParallelPair("Hi.", "Hallo.", 1),
        ParallelPair("Run!", "Lauf!", 2),
    ]


def test_tatoeba_four_columns(tmp_path):
    path = write(tmp_path, "1276\tLet's try something.\t397848\tLass uns etwas versuchen.\n")
    pairs = load_parallel_tsv(path, source_column=1, target_column=3)
    assert pairs == [ParallelPair("Let's try something.", "Lass uns etwas versuchen.", 1)]


def test_columns_can_be_swapped(tmp_path):
    path = write(tmp_path, "Hi.\tHallo.\n")
    assert load_parallel_tsv(path, source_column=1, target_column=0)[0].source == "Hallo."


def test_extra_columns_are_ignored(tmp_path):
    path = write(tmp_path, "Go.\tGeh.\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\n")
    assert load_parallel_tsv(path) == [ParallelPair("Go.", "Geh.", 1)]


def test_header_is_skipped_and_line_numbers_count_it(tmp_path):
    path = write(tmp_path, "english\tgerman\nHi.\tHallo.\n")
    assert load_parallel_tsv(path, skip_header=True) == [ParallelPair("Hi.", "Hallo.", 2)]


def test_crlf_line_ends(tmp_path):
    path = write(tmp_path, "Hi.\tHallo.\r\nRun!\tLauf!\r\n")
    assert [(p.source, p.target) for p in load_parallel_tsv(path)] == [
        ("Hi.", "Hallo."),
        ("Run!", "Lauf!"),
    ]


def test_blank_lines_skipped_and_fields_stripped(tmp_path):
    path = write(tmp_path, "\n  Hi. \t Hallo.  \n   \n\t\nRun!\tLauf!\n\n")
    assert load_parallel_tsv(path) == [
        ParallelPair("Hi.", "Hallo.", 2),
        ParallelPair("Run!", "Lauf!", 5),
    ]


def test_unicode_text_preserved(tmp_path):
    path = write(tmp_path, "Straße über Öl.\t道は油の上です。\n")
    assert load_parallel_tsv(path) == [ParallelPair("Straße über Öl.", "道は油の上です。", 1)]


def test_byte_order_mark_is_dropped(tmp_path):
    path = write(tmp_path, "\ufeffHi.\tHallo.\n")
    assert load_parallel_tsv(path)[0].source == "Hi."


def test_too_few_columns_names_the_line(tmp_path):
    path = write(tmp_path, "Hi.\tHallo.\nRun!\tLauf!\nGo.    Geh.\n")
    with pytest.raises(DatasetError, match=r"line 3: found 1 column\(s\) but need at least 2") as e:
        load_parallel_tsv(path)
    assert str(path) in str(e.value) and "TAB" in str(e.value)
    assert "source_column" in str(e.value)


def test_too_few_columns_for_tatoeba_layout(tmp_path):
    path = write(tmp_path, "Hi.\tHallo.\n")
    with pytest.raises(DatasetError, match="line 1: found 2 column.* need at least 4"):
        load_parallel_tsv(path, source_column=1, target_column=3)


@pytest.mark.parametrize(
    ("line", "field"), [("\tHallo.", "source field"), ("Hi.\t   ", "target field")]
)
def test_empty_field_names_the_line(tmp_path, line, field):
    path = write(tmp_path, f"Run!\tLauf!\n\n{line}\n")
    with pytest.raises(DatasetError, match=f"line 3: the {field} .* is empty"):
        load_parallel_tsv(path)


def test_invalid_utf8_names_the_line(tmp_path):
    path = write(tmp_path, b"Hi.\tHallo.\nCaf\xe9\tKaffee\nRun!\tLauf!\n")
    with pytest.raises(DatasetError, match=r"line 2: byte 0xe9 .* not valid utf-8") as e:
        load_parallel_tsv(path)
    assert str(path) in str(e.value)
    # the message names the way out, and it works
    assert load_parallel_tsv(path, encoding="latin-1")[1].source == "Café"


def test_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_parallel_tsv(tmp_path / "nope.tsv")


@pytest.mark.parametrize("content", ["", "\n \n\r\n"])
def test_file_without_pairs(tmp_path, content):
    with pytest.raises(DatasetError, match="holds no sentence pairs"):
        load_parallel_tsv(write(tmp_path, content))


def test_header_only_file(tmp_path):
    with pytest.raises(DatasetError, match="besides the skipped header"):
        load_parallel_tsv(write(tmp_path, "english\tgerman\n"), skip_header=True)


@pytest.mark.parametrize(
    ("source_column", "target_column", "message"),
    [
        (-1, 1, "source_column must be >= 0"),
        (0, -2, "target_column must be >= 0"),
        (2, 2, "both 2"),
    ],
)
def test_bad_columns(tmp_path, source_column, target_column, message):
    path = write(tmp_path, "Hi.\tHallo.\n")
    with pytest.raises(ValueError, match=message):
        load_parallel_tsv(path, source_column=source_column, target_column=target_column)


def test_encoding_that_is_not_ascii_compatible(tmp_path):
    path = write(tmp_path, "Hi.\tHallo.\n".encode("utf-16"))
    with pytest.raises(ValueError, match="not ASCII-compatible"):
        load_parallel_tsv(path, encoding="utf-16")


def test_split_is_deterministic_disjoint_and_covering():
    pairs = [ParallelPair(f"s{i}", f"t{i}", i + 1) for i in range(100)]
    train, valid, test = split_pairs(pairs, valid_fraction=0.1, test_fraction=0.2, seed=3)
    assert (len(train), len(valid), len(test)) == (70, 10, 20)
    assert sorted(train + valid + test, key=lambda p: p.line) == pairs  # each pair once
    assert split_pairs(pairs, 0.1, 0.2, seed=3) == (train, valid, test)
    assert split_pairs(pairs, 0.1, 0.2, seed=4) != (train, valid, test)
    assert train != pairs[:70]  # shuffled, not cut in file order


def test_split_with_zero_fractions_keeps_everything_for_training():
    train, valid, test = split_pairs(list(range(5)), valid_fraction=0, test_fraction=0)
    assert sorted(train) == list(range(5)) and valid == [] and test == []


@pytest.mark.parametrize(
    ("n", "valid_fraction", "test_fraction", "message"),
    [
        (10, 0.5, 0.5, "leave no training data"),
        (1, 0.6, 0.0, "leave no training data"),  # the one pair would go to valid
        (0, 0.1, 0.1, "leave no training data"),
        (10, 1.0, 0.0, r"valid_fraction must be in \[0, 1\)"),
        (10, 0.1, -0.1, r"test_fraction must be in \[0, 1\)"),
    ],
)
def test_split_refuses_fractions_that_leave_no_training_data(
    n, valid_fraction, test_fraction, message
):
    with pytest.raises(ValueError, match=message):
        split_pairs(list(range(n)), valid_fraction, test_fraction)
