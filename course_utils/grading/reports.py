"""What grading writes: for the TA, for each student, for the gradebook, for the lecturer.

In the output folder:
- ``grades.csv``: one row per submission and exercise (points, max points, feedback);
- ``reports.json``: every report, for ``merge`` and for scripts;
- ``feedback/<submission>.md``: what one student reads (points per exercise, why points were
  lost, the errors their own cells raised; never a hidden test's code);
- ``scores-<assignment>.csv``: student id, total, one column per exercise;
- ``canvas.csv``: Canvas's gradebook import format (one column per assignment, a
  "Points Possible" row), students from the roster;
- ``summary.md``: warnings first, then every submission, then per exercise across the class:
  mean, share with full marks, the most frequent failure messages; a histogram of totals.

A roster (``roster.csv`` with columns ``id,name,pattern``; ``pattern`` a file-name glob such as
``*alice*``) names the students; a student on it without a submission gets zero, "no
submission". Without a roster, a student is the file name minus the assignment's name.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_utils.atomic import atomic_write_text
from course_utils.grading.grade import GradeReport, TestResult
from course_utils.grading.markers import exercise_of, graded_cells


@dataclass(frozen=True)
class Student:
    id: str
    name: str
    pattern: str = ""


def read_roster(path: Path) -> list[Student]:
    """The students of ``roster.csv`` (columns id, name, pattern); errors name the line."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    students = []
    for line, row in enumerate(rows, start=2):
        if not row.get("id"):
            raise ValueError(
                f"{path}, line {line}: every student needs an id (columns: id,name,pattern)"
            )
        students.append(
            Student(
                row["id"].strip(),
                (row.get("name") or "").strip(),
                (row.get("pattern") or "").strip(),
            )
        )
    return students


def student_of(report: GradeReport, roster: list[Student] | None) -> Student:
    """Who handed in this submission: the roster entry whose pattern matches its file name."""
    name = Path(report.submission).name
    for s in roster or []:
        if s.pattern and fnmatch.fnmatch(name.lower(), s.pattern.lower()):
            return s
    stem = Path(name).stem
    if report.handed_in_as or report.assignment:
        stem = stem.replace(report.handed_in_as or report.assignment, "")
    stem = re.sub(r"^[\s_.-]+|[\s_.-]+$", "", stem) or Path(name).stem
    return Student(stem, "")


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def feedback(report: GradeReport) -> str:
    """One student's feedback, as Markdown."""
    lines = [f"# Feedback: {report.submission}", ""]
    if report.assignment:
        lines.append(
            f"Assignment **{report.assignment}**: "
            f"**{report.total:g} / {report.max_total:g}** points."
        )
    if report.handed_in_as:
        lines.append(
            f"(Handed in as **{report.handed_in_as}**, a notebook since split or renumbered: "
            "its exercises are graded under the assignments they moved to.)"
        )
    lines.append("")
    for p in report.problems:
        if not p.startswith("NOT SANDBOXED"):
            lines.append(f"- Problem with the submission: {p}")
    if report.results:
        lines += ["", "| exercise | points | why points were lost |", "|---|---|---|"]
        for exercise, cases in by_exercise(report.results).items():
            if len(cases) > 1 or cases[0].grade_id != exercise:  # partial credit: one row each
                got, most = sum(c.points for c in cases), sum(c.max_points for c in cases)
                lines.append(f"| **{exercise}** | **{got:g} / {most:g}** | |")
            for r in cases:
                why = r.feedback.replace("|", "\\|").replace("\n", " ") or "full marks"
                name = (
                    r.grade_id
                    if r.grade_id == exercise
                    else f"{exercise} › {r.grade_id[len(exercise) + 1 :]}"
                )
                lines.append(f"| {name} | {r.points:g} / {r.max_points:g} | {why} |")
    if report.cell_errors:
        lines += [
            "",
            "Errors raised by cells of your notebook (fix these first: later cells may depend on "
            "them; a lecture cell can also fail because of a change in an earlier cell):",
            "",
        ]
        lines += [f"- {e}" for e in report.cell_errors]
    if report.skipped_cells:
        lines += [
            "",
            "Not run by the grader (lecture cells you left unchanged that no test or answer of "
            "yours reads): cells " + ", ".join(map(str, report.skipped_cells)) + ".",
        ]
    lines += [
        "",
        "Hidden tests ran as well; their messages say what was expected and what your code "
        "returned.",
    ]
    return "\n".join(lines) + "\n"


