"""Slide types for a notebook's cells: which cell starts a slide, which the lecture skips.

The decks follow each cell's ``slideshow.slide_type`` metadata (the field JupyterLab's
property inspector edits). ``python -m course_utils.publish slide-types NOTEBOOK...`` fills it in
for cells that have none, by these rules, and leaves hand-set cells alone:

* ``slide``: the title cell and every ``## `` section;
* ``subslide``: every ``### `` heading, every "Predict, then run" moment (a pause gets its
  own slide), every drawn figure, and a cell that would overflow the slide it joins;
* ``skip``: the set-up before the first section (imports, the config: the title slide says
  what the notebook does; run the notebook before presenting it), solutions and hidden tests
  (a deck is shown to the class), the exercises' code (their statements stay), and an
  optional lab's cells: a ``## Optional lab`` section, up to
  the exercises, is for students after the lecture, so the deck shows only its title;
* ``-``: everything else continues the slide above.

A code cell tagged ``slides-output`` (an experiment's plumbing: a training run, a table, a
plot) shows only its output in the deck; the notebook and the site keep its code.

A lecture is what precedes the optional lab and the exercises: ``lecture_words`` counts its
prose (LaTeX left out), which one 75-90-minute lecture holds about 3,000 words of.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from course_utils.grading.markers import BEGIN_HIDDEN, BEGIN_SOLUTION

PAGE_LINES = 26  # what fits on a 1280 x 800 slide at the decks' font size
PREDICT = "**Predict, then run.**"
OPTIONAL_LAB = "## Optional lab"
OUTPUT_ONLY = "slides-output"  # the tag of a cell whose code the deck leaves out
# Where a notebook's lecture ends: the first of these headings.
AFTER_LECTURE = re.compile(r"^## (Optional lab|Exercises|Further exercises|Graded exercises)", re.M)
LECTURE_WORDS = 3_000  # prose of one 75-90-minute lecture, at most


def lecture_words(nb: nbformat.NotebookNode) -> int:
    """Words of prose in the lecture part of ``nb`` (markdown before AFTER_LECTURE; no LaTeX)."""
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    end = AFTER_LECTURE.search(text)
    text = text[: end.start()] if end else text
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)  # displayed formulas
    text = re.sub(r"\$[^$]*\$", " x ", text)  # an inline formula reads as one word
    return len(re.findall(r"[A-Za-z][A-Za-z'-]*", text))


def _height(cell) -> int:
    """Rough lines on a slide: code lines, or words of prose at about 14 per line."""
    if cell.cell_type == "code" and OUTPUT_ONLY in cell.metadata.get("tags", []):
        return 8  # its output only
    if cell.cell_type == "code":
        return len(cell.source.splitlines()) + 6  # and room for a short output
    return max(1, len(re.sub(r"\$\$.*?\$\$", "xx", cell.source, flags=re.S).split()) // 14) + 1


def is_hidden(cell) -> bool:
    """A solution or a hidden test: never on a slide."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("solution") or meta.get("grade")) or any(
        marker in cell.source for marker in (BEGIN_SOLUTION, BEGIN_HIDDEN)
    )


def slide_types(nb: nbformat.NotebookNode) -> list[str]:
    """The rule-based slide type of every cell of ``nb`` (see the module docstring)."""
    types, used, exercises, optional, setup = [], PAGE_LINES, False, False, True
    for index, cell in enumerate(nb.cells):
        text = cell.source.lstrip()
        heading = cell.cell_type == "markdown" and text.startswith("#")
        if heading and text.startswith("## "):
            exercises = "exercise" in text.splitlines()[0].lower()
            optional = text.startswith(OPTIONAL_LAB) or (optional and not exercises)
            setup = False
        figure = "figure" in cell.metadata.get("tags", [])
        in_lab = optional and not text.startswith(OPTIONAL_LAB)  # the lab's title stays
        if index > 0 and ((setup and not figure) or in_lab):
            kind = "skip"
        elif index == 0 or (heading and text.startswith(("# ", "## "))):
            kind = "slide"
        elif is_hidden(cell) or (exercises and cell.cell_type == "code"):
            kind = "skip"
        elif heading or PREDICT in text or figure:
            kind = "subslide"
        elif used + _height(cell) > PAGE_LINES:
            kind = "subslide"
        else:
            kind = "-"
        if kind in ("slide", "subslide"):
            used = 0
        if kind != "skip":
            used += _height(cell)
        types.append(kind)
    return types


def with_notes(nb: nbformat.NotebookNode, minutes: int = 80) -> nbformat.NotebookNode:
    """A copy of ``nb`` with speaker notes under each ``## `` section: its share of a
    ``minutes``-long lecture (by the length of its prose and code) and its pauses."""
    sections: list[list] = []  # the cells of each section, the title's cells first
    for cell in nb.cells:
        if not sections or (cell.cell_type == "markdown" and cell.source.startswith("## ")):
            sections.append([])
        sections[-1].append(cell)

    def on_slides(c) -> bool:
        return not is_hidden(c) and c.metadata.get("slideshow", {}).get("slide_type") != "skip"

    shown = [[c for c in cells if on_slides(c)] for cells in sections]
    sizes = [sum(_height(c) for c in cells) for cells in shown]
    total = sum(sizes) or 1
    out = nbformat.from_dict(nb)
    out.cells = []
    for cells, size in zip(sections, sizes):
        if not on_slides(cells[0]):  # a section the deck leaves out (an optional lab's)
            out.cells += cells
            continue
        pauses = sum(PREDICT in c.source for c in cells)
        share = max(1, round(minutes * size / total))
        note = f"About {share} min of the {minutes}-minute lecture."
        if pauses:
            note += f" {pauses} predict-then-run pause{'s' if pauses > 1 else ''}: let them guess."
        notes = nbformat.v4.new_markdown_cell(note)
        notes.metadata["slideshow"] = {"slide_type": "notes"}
        out.cells += [cells[0], notes, *cells[1:]]
    return out


def apply(path: Path) -> int:
    """Fill in the slide type of every cell of ``path`` that has none; return how many."""
    nb = nbformat.read(path, as_version=4)
    filled = 0
    for cell, kind in zip(nb.cells, slide_types(nb)):
        if "slide_type" not in cell.metadata.get("slideshow", {}):
            cell.metadata["slideshow"] = {"slide_type": kind}
            filled += 1
    if filled:
        nbformat.write(nb, path)
    return filled
