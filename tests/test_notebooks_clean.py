"""Notebooks are committed clean: valid nbformat, no outputs, no execution counts.

What counts is what git commits, not the working tree: `make setup` installs nbstripout as the
repository's git filter, so a notebook saved from JupyterLab with its outputs is stripped when it
is added. The test checks the staged copy (git's index) and that any outputs in the working tree
are covered by the filter; outside a git checkout it checks the files themselves.
"""

import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def git(*args: str) -> str | None:
    """``git args`` in the project root: its stdout, or None when git fails (no checkout)."""
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout


def notebook_problems(path, text=None):
    """Everything that keeps ``path`` (or ``text``, its contents) from being a clean notebook."""
    try:
        if text is None:
            nb = nbformat.read(path, as_version=4)
        else:
            nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # unreadable JSON or a schema violation
        return [f"not a valid notebook: {type(err).__name__}: {str(err)[:200]}"]
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {i} has execution_count {cell.execution_count}")
    return problems


def filter_installed(path) -> bool:
    """Whether git strips ``path`` on `git add`: the nbstripout filter is named and configured."""
    relative = path.relative_to(ROOT).as_posix()
    attr = git("check-attr", "filter", "--", relative) or ""
    return attr.strip().endswith(": nbstripout") and bool(git("config", "filter.nbstripout.clean"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    relative = path.relative_to(ROOT).as_posix()
    staged = git("show", f":{relative}")  # None outside a checkout or for a file not yet added
    if staged is not None:
        assert notebook_problems(path, staged) == [], (
            f"the copy of {relative} staged for commit has outputs: run `make setup` (it installs "
            f"the nbstripout git filter), then `git add {relative}` again"
        )
    working = notebook_problems(path)
    if working and not working[0].startswith("not a valid") and filter_installed(path):
        return  # saved from JupyterLab with outputs: the filter strips them on `git add`
    assert working == [], (
        f"{relative}: {'; '.join(working[:3])}. Run `make setup` to install the nbstripout git "
        "filter (it strips outputs on commit), or clear the outputs before committing"
    )


def test_first_notebooks_exist():
    names = {p.name for p in NOTEBOOKS}
    assert {"01_modelling_sequences.ipynb", "02_elman_rnn.ipynb"} <= names


def write_notebook(path, **code_cell):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("1 + 1")]
    nb.cells[1].update(code_cell)
    nbformat.write(nb, path)
    return path


def test_checker_passes_a_clean_notebook(tmp_path):
    assert notebook_problems(write_notebook(tmp_path / "clean.ipynb")) == []


def test_checker_flags_outputs_and_execution_counts(tmp_path):
    output = nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)
    path = write_notebook(tmp_path / "dirty.ipynb", outputs=[output], execution_count=1)
    assert notebook_problems(path) == ["cell 1 has outputs", "cell 1 has execution_count 1"]


def test_checker_flags_invalid_files(tmp_path):
    (tmp_path / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "schema.ipynb").write_text('{"cells": 3, "nbformat": 4}', encoding="utf-8")
    for name in ("broken.ipynb", "schema.ipynb"):
        assert notebook_problems(tmp_path / name)[0].startswith("not a valid notebook")


def test_make_setup_installed_the_filter():
    if git("rev-parse", "--git-dir") is None:
        pytest.skip("not a git checkout: nothing is committed from here")
    assert all(filter_installed(path) for path in NOTEBOOKS), (
        "the nbstripout git filter is not configured: run `make setup`"
    )


def test_the_filter_strips_a_notebook_saved_with_outputs(tmp_path):
    # The repository's own .gitattributes and the clean command `make setup` configures, in a
    # throwaway repository: what `git add` stages is clean, the file on disk keeps its outputs.
    clean = git("config", "filter.nbstripout.clean")
    if clean is None:
        pytest.skip("the filter is not configured here (see the test above)")

    def run(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    run("init", "-q")
    run("config", "filter.nbstripout.clean", clean.strip())
    run("config", "filter.nbstripout.required", "true")
    run(
        "config",
        "filter.nbstripout.extrakeys",
        git("config", "filter.nbstripout.extrakeys").strip(),
    )
    (tmp_path / ".gitattributes").write_text((ROOT / ".gitattributes").read_text())
    output = nbformat.v4.new_output("stream", text="2\n")
    path = write_notebook(tmp_path / "lecture.ipynb", outputs=[output], execution_count=3)
    nb = nbformat.read(path, as_version=4)  # what a kernel writes into the metadata on save
    nb.metadata["language_info"] = {
        "name": "python",
        "version": "3.11.7",
        "mimetype": "text/x-python",
    }
    nbformat.write(nb, path)
    cell_id = nbformat.read(path, as_version=4).cells[1].id
    run("add", "lecture.ipynb")
    staged = subprocess.run(
        ["git", "show", ":lecture.ipynb"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert notebook_problems(path, staged) == []
    assert nbformat.reads(staged, as_version=4).cells[1].id == cell_id  # --keep-id
    assert nbformat.reads(staged, as_version=4).metadata["language_info"] == {"name": "python"}
    assert notebook_problems(path) == ["cell 1 has outputs", "cell 1 has execution_count 3"]
