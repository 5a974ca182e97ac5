"""Headline results: recorded by the notebooks while they run, printed into the README.

A notebook calls ``record(...)`` in the cell that measures a number; the value goes to
``build/results.json`` (one entry per notebook, with the machine it ran on and the scale).
``make results`` rewrites the README's results block from that file, and ``make test``
checks, after running the notebooks, that the README still says what they printed. So no
figure in the README is typed in by hand, and none can drift from the code.

    record("02_elman_rnn", "elman_test_nll", 1.773, "Elman RNN, test NLL (nats/char)", ".3f")

    python -m course_utils.results            # print the README block
    python -m course_utils.results --write    # rewrite README.md between the markers
    python -m course_utils.results --check    # exit 1 if README.md differs (same machine only)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

import torch

from course_utils.atomic import atomic_write_text
from course_utils.device import course_scale

ROOT = Path(__file__).resolve().parents[1]
# One kernel = one run: a notebook's numbers from an earlier run are dropped when it records anew.
_RUN = f"{os.getpid()}-{time.time():.0f}"
BEGIN = "<!-- results: begin (written by `make results`; do not edit by hand) -->"
END = "<!-- results: end -->"


def results_path() -> Path | None:
    """Where results go: ``$COURSE_RESULTS`` ("" turns recording off), else build/results.json.

    A relative ``$COURSE_RESULTS`` is taken from the project root, not the current directory:
    notebook kernels run in notebooks/, the command that set the variable ran in the root.
    Outside a checkout of the course (an installed copy, a grading sandbox) nothing is recorded.
    """
    raw = os.environ.get("COURSE_RESULTS")
    if raw is not None:
        return ROOT / raw if raw else None  # an absolute raw stays as it is
    return ROOT / "build" / "results.json" if (ROOT / "pyproject.toml").is_file() else None


def cpu_name() -> str:
    """The CPU model as the OS reports it (Linux: /proc/cpuinfo), else the platform's name."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    """What the numbers depend on besides the code: CPU, torch threads, device, scale."""
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        device = torch.cuda.get_device_name(0)
    return {
        # the vector instructions torch's kernels use: CPUs that a VM names alike may differ
        "cpu": f"{cpu_name()}, {torch.backends.cpu.get_cpu_capability()}",
        "torch_threads": torch.get_num_threads(),
        "device": os.environ.get("COURSE_DEVICE") or device,
        "scale": course_scale(),
        "torch": torch.__version__,
    }


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, json.JSONDecodeError):
        return {}  # missing or damaged: start afresh (the notebooks write it again)


def record(
    notebook: str, key: str, value: float, label: str, fmt: str = ".3g", timed: bool = False
) -> float:
    """Record one headline number of ``notebook`` (e.g. "02_elman_rnn"); returns ``value``.

    ``label`` is the README's wording ("Elman RNN, test NLL (nats/char)"), ``fmt`` the format
    spec it is printed with. ``timed``: the number depends on the wall clock (a speed-up, or a
    model trained for a number of seconds), so it differs from run to run even on one machine:
    the README shows it, marked, and ``--check`` compares only that it is there. Recording is
    idempotent: the same key is overwritten.
    """
    value = float(value)
    path = results_path()
    if path is None:
        return value
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):  # `make test` runs notebooks side by side: no update may be lost
        data = _load(path)
        entry = data.setdefault(notebook, {})
        if entry.get("run") != _RUN:  # a new run of the notebook replaces all its old numbers
            entry.clear()
            entry.update(run=_RUN, machine=machine())
        entry.setdefault("values", {})[key] = {"label": label, "value": value, "fmt": fmt}
        if timed:
            entry["values"][key]["timed"] = True
        atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True))
    return value


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on ``path``'s lock file (a no-op where fcntl is missing: Windows,
    where notebooks are run one at a time)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def table(data: dict) -> str:
    """The README block: one row per recorded number, notebook by notebook."""
    machines = {json.dumps(e.get("machine", {}), sort_keys=True) for e in data.values()}
    lines = [BEGIN, ""]
    if len(machines) == 1:
        m = json.loads(machines.pop())
        lines.append(
            f"Recorded by the notebooks on {m.get('cpu')}, "
            f"torch threads: {m.get('torch_threads')}, device {m.get('device')}, "
            f"`COURSE_SCALE={m.get('scale'):g}`, torch {m.get('torch')}:"
        )
    else:
        lines.append("Recorded by the notebooks (on more than one set-up; see build/results.json):")
    lines += ["", "| notebook | result | value |", "|---|---|---|"]
    timed = False
    for notebook in sorted(data):
        for v in data[notebook].get("values", {}).values():
            mark = f" {TIMED}" if v.get("timed") else ""
            timed = timed or bool(mark)
            lines.append(
                f"| {notebook[:2]} | {v['label']}{mark} | {format(v['value'], v['fmt'])} |"
            )
    if timed:
        lines += [
            "",
            f"{TIMED} measured against the clock: differs from run to run (not compared).",
        ]
    lines += ["", END]
    return "\n".join(lines)


