"""The homework tools on a small solution notebook: generation, grading, and bad submissions."""

import json

import nbformat
import pytest

from course_utils.grading import grade_folder, grade_submission, make_student
from course_utils.grading.markers import MarkerError

SQUARE = """def square(x):
    ### BEGIN SOLUTION
    return x * x
    ### END SOLUTION"""
SOFTMAX = """import numpy as np


def softmax(z):
    ### BEGIN SOLUTION
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION"""


def graded_cell(source, grade_id, points):
    return nbformat.v4.new_code_cell(
        source, metadata={"nbgrader": {"grade": True, "grade_id": grade_id, "points": points}}
    )


def solution_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Exercise 1: write `square`."),
        nbformat.v4.new_code_cell(SQUARE),
        graded_cell(
            "assert square(3) == 9\n### BEGIN HIDDEN TESTS\nassert square(-2) == 4\n"
            "### END HIDDEN TESTS",
            "square",
            2,
        ),
        nbformat.v4.new_markdown_cell("Exercise 2: a softmax over the last axis."),
        nbformat.v4.new_code_cell(SOFTMAX),
        graded_cell(
            "p = softmax(np.array([[1.0, 2.0], [3.0, 3.0]]))\n"
            "assert np.allclose(p.sum(-1), 1) and np.allclose(p[1], 0.5)",
            "softmax",
            3,
        ),
        nbformat.v4.new_code_cell("sixteen = square(4)  # downstream use of the exercise"),
        nbformat.v4.new_code_cell("done = True"),
    ]
    return nb


def make_folders(root):
    """root/solutions/hw1.ipynb and an empty root/submissions."""
    solutions, submissions = root / "solutions", root / "submissions"
    solutions.mkdir()
    submissions.mkdir()
    nbformat.write(solution_notebook(), solutions / "hw1.ipynb")
    return solutions, submissions


@pytest.fixture
def folders(tmp_path):
    return make_folders(tmp_path)


def grade(path, solutions, **timeouts):
    return grade_submission(path, {"hw1": solutions / "hw1.ipynb"}, **timeouts)


def points(report):
    return {r.grade_id: r.points for r in report.results}


def student(submissions, name="hw1-student.ipynb", edit=None):
    """The student version of the solution in the sibling solutions folder (same cell ids)."""
    solution = nbformat.read(submissions.parent / "solutions" / "hw1.ipynb", as_version=4)
    nb = make_student(solution, "hw1")
    if edit:
        edit(nb)
    path = submissions / name
    nbformat.write(nb, path)
    return path


def test_student_version_has_stubs_and_no_solutions_or_hidden_tests():
    nb = make_student(solution_notebook(), "hw1")
    text = "\n".join(cell.source for cell in nb.cells)
    assert "raise NotImplementedError" in nb.cells[1].source
    assert "return x * x" not in text and "np.exp" not in text
    assert "square(-2)" not in text and "HIDDEN" not in text
    assert "assert square(3) == 9" in text  # visible tests stay
    assert nb.metadata["course_homework"] == {"assignment": "hw1"}


def test_unbalanced_markers_are_refused():
    nb = solution_notebook()
    nb.cells[1].source = SQUARE.replace("    ### END SOLUTION", "")
    with pytest.raises(MarkerError, match="never closed"):
        make_student(nb, "hw1")


def test_solution_gets_full_marks_and_student_version_zero_but_runs_to_the_end(folders):
    solutions, submissions = folders
    full = grade(solutions / "hw1.ipynb", solutions)
    assert points(full) == {"square": 2, "softmax": 3} and not full.problems
    empty = grade(student(submissions), solutions)
    assert points(empty) == {"square": 0, "softmax": 0}
    assert all("NotImplementedError" in r.feedback for r in empty.results)
    assert empty.cells_run == empty.cells_total  # downstream cells degrade, the run goes on


def solve(nb, index, code):
    nb.cells[index].source = code


def test_a_typical_bug_costs_only_its_exercise(folders):
    solutions, submissions = folders

    def wrong_axis(nb):
        solve(nb, 1, "def square(x):\n    return x * x")
        solve(
            nb,
            4,
            SOFTMAX.replace("axis=-1", "axis=0")
            .replace("### BEGIN SOLUTION", "")
            .replace("### END SOLUTION", ""),
        )

    report = grade(student(submissions, edit=wrong_axis), solutions)
    assert points(report) == {"square": 2, "softmax": 0}
    assert "AssertionError" in report.results[1].feedback


def test_hidden_tests_are_run_at_grading(folders):
    solutions, submissions = folders

    def only_visible(nb):  # passes the visible test (3 -> 9) but not the hidden one (-2 -> 4)
        solve(nb, 1, "def square(x):\n    return 9 if x == 3 else 0")

    assert points(grade(student(submissions, edit=only_visible), solutions))["square"] == 0


def test_an_endless_loop_costs_its_cell_not_the_rest(folders):
    solutions, submissions = folders

    def loop(nb):
        solve(nb, 1, "def square(x):\n    while True:\n        pass")
        solve(nb, 4, SOFTMAX)

    report = grade(student(submissions, edit=loop), solutions, cell_timeout=3)
    assert points(report) == {"square": 0, "softmax": 3}
    assert report.cells_run == report.cells_total


