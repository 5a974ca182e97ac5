"""Which lecture cells the grader may skip (course_utils/grading/needed.py)."""

import nbformat

from course_utils.grading.grade import build_graded_notebook
from course_utils.grading.needed import names, skippable


def skipped(*cells: str, student: tuple[int, ...] = ()) -> set[int]:
    """Skippable cells when every cell but the last and ``student`` is unchanged lecture code."""
    optional = set(range(len(cells) - 1)) - set(student)
    return skippable(list(cells), optional)


def test_a_cell_nothing_reads_is_skipped():
    assert skipped("x = 1", "y = 2", "print(y)") == {0}


def test_what_a_later_function_reads_is_kept():
    cells = ("w = 3", "def f(a):\n    return a * w", "plot = 5", "assert f(2) == 6")
    assert skipped(*cells) == {2}


def test_an_in_place_change_of_a_read_variable_is_kept():
    cells = ("model = make()", "model.load_state_dict(sd)", "scores = {}", "scores[1] = 2", "model")
    assert skipped(*cells) == {2, 3}


def test_read_only_methods_do_not_count_as_changes():
    assert skipped("x = t()", "print(x.numpy().sum())", "x") == {1}


def test_a_name_rebound_before_it_is_read_does_not_need_the_earlier_cell():
    assert skipped("x = 1", "x = 2\nprint(x)", "x") == {0}
    assert skipped("x = 1", "print(x)\nx = 2", "x") == set()  # read first: x of cell 0


def test_loop_and_comprehension_variables_are_their_own():
    loop = "for k in range(3):\n    print(k)\ny = [k for k in 'ab']"
    assert skipped("k = 1", loop, "y") == {0}
    assert skipped("k = 1", "y = [k + j for j in range(3)]", "y") == set()  # k of cell 0


def test_code_that_can_read_anything_keeps_everything_before_it():
    for dynamic in ("%timeit f()", "print(globals()['x'])", "from m import *", "def ("):
        assert names(dynamic).opaque
        assert skipped("x = 1", dynamic, "1") == set()


def test_the_students_cells_always_run_and_their_reads_count():
    assert skipped("x = 1", "y = x", "1", student=(1,)) == set()


def _notebook(*sources: str, metadata: list[dict] | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    for cell, meta in zip(nb.cells, metadata or []):
        cell.metadata.update(meta)
    return nb


def test_graded_notebook_skips_unchanged_lecture_cells_only():
    test = {"nbgrader": {"grade": True, "grade_id": "t", "points": 1}}
    solution = _notebook(
        "import math",
        "train = 1  # a long training run no test reads",
        "### BEGIN SOLUTION\nanswer = math.pi\n### END SOLUTION",
        "assert answer == math.pi",
        metadata=[{}, {}, {}, test],
    )
    nb, which = build_graded_notebook(solution, solution)
    assert which["skipped"] == [2]  # cell numbers as the student sees them (from 1)
    assert "train = 1" not in [c.source for c in nb.cells]

    changed = _notebook(*[c.source for c in solution.cells], metadata=[{}, {}, {}, test])
    changed.cells[1].source = "train = 2"  # the student's own code now: it runs
    nb, which = build_graded_notebook(changed, solution)
    assert which["skipped"] == []

    kept = _notebook(
        *[c.source for c in solution.cells], metadata=[{}, {"grading": "run"}, {}, test]
    )
    nb, which = build_graded_notebook(kept, kept)
    assert which["skipped"] == []  # the author said this cell must run
