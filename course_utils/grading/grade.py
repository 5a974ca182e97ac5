"""Grade submitted notebooks: the authoritative tests are injected, run, and scored.

For each submission the grader rebuilds the notebook it runs: the student's own cells, with
every graded test cell replaced by the solution notebook's version (hidden tests included),
placed after the cell it followed in the solution (at the end if the student deleted that
cell). A test cell that runs without an error earns its points. The notebook runs in its
own process with a time limit per cell and per notebook. Whatever a submission does (loop,
raise, delete or reorder cells, not be JSON, not be a notebook) it gets the points it
earned and a message saying why it lost the others; one bad file never stops the rest.

The kernel runs sandboxed (``sandbox.py``: no solutions, hidden tests, other submissions or
network in sight), and before every graded test the grader restores what a submission may
have monkeypatched (``guard.py``). Whole folders, in parallel: ``batch.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from course_utils.grading import guard, needed, sandbox
from course_utils.grading.markers import BEGIN_SOLUTION, GradedCell, graded_cells

# The kernel's first cell, before any of the student's, and the cell before every test.
SNAPSHOT_CELL = "import course_utils.grading.guard as _grader_guard\n_grader_guard.snapshot()"
RESTORE_CELL = "__import__('course_utils.grading.guard', fromlist=['guard']).restore()"
DEFAULT_SCALE = 0.05  # COURSE_SCALE of graded kernels: training cells run a few steps


@dataclass
class TestResult:
    """One graded test's outcome."""

    __test__ = False  # a result, not a test class for pytest to collect
    grade_id: str
    points: float
    max_points: float
    feedback: str = ""  # why points were lost; empty when full marks