TIMED = "(timed)"


def _untimed(block: str) -> str:
    """The block with the values of timed rows left out: what --check compares."""
    return re.sub(
        rf"^(\| \d\d \| .* {re.escape(TIMED)} \|) [^|]* \|$", r"\1 ~ |", block, flags=re.M
    )


def _replace_block(readme: str, block: str, begin: str = BEGIN, end: str = END) -> str:
    start, stop = readme.find(begin), readme.find(end)
    if start < 0 or stop < start:
        raise SystemExit(f"README has no results block: add the two lines\n{begin}\n{end}")
    return readme[:start] + block + readme[stop + len(end) :]


# The headline numbers of each notebook and which way is better: what a bigger
# COURSE_SCALE must improve (tests/test_gpu.py asserts it at 4; the README shows 2 on the CPU).
HEADLINES = {
    "01_modelling_sequences": [("window_test_nll", "lower")],
    "02_elman_rnn": [("elman_test_nll", "lower")],
    "04_training_rnns": [("valid_nll_b", "lower")],  # 03_bptt trains nothing that scales
    "05_lstm_gru": [("copy_nll_lstm_bf1", "lower")],
    "06_gated_networks": [("lm_test_nll_lstm", "lower")],
    "07_seq2seq_attention": [("g2p_wer_additive", "lower"), ("g2p_per_additive", "lower")],
    "08_image_captioning": [("attention_test_exact", "higher"), ("attention_test_bleu", "higher")],
    "09_recurrent_models_today": [("race_lm_mingru", "lower")],  # more seconds, a lower loss
}
SCALE_BEGIN = "<!-- scale: begin (written by `python -m course_utils.results --compare`) -->"
SCALE_END = "<!-- scale: end -->"


def compare(base: dict, scaled: dict) -> list[dict]:
    """The headline numbers of two runs (results files' contents) side by side: one row per
    number both recorded, with ``better``: whether the second run's is better."""
    rows = []
    for notebook, keys in HEADLINES.items():
        for key, direction in keys:
            try:
                a = base[notebook]["values"][key]
                b = scaled[notebook]["values"][key]
            except KeyError:
                continue
            gain = b["value"] - a["value"]
            better = gain > 0 if direction == "higher" else gain < 0
            rows.append(
                {
                    "notebook": notebook,
                    "key": key,
                    "label": a["label"],
                    "fmt": a["fmt"],
                    "base": a["value"],
                    "scaled": b["value"],
                    "better": better,
                }
            )
    return rows


def scale_table(base: dict, scaled: dict) -> str:
    """The README's block comparing two scales' headline numbers (from two results files)."""

    def scale_of(data: dict) -> float:
        return next(iter(data.values()))["machine"]["scale"]

    m = next(iter(scaled.values()))["machine"]
    lo, hi = scale_of(base), scale_of(scaled)
    lines = [
        SCALE_BEGIN,
        "",
        f"Headline numbers at `COURSE_SCALE={lo:g}` and `{hi:g}`, recorded by the notebooks on "
        f"{m.get('cpu')}, torch threads: {m.get('torch_threads')}, device {m.get('device')}:",
        "",
        f"| notebook | result | scale {lo:g} | scale {hi:g} | better |",
        "|---|---|---|---|---|",
    ]
    for r in compare(base, scaled):
        a, b = format(r["base"], r["fmt"]), format(r["scaled"], r["fmt"])
        lines.append(
            f"| {r['notebook'][:2]} | {r['label']} | {a} | {b} | {'yes' if r['better'] else 'no'} |"
        )
    lines += ["", SCALE_END]
    return "\n".join(lines)


