"""Hostile submissions, graded in one folder next to a normal one: each earns exactly what it
solved, grading finishes, and nothing of the others (or of the grader) is lost.

Every attack here was tried against an earlier grader and worked there (issue 12): reading
the solution notebook from disk, an IPython exception handler that hides failures, forged
result lines on the kernel's stdout, monkeypatched comparisons, overwriting other files, ...
"""

import hashlib
import subprocess
import sys
import time
import uuid

import nbformat
import pytest

from course_utils.grading import grade_folder, make_student
from course_utils.grading.sandbox import available
from tests.test_grading import SOFTMAX, make_folders

pytestmark = pytest.mark.skipif(not available()[0], reason=f"no sandbox here: {available()[1]}")

SOLVED_SQUARE = "def square(x):\n    return x * x"
MARKER = f"hostile-{uuid.uuid4().hex[:8]}"  # names the processes a submission leaves behind


def hostile(code: str, solve_square: bool = False):
    """The student version with ``code`` as its first cell; or, with square solved, as its
    last cell (after square's test: a hang or a crash there must not take back its points)."""

    def edit(nb):
        if solve_square:
            nb.cells[1].source = SOLVED_SQUARE
            nb.cells.append(nbformat.v4.new_code_cell(code))
        else:
            nb.cells.insert(0, nbformat.v4.new_code_cell(code))

    return edit


