"""Command line: ``python -m course_utils.grading student ...`` or ``... grade ...``.

python -m course_utils.grading student notebooks build/student
python -m course_utils.grading grade SUBMISSIONS --solutions notebooks --out build/grades
"""

from __future__ import annotations

import sys

from course_utils.grading import grade, student

COMMANDS = {"student": student.main, "grade": grade.main}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        sys.exit("usage: python -m course_utils.grading {student,grade} ...  (--help after either)")
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main()
