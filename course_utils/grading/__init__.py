"""Homework tooling: student versions of the solution notebooks, and automatic grading.

The markers are nbgrader's, so solution notebooks stay compatible with it:

* in a code cell, ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` encloses the solution; the
  student version replaces it with ``raise NotImplementedError(...)`` (in a markdown cell,
  with "YOUR ANSWER HERE");
* a graded test cell has ``{"nbgrader": {"grade": true, "grade_id": ..., "points": ...}}``
  in its metadata; ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` inside it is
  removed from the student version and put back only at grading time.

We use a compact tool on ``nbformat`` + ``nbclient`` instead of nbgrader itself: nbgrader
wants its course directory layout, a gradebook database and a Jupyter server extension,
while a lecturer here needs two commands (``make student``, ``make grade``) that run offline.
"""

from course_utils.grading.batch import grade_folder, merge
from course_utils.grading.grade import GradeReport, RunOptions, grade_submission
from course_utils.grading.student import make_student, write_student_versions

__all__ = [
    "GradeReport",
    "RunOptions",
    "grade_folder",
    "grade_submission",
    "merge",
    "make_student",
    "write_student_versions",
]
