"""Grading a class: shards merge into one run's reports, reruns regrade only what changed, and
the reports for students, the gradebook and the lecturer say what they should."""

import csv

import nbformat
import pytest

from course_utils.grading import batch, grade_folder, make_student, merge
from course_utils.grading.batch import parse_shard
from course_utils.grading.grade import GradeReport, TestResult
from course_utils.grading.reports import write_all
from tests.test_grading import SOFTMAX, make_folders


@pytest.fixture
def folders(tmp_path):
    solutions, submissions = make_folders(tmp_path)
    student = make_student(nbformat.read(solutions / "hw1.ipynb", as_version=4), "hw1")
    nbformat.write(student, submissions / "ann_hw1.ipynb")  # nothing solved
    solved = nbformat.from_dict(student)
    solved.cells[1].source = "def square(x):\n    return x * x"
    solved.cells[4].source = SOFTMAX
    nbformat.write(solved, submissions / "bea_hw1.ipynb")
    half = nbformat.from_dict(solved)
    half.cells[4].source = SOFTMAX.replace("axis=-1", "axis=0")
    nbformat.write(half, submissions / "cem_hw1.ipynb")
    return solutions, submissions


def test_shards_merged_equal_one_run_and_reruns_regrade_only_changes(folders, tmp_path):
    solutions, submissions = folders
    one = grade_folder(submissions, solutions, tmp_path / "one", jobs=2, progress=False)
    assert {r.submission: r.total for r in one} == {
        "ann_hw1.ipynb": 0,
        "bea_hw1.ipynb": 5,
        "cem_hw1.ipynb": 2,
    }
    for k in (1, 2):
        grade_folder(
            submissions, solutions, tmp_path / f"shard{k}", shard=(k, 2), jobs=1, progress=False
        )
    merge([tmp_path / "shard1", tmp_path / "shard2"], tmp_path / "merged", solutions=solutions)
    for name in ("grades.csv", "summary.md", "canvas.csv", "scores-hw1.csv", "reports.json"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()

    calls = []
    real = batch.grade_submission
    counting = lambda path, *a, **k: calls.append(path.name) or real(path, *a, **k)
    batch.grade_submission = counting
    try:
        grade_folder(submissions, solutions, tmp_path / "one", progress=False)
        assert calls == []  # nothing changed: every report from the cache
        text = (submissions / "ann_hw1.ipynb").read_text(encoding="utf-8")
        (submissions / "ann_hw1.ipynb").write_text(text.replace("# YOUR CODE HERE", "# hm"))
        again = grade_folder(submissions, solutions, tmp_path / "one", progress=False)
        assert calls == ["ann_hw1.ipynb"]  # only the changed file
        assert [r.total for r in again] == [0, 5, 2]
    finally:
        batch.grade_submission = real


def test_shard_syntax():
    assert parse_shard("2/5") == (2, 5)
    for bad in ("0/3", "4/3", "2", "a/b"):
        with pytest.raises(ValueError, match="shard"):
            parse_shard(bad)


def report(submission, square, softmax, why=""):
    return GradeReport(
        submission,
        "hw1",
        [
            TestResult("square", square, 2.0, "" if square == 2 else "test failed: wrong"),
            TestResult("softmax", softmax, 3.0, "" if softmax == 3 else why),
        ],
    )


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_gradebook_feedback_and_class_statistics(folders, tmp_path):
    solutions, _ = folders
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,pattern\ns1,Ann Lee,ann_*\ns2,Bea Ruiz,bea_*\ns3,Cem Kaya,cem_*\n",
        encoding="utf-8",
    )
    graded = [
        report("ann_hw1.ipynb", 2, 0, "test failed: softmax rows: expected 1, got 2"),
        report("bea_hw1.ipynb", 2, 3),
    ]
    graded[0].cell_errors = ["your cell 5 raised NameError: name 'np' is not defined"]
    out = tmp_path / "out"
    write_all(graded, out, roster=roster, solutions={"hw1": solutions / "hw1.ipynb"})

    canvas = rows(out / "canvas.csv")
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[0][5] == "hw1" and canvas[1][0] == "Points Possible" and canvas[1][5] == "5"
    assert [(r[0], r[2], r[5]) for r in canvas[2:]] == [
        ("Ann Lee", "s1", "2"),
        ("Bea Ruiz", "s2", "5"),
        ("Cem Kaya", "s3", "0"),  # on the roster, no submission: zero
    ]
    sheet = rows(out / "scores-hw1.csv")
    assert sheet == [
        ["student_id", "total", "square", "softmax"],
        ["s1", "2", "2", "0"],
        ["s2", "5", "2", "3"],
        ["s3", "0", "0", "0"],
    ]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "no submission" in summary and "Class statistics: hw1 (3 students)" in summary
    assert "| softmax | 1.00 / 3 | 33% | 1x test failed: softmax rows" in summary
    assert "| square | 1.33 / 2 | 67% |" in summary
    assert "Totals:" in summary
    ann = (out / "feedback" / "ann_hw1.ipynb.md").read_text(encoding="utf-8")
    assert "**2 / 5**" in ann and "expected 1, got 2" in ann and "NameError" in ann


def test_a_roster_line_without_an_id_is_an_error_that_names_it(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,pattern\ns1,Ann,ann*\n,Bob,bob*\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        write_all([report("ann_hw1.ipynb", 2, 3)], tmp_path / "out", roster=roster)


def test_partial_credit_per_test_case_in_feedback_gradebook_and_statistics(tmp_path):
    def cases(name, shapes, values):
        return GradeReport(
            name,
            "hw2",
            [
                TestResult("ex1.shapes", shapes, 1.0, "" if shapes else "test failed: shape"),
                TestResult("ex1.values", values, 2.0, "" if values else "test failed: values"),
                TestResult("q2", 1.0, 1.0),
            ],
        )

    graded = [cases("ann_hw2.ipynb", 1.0, 0.0), cases("bea_hw2.ipynb", 1.0, 2.0)]
    out = tmp_path / "out"
    write_all(graded, out)
    ann = (out / "feedback" / "ann_hw2.ipynb.md").read_text(encoding="utf-8")
    assert "| **ex1** | **1 / 3** | |" in ann  # the exercise, then each of its cases
    assert "| ex1 › shapes | 1 / 1 | full marks |" in ann
    assert "| ex1 › values | 0 / 2 | test failed: values |" in ann
    assert "| q2 | 1 / 1 | full marks |" in ann  # a single-case exercise: one row
    assert rows(out / "scores-hw2.csv") == [
        ["student_id", "total", "ex1", "q2"],  # one column per exercise, cases summed
        ["ann", "2", "1", "1"],
        ["bea", "4", "3", "1"],
    ]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "| **ex1** | 2.00 / 3 | 50% | |" in summary
    assert "| ex1.values | 1.00 / 2 | 50% | 1x test failed: values |" in summary
    assert [r[2] for r in rows(out / "grades.csv")[1:4]] == ["ex1.shapes", "ex1.values", "q2"]
