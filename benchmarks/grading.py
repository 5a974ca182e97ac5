"""Submissions per minute: the grader with --jobs 1 and --jobs 2 (and more where cores allow).

Grades N copies each of a notebook's solution and its student version, at the grader's
default scale, once per job count, in one run (every run starts from an empty cache). Prints
submissions per minute, the median and spread of the seconds per submission as seen by the
whole run (wall time x jobs / submissions), and the speed-up over one job.

    python benchmarks/grading.py                          # notebook 01, 4 + 4 submissions
    python benchmarks/grading.py --notebook notebooks/05_lstm_gru.ipynb --copies 2
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from course_utils.grading import grade_folder, make_student
from course_utils.grading.batch import usable_cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notebook", type=Path, default=Path("notebooks/01_modelling_sequences.ipynb")
    )
    parser.add_argument(
        "--copies", type=int, default=4, help="of the solution and the student version"
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeats per job count (median)")
    args = parser.parse_args()
    solution = nbformat.read(args.notebook, as_version=4)
    student = make_student(solution, args.notebook.stem)
    job_counts = sorted({1, 2, usable_cores()})
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for k in range(args.copies):
            nbformat.write(solution, folder / f"{args.notebook.stem}-solution-{k}.ipynb")
            nbformat.write(student, folder / f"{args.notebook.stem}-student-{k}.ipynb")
        n = 2 * args.copies
        print(f"{args.notebook.name}: {n} submissions, {usable_cores()} cores")
        print(
            f"{'jobs':>4} {'subm./min':>10} {'s/subm. (median)':>17} {'spread':>8} {'speed-up':>9}"
        )
        base = None
        for jobs in job_counts:
            per_submission = []
            for r in range(args.rounds):
                start = time.perf_counter()
                grade_folder(
                    folder,
                    args.notebook.parent,
                    Path(tmp) / f"out-{jobs}-{r}",
                    jobs=jobs,
                    progress=False,
                )
                per_submission.append((time.perf_counter() - start) * jobs / n)
            median = statistics.median(per_submission)
            spread = max(per_submission) - min(per_submission)
            rate = 60 * jobs / median
            base = base or rate
            print(f"{jobs:>4} {rate:>10.1f} {median:>17.1f} {spread:>8.1f} {rate / base:>8.2f}x")


if __name__ == "__main__":
    main()
