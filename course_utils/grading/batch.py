"""Grade a folder of submissions: in parallel, incrementally, and split across machines.

    python -m course_utils.grading grade SUBMISSIONS [--jobs N] [--shard K/N] [--roster CSV]
    python -m course_utils.grading merge OUT_1 OUT_2 ... --out OUT

- ``--jobs N`` kernels at once (default: one per two cores, each with its share of threads);
- a finished submission's report is cached under ``OUT/cache``, keyed by the hash of the
  file, of its solution notebook and of the grading settings: a second run on the same folder
  regrades only new or changed files, and an interrupted run resumes where it stopped;
- ``--shard K/N`` grades every N-th file (the K-th of each N, in name order), so N jobs of a
  cluster scheduler (``scripts/grade.slurm``) share a class; ``merge`` joins their outputs
  into the same reports one run would have written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, replace
from pathlib import Path

from tqdm.auto import tqdm

from course_utils.atomic import atomic_write_text
from course_utils.grading import reports, sandbox
from course_utils.grading.grade import (
    DEFAULT_SCALE,
    GradeReport,
    RunOptions,
    grade_submission,
    match_assignments,
    read_submission,
    solution_notebooks,
)

GRADER_VERSION = "2"  # part of every cache key: a new grader regrades everything


def submission_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (recursively), in name order; editor leftovers excluded."""
    return sorted(
        p
        for p in Path(folder).rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and not p.name.startswith(".~")
    )