ATTACKS = {
    # full marks without solving anything, four ways
    "read-solution": """
import json, pathlib, course_utils
places = [pathlib.Path(course_utils.__file__).resolve().parents[1] / "notebooks",
          pathlib.Path(SOLUTIONS), pathlib.Path(SOLUTIONS).parent]
for place in places:
    for f in list(place.glob("*.ipynb")) + list(place.glob("*/*.ipynb")):
        try:
            cells = json.loads(f.read_text())["cells"]
        except Exception:
            continue
        for c in cells:
            if c["cell_type"] == "code" and "def " in "".join(c["source"]):
                exec("".join(c["source"]))
""",
    "custom-exc": "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
    "forged-stdout": """
import os, sys, json
for i in range(60):
    line = json.dumps({"index": i, "status": "ok", "error": None}) + "\\n"
    os.write(1, line.encode()); sys.__stdout__.write(line); sys.__stdout__.flush()
os.write(1, b'{"done": true, "problem": null}\\n')
""",
    "monkeypatch": """
import numpy as np, builtins, math
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
builtins.all = lambda *a, **k: True
math.isclose = lambda *a, **k: True
def square(x):
    return 9
def softmax(z):
    return z
""",
    "patch-showtraceback": """
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
type(ip).showtraceback = lambda *a, **k: None
""",
    # reading what it must not see
    "hunt-hidden-tests": """
import os
found = []
for top in ("/work", "/tmp", "/root", "/home", "/srv", "/var", "/mnt", "/opt"):
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in ("site-packages", "lib", "include", "share")]
        for f in files:
            if f.endswith((".ipynb", ".py", ".json", ".md")):
                try:
                    if "BEGIN HIDDEN TESTS" in open(os.path.join(root, f)).read():
                        found.append(os.path.join(root, f))
                except Exception:
                    pass
if found:
    def square(x):
        return x * x
""",
    # damage to others
    "tamper": """
import os, glob, pathlib
for pattern in ["/**/*.ipynb", SUBMISSIONS + "/*", SOLUTIONS + "/*", OUT + "/*"]:
    for f in glob.glob(pattern, recursive=True):
        try:
            pathlib.Path(f).write_text("destroyed")
        except Exception:
            pass
for d in (SOLUTIONS, SUBMISSIONS, OUT):
    try:
        pathlib.Path(d, "planted.txt").write_text("planted")
    except Exception:
        pass
for pid in os.listdir("/proc"):  # the grader's command line names the folders
    try:
        print(open(f"/proc/{pid}/cmdline").read())
    except Exception:
        pass
""",
    # hangs, exits and floods
    "ignore-sigint": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "while True:\n    pass",
    "blocked-c-call": "import signal, time\n"
    "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\ntime.sleep(10**6)",
    "os-exit": "import os\nos._exit(0)",
    "print-1gb": "import sys\nchunk = 'x' * 10**6\n"
    "for _ in range(1000):\n    sys.stdout.write(chunk)",
    "allocate-8gb": "big = bytearray(8 * 2**30)",
    "background": f"""
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)", "{MARKER}"],
                 start_new_session=True)
subprocess.Popen(["sleep", "1000"], stdout=sys.__stdout__, stderr=sys.__stderr__)
""",
}
# solve square, then attack in the last cell
SOLVES_SQUARE_TOO = {"ignore-sigint", "blocked-c-call", "os-exit", "print-1gb", "allocate-8gb"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    solutions, submissions = make_folders(root)
    out = root / "out"
    before = {p.name: p.read_bytes() for p in solutions.iterdir()}
    paths = {"SOLUTIONS": solutions, "SUBMISSIONS": submissions, "OUT": out}
    prelude = "".join(f"{k} = {str(v)!r}\n" for k, v in paths.items())
    base = make_student(nbformat.read(solutions / "hw1.ipynb", as_version=4), "hw1")  # same ids

    def write(name, edit=None):
        nb = nbformat.from_dict(base)
        if edit:
            edit(nb)
        nbformat.write(nb, submissions / name)

    def normal(nb):  # everything solved: full marks, whatever its neighbours do
        nb.cells[1].source = SOLVED_SQUARE
        nb.cells[4].source = SOFTMAX
        nb.cells[5].metadata["nbgrader"]["points"] = 1000  # edited metadata: ignored

    write("normal hw1 élève.ipynb", normal)  # spaces and non-ASCII in the name
    for name, code in ATTACKS.items():
        write(f"{name}_hw1.ipynb", hostile(prelude + code, name in SOLVES_SQUARE_TOO))
    (submissions / "invalid_hw1.ipynb").write_text('{"cells": [')
    v3 = nbformat.v3.new_notebook()  # an nbformat 3 file of the solved notebook
    v3.worksheets = [nbformat.v3.new_worksheet()]
    v3.worksheets[0].cells = [
        nbformat.v3.new_code_cell(SOLVED_SQUARE),
        nbformat.v3.new_code_cell(SOFTMAX),
    ]
    (submissions / "old-format_hw1.ipynb").write_text(nbformat.v3.writes_json(v3))
    started = time.monotonic()
    reports = grade_folder(
        submissions, solutions, out, jobs=2, cell_timeout=8, notebook_timeout=120, progress=False
    )
    seconds = time.monotonic() - started
    return {
        "reports": {r.submission: r for r in reports},
        "seconds": seconds,
        "solutions": solutions,
        "before": before,
        "out": out,
        "submissions": submissions,
    }


def points(report):
    return {r.grade_id: r.points for r in report.results}


def test_the_normal_submission_is_graded_unaffected(graded):
    report = graded["reports"]["normal hw1 élève.ipynb"]
    assert points(report) == {"square": 2, "softmax": 3}, report  # 1000 points: ignored
    assert report.sandboxed and not report.flags


@pytest.mark.parametrize(
    "name", ["read-solution", "custom-exc", "forged-stdout", "monkeypatch", "patch-showtraceback"]
)
def test_full_marks_attacks_earn_nothing(graded, name):
    assert points(graded["reports"][f"{name}_hw1.ipynb"]) == {"square": 0, "softmax": 0}


def test_hunting_for_hidden_tests_finds_nothing(graded):
    assert points(graded["reports"]["hunt-hidden-tests_hw1.ipynb"])["square"] == 0


def test_nothing_of_other_submissions_the_solutions_or_the_output_is_touched(graded):
    solutions = graded["solutions"]
    assert {p.name: p.read_bytes() for p in solutions.iterdir()} == graded["before"]
    assert not (graded["submissions"] / "planted.txt").exists()
    assert not (graded["out"] / "planted.txt").exists()
    for path in graded["submissions"].glob("*.ipynb"):
        assert path.read_text(encoding="utf-8") != "destroyed", path


@pytest.mark.parametrize("name", sorted(SOLVES_SQUARE_TOO))
def test_hangs_exits_floods_and_huge_allocations_keep_what_was_earned(graded, name):
    report = graded["reports"][f"{name}_hw1.ipynb"]
    assert points(report) == {"square": 2, "softmax": 0}, report  # earned before the attack
    if name == "allocate-8gb":  # the allocation fails with an error of its own
        assert any("MemoryError" in e for e in report.cell_errors), report.cell_errors
    if name in ("ignore-sigint", "blocked-c-call"):
        assert "ignored the interrupt" in " ".join(report.problems), report.problems
    if name == "os-exit":
        assert "kernel died" in " ".join(report.problems), report.problems


def test_no_process_outlives_grading_and_no_pipe_holds_it(graded):
    leftover = subprocess.run(["pgrep", "-f", MARKER], capture_output=True, text=True)
    assert leftover.stdout.strip() == "", "a submission's background process survived"
    assert graded["seconds"] < 600, "grading waited on something a submission left behind"


def test_broken_and_old_files_get_what_they_earned(graded):
    assert "not valid JSON" in graded["reports"]["invalid_hw1.ipynb"].problems[-1]
    old = graded["reports"]["old-format_hw1.ipynb"]  # converted from nbformat 3, and solved
    assert points(old) == {"square": 2, "softmax": 3}, old


def test_suspicious_code_is_flagged_for_review(graded):
    flags = graded["reports"]["custom-exc_hw1.ipynb"].flags
    assert "get_ipython" in flags and "set_custom_exc" in flags
    assert "os._exit" in graded["reports"]["os-exit_hw1.ipynb"].flags
    summary = (graded["out"] / "summary.md").read_text(encoding="utf-8")
    assert "For review" in summary and "custom-exc_hw1.ipynb" in summary


def test_every_submission_gets_a_feedback_file_without_hidden_code(graded):
    for name in graded["reports"]:
        text = (graded["out"] / "feedback" / f"{name}.md").read_text(encoding="utf-8")
        assert "square(-2)" not in text and "HIDDEN" not in text  # the hidden test's code


def test_a_kernel_cannot_reach_the_network(tmp_path):
    code = (
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=3)\n"
        "    raise SystemExit('connected')\nexcept OSError as err:\n    print(err)\n"
    )
    from course_utils.grading import sandbox

    config = sandbox.write_config(
        sandbox.SandboxConfig(
            workdir=str(tmp_path),
            home=str(tmp_path),
            runtime=str(tmp_path),
            readonly=sandbox.needed_paths(),
        ),
        tmp_path / "sandbox.json",
    )
    done = subprocess.run(
        sandbox.kernel_argv(config, [sys.executable, "-c", code]), capture_output=True, text=True
    )
    assert done.returncode == 0 and "unreachable" in done.stdout, (done.stdout, done.stderr)


def test_the_solution_files_are_byte_identical_after_grading(graded):
    digest = lambda d: {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in d.iterdir()}
    before = {k: hashlib.sha256(v).hexdigest() for k, v in graded["before"].items()}
    assert digest(graded["solutions"]) == before


def test_paths_under_tmp_stay_visible(tmp_path):
    """The sandbox's own /tmp must not hide what it binds there (a course cloned under /tmp)."""
    from course_utils.grading import sandbox

    shown = tmp_path / "course"
    shown.mkdir()
    (shown / "file.txt").write_text("visible")
    config = sandbox.write_config(
        sandbox.SandboxConfig(
            workdir=str(tmp_path),
            home=str(tmp_path),
            runtime=str(tmp_path),
            readonly=[*sandbox.needed_paths(), str(shown)],
        ),
        tmp_path / "sandbox.json",
    )
    code = f"print(open({str(shown / 'file.txt')!r}).read())"
    done = subprocess.run(
        sandbox.kernel_argv(config, [sys.executable, "-c", code]), capture_output=True, text=True
    )
    assert done.stdout.strip() == "visible", (done.stdout, done.stderr)
