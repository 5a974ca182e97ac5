"""Command line: ``python -m course_utils.grading student ...`` or ``... grade ...``.

python -m course_utils.grading student notebooks build/student
python -m course_utils.grading grade SUBMISSIONS --solutions notebooks --out build/grades
python -m course_utils.grading merge SHARD_OUT_1 SHARD_OUT_2 ... --out build/grades
"""

from __future__ import annotations

import sys

from course_utils.grading import batch, student

COMMANDS = {"student": student.main, "grade": batch.main, "merge": batch.merge_main}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        sys.exit(
            "usage: python -m course_utils.grading {student,grade,merge} ...  (--help after either)"
        )
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main()