def parse_shard(text: str) -> tuple[int, int]:
    """'2/5' -> (2, 5): the second of five shards."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard must look like K/N (e.g. 2/5), got {text!r}") from None
    if not 1 <= k <= n:
        raise ValueError(f"--shard {text}: K must be between 1 and N")
    return k, n


def usable_cores() -> int:
    """The cores this process may use (a cluster job's share, not the whole node's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_jobs() -> int:
    """One kernel per two cores, each with two threads: a notebook's training cells use two
    threads well, and on 2 cores two 1-thread jobs were slower than one 2-thread job
    (benchmarks/grading.py: 0.88x for notebook 01)."""
    return max(1, usable_cores() // 2)


def cache_key(path: Path, solution: Path | None, options: RunOptions) -> str:
    digest = hashlib.sha256(GRADER_VERSION.encode())
    digest.update(Path(path).read_bytes())
    digest.update(Path(solution).read_bytes() if solution else b"-")
    # which job and how many threads do not change a grade: a rerun with other --jobs hits
    settings = {k: v for k, v in asdict(options).items() if k not in ("slot", "threads")}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def _jobs_for(path: Path, solutions: dict[str, Path]) -> list[str | None]:
    """The assignments one file is graded as ([None]: unknown, still reported)."""
    return match_assignments(path, read_submission(path)[0], solutions) or [None]


def grade_folder(
    submissions: Path,
    solutions: Path,
    out_dir: Path,
    options: RunOptions | None = None,
    jobs: int | None = None,
    shard: tuple[int, int] = (1, 1),
    roster: Path | None = None,
    progress: bool = True,
    **limits,
) -> list[GradeReport]:
    """Grade every file in ``submissions``; write the reports into ``out_dir``."""
    jobs = jobs or default_jobs()
    cores = usable_cores()
    options = RunOptions(**{**asdict(options or RunOptions()), **limits})
    if "threads" not in limits:
        options.threads = max(1, cores // jobs)  # jobs x threads = the cores, no more
    options.sandbox = options.sandbox and sandbox.available()[0]
    known = solution_notebooks(solutions)
    k, n = shard
    files = [p for i, p in enumerate(submission_files(submissions)) if i % n == k - 1]
    cache = Path(out_dir) / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)

    def one(path: Path, assignment: str | None) -> GradeReport:
        key = cache_key(path, known.get(assignment) if assignment else None, options)
        cached = cache / f"{key}.json"
        if cached.exists():
            try:
                return GradeReport.from_dict(json.loads(cached.read_text(encoding="utf-8")))
            except (json.JSONDecodeError, TypeError):
                pass  # a damaged cache entry: grade again
        slot = slots.get()
        try:
            report = grade_submission(path, known, replace(options, slot=slot), assignment)
        finally:
            slots.put(slot)
        atomic_write_text(cached, json.dumps(report.to_dict()))
        return report

    todo = [(path, assignment) for path in files for assignment in _jobs_for(path, known)]
    done: dict[tuple, GradeReport] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(one, *job): job for job in todo}
        bar = tqdm(total=len(todo), desc="grading", unit="submission", disable=not progress)
        for future in as_completed(futures):
            path, _ = job = futures[future]
            report = future.result()
            report.submission = str(path.relative_to(submissions))
            done[job] = report
            bar.set_postfix_str(f"{report.submission}: {report.total:g}/{report.max_total:g}")
            bar.update()
        bar.close()
    graded = [done[job] for job in todo]
    reports.write_all(graded, Path(out_dir), roster=roster, solutions=known)
    return graded


def merge(out_dirs: list[Path], out_dir: Path, roster: Path | None = None, solutions=None):
    """Join the reports of several shards' output folders into one set of reports."""
    graded = []
    for folder in out_dirs:
        path = Path(folder) / "reports.json"
        if not path.exists():
            raise FileNotFoundError(f"{path}: not a grading output folder (no reports.json)")
        graded += [GradeReport.from_dict(r) for r in json.loads(path.read_text("utf-8"))]
    graded.sort(key=lambda r: r.submission)
    known = solution_notebooks(solutions) if solutions else None
    reports.write_all(graded, Path(out_dir), roster=roster, solutions=known)
    return graded


def main(argv: list[str] | None = None) -> None:
    """``grade``: grade a folder of submissions."""
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.grading grade", description="grade a folder of notebooks"
    )
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--solutions", type=Path, default=Path("notebooks"))
    parser.add_argument("--out", type=Path, default=Path("build/grades"))
    parser.add_argument("--roster", type=Path, help="roster.csv: id,name,pattern")
    parser.add_argument("--jobs", type=int, default=None, help="kernels at once (default: cores)")
    parser.add_argument("--shard", default="1/1", help="grade the K-th of every N files: K/N")
    scale = os.environ.get("GRADE_SCALE", str(DEFAULT_SCALE))
    parser.add_argument(
        "--scale", type=float, default=float(scale), help="COURSE_SCALE of the kernels"
    )
    parser.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument("--notebook-timeout", type=int, default=900, help="seconds per notebook")
    parser.add_argument(
        "--no-sandbox", action="store_true", help="run kernels unconfined (trusted code only)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        shard = parse_shard(args.shard)
    except ValueError as err:
        parser.error(str(err))
    ok, why = sandbox.available()
    if not ok and not args.no_sandbox:
        print(f"WARNING: grading WITHOUT a sandbox: {why}", file=sys.stderr)
    options = RunOptions(
        cell_timeout=args.cell_timeout,
        notebook_timeout=args.notebook_timeout,
        scale=args.scale,
        sandbox=not args.no_sandbox,
    )
    graded = grade_folder(
        args.submissions,
        args.solutions,
        args.out,
        options,
        jobs=args.jobs,
        shard=shard,
        roster=args.roster,
        progress=not args.quiet,
    )
    for r in graded:
        print(f"{r.submission}: {r.total:g} / {r.max_total:g}")
    print(f"graded {len(graded)} file(s): reports in {args.out}/ (summary.md, feedback/, ...)")


def merge_main(argv: list[str] | None = None) -> None:
    """``merge``: join the output folders of several shards."""
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.grading merge", description="join shards' grading outputs"
    )
    parser.add_argument("shards", type=Path, nargs="+", help="the shards' --out folders")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--solutions", type=Path, default=Path("notebooks"))
    args = parser.parse_args(argv)
    graded = merge(args.shards, args.out, roster=args.roster, solutions=args.solutions)
    print(f"merged {len(graded)} report(s) into {args.out}/")
