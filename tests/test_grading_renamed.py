"""Old assignment names still grade: a class handed the notebooks before the split (issue 14)
hands in 03_backprop_through_time, and gets the points of both notebooks it became."""

from pathlib import Path

import nbformat
import pytest

from course_utils.grading import grade_folder, make_student
from course_utils.grading.grade import RENAMED, match_assignments, solution_notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# The lecturer's notebook 03 as it was handed out before the split (commit 60a37e5).
OLD_03 = Path(__file__).resolve().parent / "fixtures" / "03_backprop_through_time.ipynb"


def test_every_old_name_leads_to_notebooks_that_exist():
    solutions = solution_notebooks(NOTEBOOKS)
    for old, new in RENAMED.items():
        assert old not in solutions, f"{old} is a current notebook and an old name"
        assert all(name in solutions for name in new), f"{old} -> {new}: not all exist"
        assert not any(old in name or name in old for name in solutions), (old, "overlaps")


@pytest.mark.parametrize("old", sorted(RENAMED))
def test_an_old_file_name_or_old_metadata_is_graded_as_its_successors(old):
    solutions = solution_notebooks(NOTEBOOKS)
    by_name = match_assignments(Path(f"{old}-alice.ipynb"), None, solutions)
    assert by_name == list(RENAMED[old])
    nb = nbformat.v4.new_notebook(metadata={"course_homework": {"assignment": old}})
    assert match_assignments(Path("homework.ipynb"), nb, solutions) == list(RENAMED[old])
    new = RENAMED[old][0]  # a current name is graded as itself only
    assert match_assignments(Path(f"{new}-bob.ipynb"), None, solutions) == [new]


def test_the_old_notebook_03_earns_all_its_points_under_the_two_new_ones(tmp_path):
    submissions = tmp_path / "in"
    submissions.mkdir()
    old = nbformat.read(OLD_03, as_version=4)
    nbformat.write(old, submissions / "03_backprop_through_time-alice.ipynb")
    student = make_student(old, "03_backprop_through_time")  # the old handout, unanswered
    nbformat.write(student, submissions / "bob.ipynb")
    reports = grade_folder(submissions, NOTEBOOKS, tmp_path / "out", jobs=1, progress=False)
    by = {(r.submission, r.assignment): r for r in reports}
    assert set(by) == {
        (name, new)
        for name in ("03_backprop_through_time-alice.ipynb", "bob.ipynb")
        for new in ("03_bptt", "04_training_rnns")
    }
    old_points = sum(
        c.metadata["nbgrader"]["points"]
        for c in old.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    )
    alice = [
        by["03_backprop_through_time-alice.ipynb", new] for new in ("03_bptt", "04_training_rnns")
    ]
    for r in alice:
        assert r.total == r.max_total > 0, (
            r.assignment,
            [(t.grade_id, t.feedback) for t in r.results],
        )
        assert r.handed_in_as == "03_backprop_through_time"
    assert sum(r.total for r in alice) == old_points  # every old exercise counted once
    for new in ("03_bptt", "04_training_rnns"):
        assert by["bob.ipynb", new].total == 0  # the unanswered handout earns nothing
    feedback = sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir())
    assert "03_backprop_through_time-alice.ipynb.04_training_rnns.md" in feedback
    scores = (tmp_path / "out" / "scores-03_bptt.csv").read_text()
    assert "alice" in scores and "03_backprop_through_time" not in scores