def by_exercise(results: list[TestResult]) -> dict[str, list[TestResult]]:
    """Test cases grouped by exercise, in order (see markers.exercise_of)."""
    groups: dict[str, list[TestResult]] = {}
    for r in results:
        groups.setdefault(exercise_of(r.grade_id), []).append(r)
    return groups


def exercise_order(
    reports: list[GradeReport], solutions: dict[str, Path] | None
) -> dict[str, list[str]]:
    """Assignment -> its exercises in notebook order."""
    order: dict[str, list[str]] = {}
    for name, path in (solutions or {}).items():
        order[name] = [t.grade_id for t in graded_cells(nbformat.read(path, as_version=4))]
    for r in reports:
        if r.assignment and r.assignment not in order:
            order[r.assignment] = [t.grade_id for t in r.results]
    return order


def with_missing_students(
    reports: list[GradeReport],
    roster: list[Student] | None,
    order: dict[str, list[str]],
    points: dict,
) -> tuple[list[GradeReport], dict[str, Student]]:
    """Add a zero report, "no submission", for each roster student missing an assignment."""
    if not roster:
        return reports, {}
    handed_in = {(student_of(r, roster).id, r.assignment) for r in reports}
    missing = []
    for assignment in sorted({r.assignment for r in reports if r.assignment} or order):
        for s in roster:
            if (s.id, assignment) not in handed_in:
                results = [
                    TestResult(g, 0.0, points.get((assignment, g), 0.0), "no submission")
                    for g in order.get(assignment, [])
                ]
                report = GradeReport(f"(no submission: {s.id})", assignment, results)
                report.problems.append("no submission")
                missing.append((s, report))
    return reports + [r for _, r in missing], {r.submission: s for s, r in missing}


