"""The course's own solution notebooks as homework: full marks, zero for stubs, bugs lose marks.

Each case grades a notebook's solution (full marks), its student version (zero, and it runs
to the end), and its typical student bugs from tests/homework_bugs/ (each loses exactly its
own exercise, with a message saying what was expected). These runs test the grader and the
exercises' tests, not the models (nbval runs the real notebooks), so they use
COURSE_SCALE=0.05, and the grader skips the lecture cells no test reads (training runs,
plots); the exercises' tests never depend on a trained model, so they are as strict as at
full scale. A bug may name a test case ("ex1.large_logits"): it must lose that case only
(partial credit). All variants of a notebook are graded in one run of the grader.
"""

import importlib.util
from pathlib import Path

import nbformat
import pytest

from course_utils.grading import grade_folder, make_student
from course_utils.grading.markers import BEGIN_SOLUTION, exercise_of, graded_cells

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
WITH_EXERCISES = [p for p in ALL if graded_cells(nbformat.read(p, as_version=4))]
BUG_DIR = Path(__file__).resolve().parent / "homework_bugs"


def typical_bugs(stem: str) -> list[tuple[str, str, str]]:
    """The notebook's typical student bugs: (exercise, solution line, buggy line)."""
    path = BUG_DIR / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"homework_bugs_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BUGS


def bug_rounds(bugs):
    """Group bugs into rounds with at most one bug per exercise: one grading run per round.

    The exercises' tests are independent of each other, so a round that loses exactly the
    set of its bugs' exercises shows that each bug loses its own exercise and no other.
    """
    rounds: list[list] = []
    for bug in bugs:
        for r in rounds:
            if all(exercise_of(b[0]) != exercise_of(bug[0]) for b in r):
                r.append(bug)
                break
        else:
            rounds.append([bug])
    return rounds


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_every_notebook_yields_a_valid_student_version(path):
    student = make_student(nbformat.read(path, as_version=4), path.stem)
    assert not any(BEGIN_SOLUTION in cell.source for cell in student.cells)
    assert not any("HIDDEN TESTS" in cell.source for cell in student.cells)


def test_there_are_graded_exercises():
    assert WITH_EXERCISES, "no notebook has graded exercises"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_solution_full_marks_student_zero_and_one_bug_one_exercise(path, tmp_path):
    solution = nbformat.read(path, as_version=4)
    folder = tmp_path / "submissions"
    folder.mkdir()
    nbformat.write(solution, folder / f"{path.stem}-solution.ipynb")
    nbformat.write(make_student(solution, path.stem), folder / f"{path.stem}-student.ipynb")
    bugs = typical_bugs(path.stem)
    assert len(bugs) >= 4, f"{path.name}: at least 4 typical bugs, one test each"
    rounds = bug_rounds(bugs)
    for k, round_ in enumerate(rounds):
        buggy = nbformat.read(path, as_version=4)
        for _exercise, right, wrong in round_:
            hits = [cell for cell in buggy.cells if right in cell.source]
            assert len(hits) == 1, f"the bug's line must occur once in {path.name}: {right}"
            hits[0].source = hits[0].source.replace(right, wrong)
        nbformat.write(buggy, folder / f"{path.stem}-bugs{k}.ipynb")
    # One grading run (two kernels at once) at the grader's default scale (COURSE_SCALE=0.05): the
    # exercises' tests never depend on a trained model, so they are as strict as at scale 1.
    reports = {
        r.submission: r
        for r in grade_folder(folder, path.parent, tmp_path / "out", jobs=2, progress=False)
    }

    full = reports[f"{path.stem}-solution.ipynb"]
    assert [r.feedback for r in full.results if r.points < r.max_points] == []
    assert len(full.results) >= 3

    empty = reports[f"{path.stem}-student.ipynb"]
    assert all(r.points == 0 for r in empty.results)
    for r in empty.results:  # a stub's failure says what is missing, never a bare AssertionError
        assert "gives no message" not in r.feedback, r
    assert empty.cells_run == empty.cells_total, "the student version must run to the end"

    for k, round_ in enumerate(rounds):
        report = reports[f"{path.stem}-bugs{k}.ipynb"]
        lost = {r.grade_id for r in report.results if r.points < r.max_points}
        seen = [(r.grade_id, r.feedback) for r in report.results]
        assert {exercise_of(g) for g in lost} == {exercise_of(b[0]) for b in round_}, seen
        for named, _, _ in round_:  # a bug that names a test case loses that case only
            if named != exercise_of(named):
                assert {g for g in lost if exercise_of(g) == exercise_of(named)} == {named}, seen
        for r in report.results:  # a failed test says what went wrong, not just "AssertionError"
            if r.points < r.max_points:
                assert "gives no message" not in r.feedback, f"{r.grade_id}: {r.feedback}"