MINUTES = ROOT / "build" / "notebook-minutes.json"  # written by every pytest run of notebooks
_ROW = re.compile(
    r"^(\| (\d\d) \| \[[^\]]*\]\(notebooks/([\w]+)\.ipynb\) \|.*\| )([\d.]+|–)( \|)$", re.M
)


def write_minutes(seconds: dict[str, float], path: Path = MINUTES) -> None:
    """Record each notebook's cell time (seconds, by file stem) and the machine it ran on."""
    atomic_write_text(path, json.dumps({"machine": cpu_name(), "seconds": seconds}, indent=1))


def minutes_column(readme: str, seconds: dict[str, float]) -> str:
    """The README with its notebook table's last column set to each notebook's minutes."""
    return _ROW.sub(
        lambda m: (
            m.group(1)
            + (f"{seconds[m.group(3)] / 60:.1f}" if m.group(3) in seconds else m.group(4))
            + m.group(5)
        ),
        readme,
    )


def _recorded_machine(readme: str) -> str | None:
    start = readme.find(BEGIN)
    if start < 0:
        return None
    for line in readme[start:].splitlines():
        if line.startswith("Recorded by the notebooks on "):
            return line
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.results", description=__doc__)
    parser.add_argument("--results", type=Path, default=None, help="default: build/results.json")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--expect", nargs="*", default=[], help="notebooks that must have results")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="rewrite the README's block")
    action.add_argument("--check", action="store_true", help="fail if the README differs")
    parser.add_argument(
        "--compare", type=Path, default=None, help="another run's results (e.g. at scale 2)"
    )
    parser.add_argument(
        "--minutes",
        type=Path,
        default=None,
        help="a run's notebook-minutes.json: the table's minutes",
    )
    args = parser.parse_args(argv)
    if args.minutes is not None:
        readme = args.readme.read_text(encoding="utf-8")
        new = minutes_column(
            readme, json.loads(args.minutes.read_text(encoding="utf-8"))["seconds"]
        )
        if args.write:
            atomic_write_text(args.readme, new)
            print(f"{args.readme}: minutes column rewritten from {args.minutes}")
        return 0
    path = args.results or results_path() or ROOT / "build" / "results.json"
    data = _load(path)
    if args.compare is not None:
        block = scale_table(data, _load(args.compare))
        if args.write:
            readme = args.readme.read_text(encoding="utf-8")
            atomic_write_text(args.readme, _replace_block(readme, block, SCALE_BEGIN, SCALE_END))
            print(f"{args.readme}: scale block rewritten from {path} and {args.compare}")
        else:
            print(block)
        return 0
    missing = [n for n in args.expect if n not in data]
    if not data or missing:
        print(
            f"{path}: no results for {missing or 'any notebook'}; run the notebooks first "
            "(`make notebooks`, or execute them in JupyterLab).",
            file=sys.stderr,
        )
        return 1
    block = table(data)
    if not (args.write or args.check):
        print(block)
        return 0
    readme = args.readme.read_text(encoding="utf-8")
    if args.write:
        atomic_write_text(args.readme, _replace_block(readme, block))
        print(f"{args.readme}: results block rewritten from {path}")
        return 0
    ours = next(line for line in block.splitlines() if line.startswith("Recorded by"))
    recorded = _recorded_machine(readme)
    start, end = readme.find(BEGIN), readme.find(END)
    if start >= 0 and not readme[start + len(BEGIN) : end].strip():
        # An empty block states no figure, so none can be wrong: say how to fill it.
        print("README's results block is empty: run `make results` and commit README.md.")
        return 0
    if recorded is not None and recorded != ours:
        # Another CPU or thread count rounds differently: the README's figures are not
        # expected to match to the last digit there, so they are shown, not compared.
        print(f"README results were recorded on another set-up; not compared.\n  ours: {ours}")
        return 0
    if _untimed(_replace_block(readme, block)) != _untimed(readme):
        import difflib

        old = readme[readme.find(BEGIN) : readme.find(END) + len(END)]
        diff = difflib.unified_diff(old.splitlines(), block.splitlines(), "README", "notebooks")
        print("\n".join(diff))
        print(
            "The README's results differ from what the notebooks just printed: "
            "run `make results` and commit README.md.",
            file=sys.stderr,
        )
        return 1
    print("README results match the notebooks' recorded results.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
