"""Run one notebook in a fresh kernel and report each cell's error: the grader's worker process.

Reads the notebook as JSON on standard input (so it never lies in a file the notebook's own
code could find), runs it in an empty temporary working directory with a time limit per
cell (a cell that loops forever is interrupted, and the rest still runs), and prints one
JSON line per executed cell: ``{"index": i, "error": null | "ValueError: ..."}``.

    python -m course_utils.grading.execute CELL_TIMEOUT < notebook.ipynb
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient


def _error_of(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            message = str(output.get("evalue", "")).strip().splitlines()
            return f"{output.get('ename', 'Error')}: {message[0][:300] if message else ''}"
    return None


def main() -> None:
    cell_timeout = int(sys.argv[1])
    nb = nbformat.reads(sys.stdin.read(), as_version=4)

    def report(cell, cell_index, execute_reply):
        print(json.dumps({"index": cell_index, "error": _error_of(cell)}), flush=True)

    os.environ["COURSE_RESULTS"] = ""  # a graded submission never writes the course's results
    with tempfile.TemporaryDirectory(prefix="grading-") as workdir:
        client = NotebookClient(
            nb,
            timeout=cell_timeout,
            interrupt_on_timeout=True,  # an endless loop costs one cell, not the notebook
            allow_errors=True,  # a failing cell is recorded, and the next one still runs
            kernel_name="python3",
            resources={"metadata": {"path": workdir}},
            on_cell_executed=report,
        )
        client.execute()


if __name__ == "__main__":
    main()