def _groups(grade_ids: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for g in grade_ids:
        groups.setdefault(exercise_of(g), []).append(g)
    return groups


def _exercise_points(report: GradeReport, cases: list[str], maximum: bool = False) -> float:
    """A report's points (or the most it could earn) on the cases of one exercise."""
    return sum(t.max_points if maximum else t.points for t in report.results if t.grade_id in cases)


def class_statistics(reports: list[GradeReport], order: dict[str, list[str]]) -> list[str]:
    """Per assignment and exercise: mean, share with full marks, the most frequent failures."""
    lines = []
    for assignment, exercises in order.items():
        mine = [r for r in reports if r.assignment == assignment]
        if not mine:
            continue
        lines += [f"## Class statistics: {assignment} ({len(mine)} students)", ""]
        lines += [
            "| exercise (test case) | mean | full marks | most frequent failures |",
            "|---|---|---|---|",
        ]
        for exercise, cases in _groups(exercises).items():
            if len(cases) > 1:  # the exercise as a whole, then each case
                totals = [_exercise_points(r, cases) for r in mine]
                most = sum(_exercise_points(r, cases, maximum=True) for r in mine[:1])
                mean = sum(totals) / len(totals)
                full = sum(t == most for t in totals) / len(totals)
                lines.append(f"| **{exercise}** | {mean:.2f} / {most:g} | {full:.0%} | |")
            for g in cases:
                results = [t for r in mine for t in r.results if t.grade_id == g]
                if not results:
                    continue
                mean = sum(t.points for t in results) / len(results)
                full = sum(t.points == t.max_points for t in results) / len(results)
                failed = Counter(t.feedback for t in results if t.points < t.max_points)
                failures = "; ".join(f"{n}x {msg[:90]}" for msg, n in failed.most_common(3))
                failures = failures.replace("|", "\\|") or "-"
                lines.append(
                    f"| {g} | {mean:.2f} / {results[0].max_points:g} | {full:.0%} | {failures} |"
                )
        totals = [r.total for r in mine]
        top = max(r.max_total for r in mine) or 1
        lines += ["", "Totals:", "", "```"]
        bins = Counter(min(int(10 * t / top), 9) for t in totals)
        for b in range(10):
            lo, hi = b * top / 10, (b + 1) * top / 10
            lines.append(f"{lo:5.1f}-{hi:5.1f} | {'#' * bins.get(b, 0)} {bins.get(b, 0)}")
        lines += ["```", ""]
    return lines


def write_all(
    reports: list[GradeReport],
    out_dir: Path,
    roster: Path | None = None,
    solutions: dict[str, Path] | None = None,
) -> None:
    """Write every report file into ``out_dir`` (same input, same bytes)."""
    reports = sorted(reports, key=lambda r: r.submission)
    students = read_roster(roster) if roster else None
    order = exercise_order(reports, solutions)
    points = {(r.assignment, t.grade_id): t.max_points for r in reports for t in r.results}
    for name, path in (solutions or {}).items():
        for t in graded_cells(nbformat.read(path, as_version=4)):
            points[(name, t.grade_id)] = t.points
    everyone, absent = with_missing_students(reports, students, order, points)
    who = {r.submission: absent.get(r.submission) or student_of(r, students) for r in everyone}

    atomic_write_text(
        out_dir / "reports.json", json.dumps([r.to_dict() for r in reports], indent=1)
    )
    rows = [["submission", "assignment", "exercise", "points", "max_points", "feedback"]]
    for r in reports:
        for t in r.results or [TestResult("-", 0.0, 0.0, "; ".join(r.problems))]:
            rows.append(
                [r.submission, r.assignment or "", t.grade_id, t.points, t.max_points, t.feedback]
            )
    atomic_write_text(out_dir / "grades.csv", _csv(rows))
    names = Counter(r.submission for r in reports)
    for r in reports:
        # a file graded as several assignments (an old, split notebook) gets one page for each
        page = r.submission if names[r.submission] == 1 else f"{r.submission}.{r.assignment}"
        atomic_write_text(out_dir / "feedback" / f"{page}.md", feedback(r))

    best: dict[tuple[str, str], GradeReport] = {}  # a student's best submission per assignment
    for r in everyone:
        if r.assignment:
            key = (who[r.submission].id, r.assignment)
            if key not in best or r.total > best[key].total:
                best[key] = r
    for assignment, cases in order.items():
        exercises = _groups(cases)  # one column per exercise: its cases' points summed
        sheet = [["student_id", "total", *exercises]]
        for (sid, a), r in sorted(best.items()):
            if a == assignment:
                got = [_exercise_points(r, c) for c in exercises.values()]
                sheet.append([sid, f"{r.total:g}", *(f"{p:g}" for p in got)])
        if len(sheet) > 1:
            atomic_write_text(out_dir / f"scores-{assignment}.csv", _csv(sheet))
    assignments = [a for a in order if any(k[1] == a for k in best)]
    canvas = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments]]
    possible = {a: sum(points.get((a, g), 0.0) for g in order[a]) for a in assignments}
    canvas.append(["Points Possible", "", "", "", "", *(f"{possible[a]:g}" for a in assignments)])
    people = {who[r.submission].id: who[r.submission] for r in everyone}
    for sid in sorted(people):
        s = people[sid]
        cells = [f"{best[(sid, a)].total:g}" if (sid, a) in best else "" for a in assignments]
        canvas.append([s.name or sid, "", sid, "", "", *cells])
    atomic_write_text(out_dir / "canvas.csv", _csv(canvas))

    lines = ["# Grades", ""]
    unsandboxed = [r for r in reports if not r.sandboxed]
    if unsandboxed:
        why = next(p for p in unsandboxed[0].problems if p.startswith("NOT SANDBOXED"))
        lines += [
            f"**WARNING: {len(unsandboxed)} SUBMISSION(S) WERE GRADED WITHOUT A SANDBOX** "
            f"({why}): their code could read the solutions and other submissions. Grade on a "
            "Linux machine with `unshare` (see the README).",
            "",
        ]
    flagged = [r for r in reports if r.flags]
    if flagged:
        lines += [
            "**For review** (code that reaches for the grader's or IPython's machinery; "
            "points unchanged):",
            "",
        ]
        lines += [f"- {r.submission}: {', '.join(r.flags)}" for r in flagged] + [""]
    for r in everyone:
        lines.append(
            f"## {r.submission}: {r.total:g} / {r.max_total:g} "
            f"({r.assignment or 'unknown assignment'}; student {who[r.submission].id})"
        )
        lines += [f"- problem: {p}" for p in r.problems if not p.startswith("NOT SANDBOXED")]
        lines += [
            f"- {t.grade_id}: {t.points:g} / {t.max_points:g}"
            + (f" — {t.feedback}" if t.feedback else "")
            for t in r.results
        ]
        lines.append("")
    lines += class_statistics(everyone, order)
    atomic_write_text(out_dir / "summary.md", "\n".join(lines))
