"""Grade submitted notebooks: the authoritative tests are injected, run, and scored.

For each submission the grader rebuilds the notebook it runs: the student's own cells, with
every graded test cell replaced by the solution notebook's version (hidden tests included),
placed after the cell it followed in the solution (at the end if the student deleted that
cell). A test cell that runs without an error earns its points. The notebook runs in its
own process with a time limit per cell and per notebook. Whatever a submission does (loop,
raise, delete or reorder cells, not be JSON, not be a notebook) it gets the points it
earned and a message saying why it lost the others; one bad file never stops the rest.

    python -m course_utils.grading grade SUBMISSIONS [--solutions notebooks] [--out build/grades]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_utils.grading.markers import GradedCell, graded_cells


@dataclass
class TestResult:
    grade_id: str
    points: float
    max_points: float
    feedback: str = ""  # why points were lost; empty when full marks


@dataclass
class GradeReport:
    submission: str
    assignment: str | None
    results: list[TestResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the submission as a whole
    cells_run: int = 0  # cells executed (errors included) of ...
    cells_total: int = 0  # ... the cells of the notebook that was run

    @property
    def total(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_total(self) -> float:
        return sum(r.max_points for r in self.results)


def _zero(tests: list[GradedCell], why: str) -> list[TestResult]:
    return [TestResult(t.grade_id, 0.0, t.points, why) for t in tests]


def build_graded_notebook(submission, solution) -> tuple[nbformat.NotebookNode, dict[int, str]]:
    """The notebook to run, and which of its cells is which graded test (index -> grade_id)."""
    tests = graded_cells(solution)
    test_ids = {solution.cells[t.index].get("id") for t in tests}
    after: dict[str | None, list[GradedCell]] = {}  # anchor cell id -> tests that follow it
    for t in tests:
        anchor = solution.cells[t.index - 1].get("id") if t.index > 0 else None
        after.setdefault(anchor, []).append(t)
    cells, which, placed = [], {}, set()

    def place(anchor_id):
        for t in after.get(anchor_id, []):
            if t.grade_id not in placed:
                which[len(cells)] = t.grade_id
                cells.append(nbformat.from_dict(solution.cells[t.index]))
                placed.add(t.grade_id)

    place(None)
    for cell in submission.cells:
        is_test = (
            cell.get("metadata", {}).get("nbgrader", {}).get("grade") or cell.get("id") in test_ids
        )
        if is_test:
            continue  # the student's copy of a test is never run: ours is
        cell = nbformat.from_dict(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        place(cell.get("id"))
    for t in tests:  # tests whose anchor cell was deleted go at the end
        if t.grade_id not in placed:
            which[len(cells)] = t.grade_id
            cells.append(nbformat.from_dict(solution.cells[t.index]))
            placed.add(t.grade_id)
    nb = nbformat.v4.new_notebook(metadata=solution.metadata)
    nb.cells = cells
    return nb, which


def _run(nb, cell_timeout: int, notebook_timeout: int) -> tuple[dict[int, str | None], str | None]:
    """Execute in a separate process -> errors of the cells that ran, and a problem or None."""
    process = subprocess.Popen(
        [sys.executable, "-m", "course_utils.grading.execute", str(cell_timeout)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a time-out kills the kernel too
    )
    problem = None
    try:
        stdout, stderr = process.communicate(nbformat.writes(nb), timeout=notebook_timeout)
        if process.returncode != 0:
            problem = (
                f"the notebook could not be run to the end: {stderr.strip().splitlines()[-1:]}"
            )
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, _ = process.communicate()
        problem = f"the notebook ran out of time ({notebook_timeout} s); later cells were not run"
    ran = {}
    for line in stdout.splitlines():
        try:
            record = json.loads(line)
            ran[int(record["index"])] = record["error"]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            continue  # the notebook's own prints are not ours
    return ran, problem


def match_assignment(path: Path, submission, solutions: dict[str, Path]) -> str | None:
    """Which assignment a submission is: from the student notebook's metadata, else its name."""
    if submission is not None:
        name = submission.metadata.get("course_homework", {}).get("assignment")
        if name in solutions:
            return name
    matches = [name for name in solutions if name in path.stem]
    return max(matches, key=len) if matches else None


