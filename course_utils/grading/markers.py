"""The nbgrader markers and metadata the homework tools read, and checks on them."""

from __future__ import annotations

from dataclasses import dataclass

import nbformat

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


class MarkerError(ValueError):
    """A solution notebook's markers are unbalanced or its graded cells are inconsistent."""


@dataclass(frozen=True)
class GradedCell:
    """One graded test cell of a solution notebook."""

    grade_id: str
    points: float
    index: int  # position in the solution notebook


def exercise_of(grade_id: str) -> str:
    """The exercise a test case belongs to: ``"ex1.large_logits"`` -> ``"ex1"``.

    An exercise may have several graded cells, its cases, each with its own points (partial
    credit); their grade_ids share the part before the first ".". Without a "." the grade_id
    is the exercise, with a single case."""
    return grade_id.split(".", 1)[0]


def graded_cells(nb: nbformat.NotebookNode) -> list[GradedCell]:
    """The graded test cells, in notebook order; duplicate ids or bad points are errors."""
    found, seen = [], set()
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade"):
            continue
        grade_id, points = meta.get("grade_id"), meta.get("points")
        if not grade_id or grade_id in seen:
            raise MarkerError(
                f"cell {index}: graded cells need a unique grade_id, got {grade_id!r}"
            )
        if not isinstance(points, (int, float)) or points <= 0:
            raise MarkerError(f"cell {index} ({grade_id}): points must be a positive number")
        seen.add(grade_id)
        found.append(GradedCell(grade_id, float(points), index))
    return found


def replace_regions(source: str, begin: str, end: str, replacement, where: str) -> str:
    """Replace every begin...end region (marker lines included) by ``replacement(indent)``."""
    out, inside, indent = [], False, ""
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == begin:
            if inside:
                raise MarkerError(f"{where}: {begin!r} again before {end!r}")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            out.extend(replacement(indent))
        elif stripped == end:
            if not inside:
                raise MarkerError(f"{where}: {end!r} without {begin!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: {begin!r} is never closed by {end!r}")
    return "\n".join(out)
