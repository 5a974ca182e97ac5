"""The course's own solution notebooks as homework: full marks, zero for stubs, one bug = one loss.

Each case runs a whole notebook three times in fresh kernels. These runs test the grader, not
the models (nbval runs the real notebooks), so they use COURSE_SCALE=0.05: training cells run
a few steps (their metric asserts may fail, which costs no points), and the exercises, which
do not depend on training, are graded exactly as at full scale.
"""

from pathlib import Path

import nbformat
import pytest

from course_utils.grading import grade_submission, make_student
from course_utils.grading.markers import BEGIN_SOLUTION, graded_cells

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
WITH_EXERCISES = [p for p in ALL if graded_cells(nbformat.read(p, as_version=4))]
# One typical student bug per notebook: (exercise it breaks, solution line, buggy line).
BUGS = {
    "01_modelling_sequences": (
        "ex1_perplexity",
        "nll = -p.log().mean().item()",
        "nll = -p.log().sum().item()",  # summed, not averaged over tokens
    ),
    "02_elman_rnn": (
        "ex3_sampling",
        "probs = torch.softmax(logits / temperature, dim=-1)",
        "probs = torch.softmax(logits / temperature, dim=0)",  # the wrong softmax axis
    ),
    "03_backprop_through_time": (
        "ex1_step_backward",
        "da = dh * (1 - h**2)",
        "da = dh",  # the tanh's derivative forgotten
    ),
    "04_lstm_gru": (
        "ex1_lstm_step",
        "h = torch.sigmoid(o) * torch.tanh(c)",
        "h = torch.sigmoid(o) * c",  # the missing tanh on the memory
    ),
    "05_seq2seq_attention": (
        "ex1_dot_attention",
        'weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)',
        'weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=0)',  # wrong axis
    ),
    "06_image_captioning": (
        "ex2_feature_map",
        "n = (n + 2 * p - k) // s + 1",
        "n = (n - k) // s + 1",  # the padding forgotten
    ),
}


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_every_notebook_yields_a_valid_student_version(path):
    student = make_student(nbformat.read(path, as_version=4), path.stem)
    assert not any(BEGIN_SOLUTION in cell.source for cell in student.cells)
    assert not any("HIDDEN TESTS" in cell.source for cell in student.cells)


def test_there_are_graded_exercises():
    assert WITH_EXERCISES, "no notebook has graded exercises"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_solution_full_marks_student_zero_and_one_bug_one_exercise(path, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SCALE", "0.05")  # inherited by the grader's kernels
    solutions = {path.stem: path}
    solution = nbformat.read(path, as_version=4)

    full = grade_submission(path, solutions)
    assert [r.feedback for r in full.results if r.points < r.max_points] == []
    assert len(full.results) >= 3

    student_path = tmp_path / f"{path.stem}.ipynb"
    nbformat.write(make_student(solution, path.stem), student_path)
    empty = grade_submission(student_path, solutions)
    assert all(r.points == 0 for r in empty.results)
    assert empty.cells_run == empty.cells_total, "the student version must run to the end"

    exercise, right, wrong = BUGS[path.stem]
    buggy = nbformat.read(path, as_version=4)
    hits = [cell for cell in buggy.cells if right in cell.source]
    assert len(hits) == 1, f"the bug's line must occur once in {path.name}"
    hits[0].source = hits[0].source.replace(right, wrong)
    buggy_path = tmp_path / f"{path.stem}-buggy.ipynb"
    nbformat.write(buggy, buggy_path)
    lost = {
        r.grade_id
        for r in grade_submission(buggy_path, solutions).results
        if r.points < r.max_points
    }
    assert lost == {exercise}