@dataclass
class GradeReport:
    """Everything the grader found out about one submission."""

    submission: str
    assignment: str | None
    results: list[TestResult] = field(default_factory=list)
    handed_in_as: str | None = None  # the name the file carries, when it is an old one
    problems: list[str] = field(default_factory=list)  # about the submission as a whole
    cells_run: int = 0  # cells executed (errors included) of ...
    cells_total: int = 0  # ... the cells of the notebook that was run
    cell_errors: list[str] = field(default_factory=list)  # the submission's cells that raised
    skipped_cells: list[int] = field(default_factory=list)  # not run: no test or answer needs them
    flags: list[str] = field(default_factory=list)  # code a person should read (guard.SUSPICIOUS)
    sandboxed: bool = True

    @property
    def total(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_total(self) -> float:
        return sum(r.max_points for r in self.results)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> GradeReport:
        results = [TestResult(**r) for r in data.get("results", [])]
        return cls(**{**data, "results": results})


def _zero(tests: list[GradedCell], why: str) -> list[TestResult]:
    return [TestResult(t.grade_id, 0.0, t.points, why) for t in tests]


def anchors(solution) -> dict[str, str | None]:
    """grade_id -> the id of the cell its test follows: the nearest cell before it that is
    not a test (None: the notebook's start)."""
    tests = graded_cells(solution)
    graded_at = {t.index for t in tests}
    found = {}
    for t in tests:
        before = max((i for i in range(t.index) if i not in graded_at), default=None)
        found[t.grade_id] = solution.cells[before].get("id") if before is not None else None
    return found


def handed_out_tests(submission, solution) -> list[GradedCell]:
    """The solution's tests whose exercise an old, renamed handout had: those whose anchor
    cell is in the submission. An exercise added after the split is not held against it."""
    ids = {c.get("id") for c in submission.cells}
    anchor = anchors(solution)
    return [t for t in graded_cells(solution) if anchor[t.grade_id] in ids]


def build_graded_notebook(
    submission, solution, tests: list[GradedCell] | None = None
) -> tuple[nbformat.NotebookNode, dict]:
    """The notebook to run, and what its cells are: {"tests": {index: grade_id},
    "guards": {index: grade_id}, "student": {index: the cell's number in the submission},
    "skipped": [numbers of the submission's cells not run: unchanged lecture code that no
    test or answer reads, see needed.py]}. ``tests``: which of the solution's (default all)."""
    tests = graded_cells(solution) if tests is None else tests
    lecture = {  # code of the handed-out cells a student does not answer in
        c.source
        for c in solution.cells
        if c.cell_type == "code"
        and not c.get("metadata", {}).get("nbgrader", {}).get("grade")
        and BEGIN_SOLUTION not in c.source
        and c.get("metadata", {}).get("grading") != "run"
    }
    optional: set[int] = set()
    test_ids = {solution.cells[t.index].get("id") for t in tests}
    after: dict[str | None, list[GradedCell]] = {}  # anchor cell id -> tests that follow it
    anchor = anchors(solution)
    for t in tests:  # a test runs after the nearest cell before it that is not a test
        after.setdefault(anchor[t.grade_id], []).append(t)
    cells = [nbformat.v4.new_code_cell(SNAPSHOT_CELL, metadata={"grading_setup": True})]
    which: dict = {"tests": {}, "guards": {}, "student": {}}
    placed: set[str] = set()

    def add_test(t: GradedCell) -> None:
        which["guards"][len(cells)] = t.grade_id
        cells.append(nbformat.v4.new_code_cell(RESTORE_CELL))
        which["tests"][len(cells)] = t.grade_id
        cells.append(nbformat.from_dict(solution.cells[t.index]))
        placed.add(t.grade_id)

    def place(anchor_id):
        for t in after.get(anchor_id, []):
            if t.grade_id not in placed:
                add_test(t)

    place(None)
    for number, cell in enumerate(submission.cells, start=1):
        is_test = (
            cell.get("metadata", {}).get("nbgrader", {}).get("grade") or cell.get("id") in test_ids
        )
        if is_test:
            continue  # the student's copy of a test is never run: ours is
        cell = nbformat.from_dict(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            which["student"][len(cells)] = number
            if cell.source in lecture:
                optional.add(len(cells))
        cells.append(cell)
        place(cell.get("id"))
    for t in tests:  # tests whose anchor cell was deleted go at the end
        if t.grade_id not in placed:
            add_test(t)
    ours = {0, *which["guards"]}  # the grader's own cells read none of the notebook's names
    sources = [
        c.source if c.cell_type == "code" and i not in ours else None for i, c in enumerate(cells)
    ]
    skip = needed.skippable(sources, optional)
    keep = [i for i in range(len(cells)) if i not in skip]
    new_index = {old: new for new, old in enumerate(keep)}
    skipped = sorted(which["student"][i] for i in skip)
    which["lecture"] = {i: which["student"][i] for i in optional}
    which = {k: {new_index[i]: v for i, v in d.items() if i in new_index} for k, d in which.items()}
    which["skipped"] = skipped
    nb = nbformat.v4.new_notebook(metadata=solution.metadata)
    nb.cells = [cells[i] for i in keep]
    return nb, which


@dataclass
class RunOptions:
    """How a submission's kernel runs."""

    cell_timeout: int = 120  # seconds per cell (then interrupted; then killed)
    notebook_timeout: int = 900  # seconds for the whole notebook
    scale: float = DEFAULT_SCALE  # COURSE_SCALE in the kernel
    threads: int = 1  # torch/OpenMP threads in the kernel (jobs x threads <= cores)
    sandbox: bool = True  # False only where sandbox.available() says it cannot be
    slot: int = 0  # which parallel job: each runs its kernel as its own user
    memory_bytes: int = 6 << 30


def _run(nb, options: RunOptions) -> tuple[dict[int, str | None], str | None]:
    """Execute in a separate worker -> {cell index: error or None} of the cells that ran, and a
    problem or None. The worker's stdout carries only its own records: the kernel never
    writes to it (see execute.py)."""
    request = {
        "notebook": nbformat.writes(nb),
        "cell_timeout": options.cell_timeout,
        "notebook_timeout": options.notebook_timeout,
        "sandbox": options.sandbox,
        "readonly": sandbox.needed_paths() if options.sandbox else [],
        "slot": options.slot,
        "memory_bytes": options.memory_bytes,
        "env": {
            "COURSE_SCALE": f"{options.scale:g}",
            "OMP_NUM_THREADS": str(options.threads),
            "MKL_NUM_THREADS": str(options.threads),
        },
    }
    process = subprocess.Popen(
        [sys.executable, "-I", str(Path(__file__).resolve().with_name("execute.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a backstop kill takes it all
    )
    problem = None
    backstop = options.notebook_timeout + 120  # the worker enforces the limits; this is a net
    try:
        stdout, stderr = process.communicate(json.dumps(request), timeout=backstop)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its sandboxed kernel dies with it
        stdout, stderr = process.communicate()
        problem = f"the notebook ran out of time ({options.notebook_timeout} s)"
    ran, done = {}, None
    for line in stdout.splitlines():
        try:
            record = json.loads(line)
            if record.get("done"):
                done = record
            else:
                ran[int(record["index"])] = record["error"]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            continue
    if done is not None:
        problem = done.get("problem")
    elif problem is None:
        last = stderr.strip().splitlines()[-1:] or ["no message"]
        problem = f"the grader's worker failed: {last[0][:300]}"
    return ran, problem


# Assignments whose notebook was split or renumbered (issue 14: one notebook per lecture). A
# class may still hand in the old student notebook: it is graded as every assignment its
# exercises went to (the exercise cells kept their ids, so the tests find their places).
RENAMED: dict[str, tuple[str, ...]] = {
    "03_backprop_through_time": ("03_bptt", "04_training_rnns"),
    "04_lstm_gru": ("05_lstm_gru",),
    "05_seq2seq_attention": ("07_seq2seq_attention",),
    "06_image_captioning": ("08_image_captioning",),
}


def handed_in_as(path: Path, submission, solutions: dict[str, Path]) -> str | None:
    """The assignment name a submission carries: its student notebook's metadata, else the
    longest known name in its file name (a current or a RENAMED one)."""
    known = set(solutions) | set(RENAMED)
    if submission is not None:
        name = submission.metadata.get("course_homework", {}).get("assignment")
        if name in known:
            return name
    matches = [name for name in known if name in path.stem]
    return max(matches, key=len) if matches else None


def match_assignments(path: Path, submission, solutions: dict[str, Path]) -> list[str]:
    """The assignments a submission is graded as: one, or each successor of a RENAMED one."""
    name = handed_in_as(path, submission, solutions)
    return [n for n in RENAMED.get(name, (name,)) if n in solutions] if name else []


def match_assignment(path: Path, submission, solutions: dict[str, Path]) -> str | None:
    """The first assignment a submission is graded as (None: unknown)."""
    return next(iter(match_assignments(path, submission, solutions)), None)


def read_submission(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The submitted notebook, or None and why it cannot be graded."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, f"cannot be read as text: {err}"
    try:
        json.loads(text)  # first, for a JSON error with its line and column
        submission = nbformat.reads(text, as_version=4)  # nbformat 3 is converted
        nbformat.validate(submission)
    except json.JSONDecodeError as err:
        return None, f"not valid JSON (line {err.lineno}, column {err.colno})"
    except Exception as err:  # any other failure to read it is the same verdict for us
        return None, f"not a Jupyter notebook ({type(err).__name__}: {err})"[:400]
    return submission, None


def grade_submission(
    path: Path,
    solutions: dict[str, Path],
    options: RunOptions | None = None,
    assignment: str | None = None,
    **limits,
) -> GradeReport:
    """Grade one file against the matching solution notebook -> a GradeReport (never raises).

    ``assignment``: which one, for a file graded as several (``match_assignments``); default
    the first it matches. ``limits``: ``cell_timeout=``/... override fields of ``options``."""
    options = RunOptions(**{**asdict(options or RunOptions()), **limits})
    if options.sandbox and not sandbox.available()[0]:
        options.sandbox = False
    path = Path(path)
    submission, problem = read_submission(path)
    assignment = assignment or match_assignment(path, submission, solutions)
    report = GradeReport(path.name, assignment, sandboxed=options.sandbox)
    carried = handed_in_as(path, submission, solutions)
    if carried != assignment:
        report.handed_in_as = carried
    if not options.sandbox:
        report.problems.append("NOT SANDBOXED: " + (sandbox.available()[1] or "turned off"))
    if assignment is None:
        report.problems.append("cannot tell which assignment this is (name it like the notebook)")
        return report
    solution = nbformat.read(solutions[assignment], as_version=4)
    tests = graded_cells(solution)  # points come from here, never from the submission
    if submission is None:
        report.problems.append(problem)
        report.results = _zero(tests, f"no points: the file is {problem}")
        return report
    if report.handed_in_as:  # an old handout: only the exercises it had
        tests = handed_out_tests(submission, solution)
    nb, which = build_graded_notebook(submission, solution, tests)
    report.flags = guard.suspicious(
        [nb.cells[i].source for i in which["student"]]  # the student's code cells only
    )
    ran, problem = _run(nb, options)
    student_ran = [i for i in ran if i in which["student"]]
    report.cells_run = len(student_ran)
    report.cells_total = sum(bool(nb.cells[i].source.strip()) for i in which["student"])
    report.skipped_cells = which["skipped"]
    report.cell_errors = [
        f"{'lecture cell' if i in which['lecture'] else 'your cell'} {which['student'][i]} "
        f"raised {ran[i]}"
        for i in sorted(student_ran)
        if ran[i]
    ]
    if problem:
        report.problems.append(problem)
    guard_of = {grade_id: index for index, grade_id in which["guards"].items()}
    points = {t.grade_id: t.points for t in tests}
    for index, grade_id in which["tests"].items():
        max_points, guard_index = points[grade_id], guard_of[grade_id]
        if index not in ran:
            why = "not run: " + (problem or "the run stopped before it")
            report.results.append(TestResult(grade_id, 0.0, max_points, why))
        elif ran.get(guard_index) is not None:
            why = "test not trusted: the grader could not restore the functions it checks with"
            report.results.append(TestResult(grade_id, 0.0, max_points, why))
        elif ran[index] is None:
            report.results.append(TestResult(grade_id, max_points, max_points))
        else:
            report.results.append(TestResult(grade_id, 0.0, max_points, failure(ran[index])))
    order = [t.grade_id for t in tests]
    report.results.sort(key=lambda r: order.index(r.grade_id))
    return report


def failure(error: str) -> str:
    """What a student reads for a failed test: the message, never the hidden test's code."""
    name, _, message = error.partition(": ")
    if not message.strip():
        return f"test failed: {name} (the test gives no message: check the exercise's spec)"
    return f"test failed: {error}"


def solution_notebooks(folder: Path) -> dict[str, Path]:
    """Assignment name -> solution notebook, for every notebook in ``folder`` with graded cells."""
    found = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        if graded_cells(nbformat.read(path, as_version=4)):
            found[path.stem] = path
    return found
