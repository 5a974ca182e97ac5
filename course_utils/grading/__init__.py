"""Homework tooling: student versions of the solution notebooks, and automatic grading.

The markers are nbgrader's, so solution notebooks stay compatible with it:

* in a code cell, ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` encloses the solution; the
  student version replaces it with ``raise NotImplementedError(...)`` (in a markdown cell,
  with "YOUR ANSWER HERE");
* a graded test cell has ``{"nbgrader": {"grade": true, "grade_id": ..., "points": ...}}``
  in its metadata; ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` inside it is
  removed from the student version and put back only at grading time;
* an exercise may have several graded cells, its test cases, each earning its own points
  (partial credit): their grade_ids share the part before a "." (``ex1.values``,
  ``ex1.large_logits``); feedback, the per-exercise sheet and the class statistics group them.

At grading, lecture cells the student left unchanged and that no test or answer reads are not
run (training runs, plots; see ``needed``), so a submission grades in seconds.

We use a compact tool on ``nbformat`` + ``nbclient`` instead of nbgrader itself: nbgrader
wants its course directory layout, a gradebook database and a Jupyter server extension,
while a lecturer here needs two commands (``make student``, ``make grade``) that run offline.
"""

import importlib

# The names below load on first use (PEP 562): every graded kernel imports
# ``course_utils.grading.guard`` before the student's cells, and importing the whole
# grader there (nbformat, jsonschema, the report writers) cost each submission ~3 s.
_EXPORTS = {
    "GradeReport": "course_utils.grading.grade",
    "RunOptions": "course_utils.grading.grade",
    "grade_submission": "course_utils.grading.grade",
    "grade_folder": "course_utils.grading.batch",
    "merge": "course_utils.grading.batch",
    "make_student": "course_utils.grading.student",
    "write_student_versions": "course_utils.grading.student",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """Import a public name's module the first time the name is used."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