def grade_submission(
    path: Path, solutions: dict[str, Path], cell_timeout: int = 120, notebook_timeout: int = 900
) -> GradeReport:
    """Grade one file against the matching solution notebook -> a GradeReport (never raises)."""
    path = Path(path)
    submission, problem = None, None
    try:
        text = path.read_text(encoding="utf-8")
        try:
            json.loads(text)  # first, for a JSON error with its line and column
            submission = nbformat.reads(text, as_version=4)
            nbformat.validate(submission)
        except json.JSONDecodeError as err:
            submission, problem = None, f"not valid JSON (line {err.lineno}, column {err.colno})"
        except Exception as err:  # any other failure to read it is the same verdict for us
            submission, problem = (
                None,
                f"not a Jupyter notebook ({type(err).__name__}: {err})"[:400],
            )
    except (OSError, UnicodeDecodeError) as err:
        problem = f"cannot be read as text: {err}"
    assignment = match_assignment(path, submission, solutions)
    report = GradeReport(path.name, assignment)
    if assignment is None:
        report.problems.append("cannot tell which assignment this is (name it like the notebook)")
        return report
    solution = nbformat.read(solutions[assignment], as_version=4)
    tests = graded_cells(solution)
    if submission is None:
        report.problems.append(problem)
        report.results = _zero(tests, f"no points: the file is {problem}")
        return report
    nb, which = build_graded_notebook(submission, solution)
    ran, problem = _run(nb, cell_timeout, notebook_timeout)
    report.cells_run = len(ran)
    report.cells_total = sum(c.cell_type == "code" and bool(c.source.strip()) for c in nb.cells)
    if problem:
        report.problems.append(problem)
    for index, grade_id in which.items():
        max_points = next(t.points for t in tests if t.grade_id == grade_id)
        if index not in ran:
            report.results.append(
                TestResult(
                    grade_id,
                    0.0,
                    max_points,
                    "not run: " + (problem or "the run stopped before it"),
                )
            )
        elif ran[index] is None:
            report.results.append(TestResult(grade_id, max_points, max_points))
        else:
            report.results.append(
                TestResult(grade_id, 0.0, max_points, f"test failed: {ran[index]}")
            )
    report.results.sort(key=lambda r: [t.grade_id for t in tests].index(r.grade_id))
    return report


def solution_notebooks(folder: Path) -> dict[str, Path]:
    """Assignment name -> solution notebook, for every notebook in ``folder`` with graded cells."""
    found = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        if graded_cells(nbformat.read(path, as_version=4)):
            found[path.stem] = path
    return found


def grade_folder(
    submissions: Path,
    solutions: Path,
    out_dir: Path,
    cell_timeout: int = 120,
    notebook_timeout: int = 900,
) -> list[GradeReport]:
    """Grade every file in ``submissions`` (recursively); write grades.csv and summary.md."""
    known = solution_notebooks(solutions)
    files = sorted(
        p
        for p in Path(submissions).rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    )
    reports = []
    for path in files:
        report = grade_submission(path, known, cell_timeout, notebook_timeout)
        report.submission = str(path.relative_to(submissions))
        reports.append(report)
        print(f"{report.submission}: {report.total:g} / {report.max_total:g}", flush=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["submission", "assignment", "exercise", "points", "max_points", "feedback"]
        )
        for r in reports:
            for t in r.results or [TestResult("-", 0.0, 0.0, "; ".join(r.problems))]:
                writer.writerow(
                    [
                        r.submission,
                        r.assignment or "",
                        t.grade_id,
                        t.points,
                        t.max_points,
                        t.feedback,
                    ]
                )
    lines = ["# Grades", ""]
    for r in reports:
        assignment = r.assignment or "unknown assignment"
        lines.append(f"## {r.submission}: {r.total:g} / {r.max_total:g} ({assignment})")
        lines += [f"- problem: {p}" for p in r.problems]
        lines += [
            f"- {t.grade_id}: {t.points:g} / {t.max_points:g}"
            + (f" — {t.feedback}" if t.feedback else "")
            for t in r.results
        ]
        lines.append("")
    (out_dir / "summary.md").write_text("\n".join(lines), encoding="utf-8")
    return reports


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.grading grade",
        description="grade a folder of submitted notebooks",
    )
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--solutions", type=Path, default=Path("notebooks"))
    parser.add_argument("--out", type=Path, default=Path("build/grades"))
    parser.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument("--notebook-timeout", type=int, default=900, help="seconds per notebook")
    args = parser.parse_args(argv)
    reports = grade_folder(
        args.submissions, args.solutions, args.out, args.cell_timeout, args.notebook_timeout
    )
    print(f"graded {len(reports)} file(s): {args.out / 'grades.csv'}, {args.out / 'summary.md'}")
