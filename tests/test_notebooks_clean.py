"""Notebooks are committed clean: valid nbformat, no outputs, no execution counts."""

from pathlib import Path

import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def notebook_problems(path):
    """Everything that keeps ``path`` from being a clean notebook (empty list: clean)."""
    try:
        nb = nbformat.read(path, as_version=4)
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    assert notebook_problems(path) == [], "clear outputs before committing"


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