def test_notebook_time_limit_gives_earned_points_and_says_why(folders):
    solutions, submissions = folders

    def slow_end(nb):
        solve(nb, 1, "def square(x):\n    return x * x")
        solve(nb, 4, "import time\ntime.sleep(60)")

    report = grade(
        student(submissions, edit=slow_end), solutions, cell_timeout=120, notebook_timeout=12
    )
    assert points(report) == {"square": 2, "softmax": 0}
    assert "ran out of time" in report.problems[0]
    assert report.results[1].feedback.startswith("not run")


def test_deleted_reordered_and_edited_test_cells_do_not_change_the_grade(folders):
    solutions, submissions = folders

    def tamper(nb):
        solve(nb, 1, "def square(x):\n    return x + x")  # wrong (right only for 2)
        nb.cells[2].source = "pass  # a test the student made harmless"
        del nb.cells[5]  # the softmax test, deleted
        nb.cells[3], nb.cells[4] = nb.cells[4], nb.cells[3]  # reordered
        nb.cells.insert(0, nbformat.v4.new_code_cell("import os\nFILES = os.listdir('.')"))
        solve(nb, 4, SOFTMAX)  # the softmax cell (at 4 after the swap and the insert) solved

    report = grade(student(submissions, edit=tamper), solutions)
    assert points(report) == {"square": 0, "softmax": 3}


def test_the_submission_cannot_see_any_notebook_in_its_working_directory(folders):
    solutions, submissions = folders

    def snoop(nb):  # earns the points only if the working directory is empty
        solve(nb, 1, "import os\ndef square(x):\n    return x * x if not os.listdir('.') else None")

    assert points(grade(student(submissions, edit=snoop), solutions))["square"] == 2


@pytest.mark.parametrize(
    "content, why",
    [
        ('{"cells": [', "not valid JSON"),
        ("[1, 2, 3]", "not a Jupyter notebook"),
        ('{"hello": "world"}', "not a Jupyter notebook"),
    ],
)
def test_broken_files_get_zero_with_a_reason(folders, content, why):
    solutions, submissions = folders
    path = submissions / "hw1-broken.ipynb"
    path.write_text(content)
    report = grade(path, solutions)
    assert points(report) == {"square": 0, "softmax": 0} and why in report.problems[0]


def test_grade_folder_never_stops_on_a_bad_file_and_writes_reports(folders, tmp_path):
    solutions, submissions = folders
    student(submissions, "alice_hw1.ipynb")
    (submissions / "bob_hw1.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00binary")
    (submissions / "notes.txt").write_text("not a notebook at all")
    reports = grade_folder(submissions, solutions, tmp_path / "out", cell_timeout=30)
    assert [r.submission for r in reports] == ["alice_hw1.ipynb", "bob_hw1.ipynb", "notes.txt"]
    assert reports[2].assignment is None and "which assignment" in reports[2].problems[0]
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("submission,assignment,exercise,points")
    assert len(rows) == 1 + 2 + 2 + 1
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "alice_hw1.ipynb: 0 / 5" in summary and "bob_hw1.ipynb: 0 / 5" in summary
    json.dumps([r.total for r in reports])  # totals are plain numbers


def test_command_line_generates_and_grades(folders, tmp_path):
    import subprocess
    import sys

    solutions, submissions = folders
    students = tmp_path / "students"
    run = lambda *args: subprocess.run(
        [sys.executable, "-m", "course_utils.grading", *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )
    made = run("student", solutions, students)
    assert (students / "hw1.ipynb").exists() and "Warning" not in made.stderr
    (submissions / "hw1.ipynb").write_bytes((students / "hw1.ipynb").read_bytes())
    graded = run("grade", submissions, "--solutions", solutions, "--out", tmp_path / "grades")
    assert "hw1.ipynb: 0 / 5" in graded.stdout and "Warning" not in graded.stderr
    assert (tmp_path / "grades" / "grades.csv").exists()


def test_several_test_cells_of_one_exercise_each_earn_their_points(folders):
    solutions, submissions = folders
    nb = solution_notebook()
    nb.cells[2].metadata["nbgrader"]["grade_id"] = "square.positive"
    nb.cells[2].source = "assert square(3) == 9"
    nb.cells.insert(
        3,
        graded_cell(
            "### BEGIN HIDDEN TESTS\nassert square(-2) == 4, 'square(-2): expected 4'\n"
            "### END HIDDEN TESTS",
            "square.negative",
            1,
        ),
    )
    nbformat.write(nb, solutions / "hw1.ipynb")

    def abs_bug(nb):  # right for x >= 0 only
        solve(nb, 1, "def square(x):\n    return x * abs(x)")

    report = grade(student(submissions, edit=abs_bug), solutions)
    assert points(report) == {"square.positive": 2, "square.negative": 0, "softmax": 0}
    assert "square(-2): expected 4" in report.results[1].feedback
