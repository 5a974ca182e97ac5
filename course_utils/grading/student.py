"""Generate student notebooks from solution notebooks: solutions stubbed, hidden tests removed.

python -m course_utils.grading student notebooks build/student
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat

from course_utils.grading.markers import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    graded_cells,
    replace_regions,
)

STUB_HINT = "replace this line with your solution (see the exercise above)"


def make_student(solution: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """A student copy of ``solution``: stubs for solutions, no hidden tests, no outputs."""
    graded_cells(solution)  # refuse inconsistent grading metadata before handing anything out
    student = nbformat.from_dict(solution)  # a deep copy
    student.metadata["course_homework"] = {"assignment": name}  # lets the grader match it
    for index, cell in enumerate(student.cells):
        where = f"{name}, cell {index}"
        if cell.cell_type == "code":
            cell.source = replace_regions(
                cell.source,
                BEGIN_SOLUTION,
                END_SOLUTION,
                lambda indent: [
                    f"{indent}# YOUR CODE HERE",
                    f"{indent}raise NotImplementedError({STUB_HINT!r})",
                ],
                where,
            )
            cell.source = replace_regions(
                cell.source, BEGIN_HIDDEN, END_HIDDEN, lambda indent: [], where
            )
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = replace_regions(
                cell.source,
                BEGIN_SOLUTION,
                END_SOLUTION,
                lambda indent: ["YOUR ANSWER HERE"],
                where,
            )
    return student


def has_exercises(nb: nbformat.NotebookNode) -> bool:
    """True if the notebook has at least one graded cell."""
    return bool(graded_cells(nb))


def write_student_versions(solutions: Path, out_dir: Path) -> list[Path]:
    """Write a student version of every notebook in ``solutions`` that has exercises."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(Path(solutions).glob("*.ipynb")):
        solution = nbformat.read(path, as_version=4)
        if not has_exercises(solution):
            continue
        target = out_dir / path.name
        nbformat.write(make_student(solution, path.stem), target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.grading student", description="generate student notebooks"
    )
    parser.add_argument("solutions", type=Path, help="folder of solution notebooks")
    parser.add_argument("out_dir", type=Path, help="where the student notebooks go")
    args = parser.parse_args(argv)
    for path in write_student_versions(args.solutions, args.out_dir):
        print(f"wrote {path}")
