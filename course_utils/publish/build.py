"""`make slides` and `make site`: executed notebooks to offline reveal.js decks and HTML pages.

Both use nbconvert (its slides and HTML exporters) with the course's two small templates in
``templates/``, which load reveal.js and MathJax from ``_static/`` beside the pages instead of
a CDN. Cells tagged ``figure`` (the drawn diagrams) show their picture without their code.
Slides follow the cells' ``slideshow`` metadata, as in JupyterLab's property inspector.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from course_utils.atomic import atomic_write_text
from course_utils.publish.assets import asset_path
from course_utils.publish.execute import executed
from course_utils.publish.lecture import OUTPUT_ONLY, with_notes

TEMPLATES = Path(__file__).resolve().parent / "templates"
MATHJAX = "_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"


def _static(out_dir: Path, names: tuple[str, ...]) -> None:
    """Copy the web assets next to the pages (a folder that moves with them: no CDN)."""
    for name in names:
        target = out_dir / "_static" / name
        if not target.is_dir():
            shutil.copytree(asset_path(name), target)


def _config(exporter: str, template: str) -> Config:
    c = Config()
    setattr(
        c,
        exporter,
        Config(
            template_name=template,
            extra_template_basedirs=[str(TEMPLATES)],
            mathjax_url=MATHJAX,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        ),
    )
    c.TagRemovePreprocessor.remove_input_tags = {"figure"}  # a diagram, not its code
    c.TagRemovePreprocessor.enabled = True
    return c


def title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The notebook's first Markdown heading, without the #s."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def slide_count(nb: nbformat.NotebookNode) -> int:
    """Slides in the deck: the first cell, and every cell marked slide or subslide."""
    kinds = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
    return 1 + sum(kind in ("slide", "subslide") for kind in kinds[1:])


def build_slides(notebooks: list[Path], out_dir: Path, executed_dir: Path) -> list[Path]:
    """One deck per notebook, ``out_dir/NAME.slides.html``, from one (cached) execution."""
    _static(out_dir, ("revealjs", "mathjax"))
    config = _config("SlidesExporter", "course_reveal")
    config.TagRemovePreprocessor.remove_input_tags = {"figure", OUTPUT_ONLY}  # results only
    config.SlidesExporter.reveal_url_prefix = "_static/revealjs"
    config.SlidesExporter.reveal_theme = "white"
    exporter = SlidesExporter(config=config)
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    decks = []
    for notebook in notebooks:
        nb = with_notes(nbformat.read(executed(notebook, executed_dir), as_version=4))
        resources = {"metadata": {"name": title(nb, notebook.stem)}}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        deck = out_dir / f"{notebook.stem}.slides.html"
        atomic_write_text(deck, body)
        decks.append(deck)
    return decks


def build_site(
    notebooks: list[Path], out_dir: Path, executed_dir: Path, slides: str | None = None
) -> Path:
    """A page per notebook and an index, ``out_dir/index.html``; ``slides``: the decks' folder
    relative to ``out_dir``, linked from each page when given."""
    _static(out_dir, ("mathjax",))
    config = _config("HTMLExporter", "course_html")
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    rows = []
    for notebook in notebooks:
        nb = nbformat.read(executed(notebook, executed_dir), as_version=4)
        name = title(nb, notebook.stem)
        deck = f"{slides}/{notebook.stem}.slides.html" if slides else None
        deck = deck if deck and (out_dir / deck).is_file() else None  # no link to nothing
        resources = {"metadata": {"name": name}, "course": {"slides": deck}}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        atomic_write_text(out_dir / f"{notebook.stem}.html", body)
        link = f' · <a href="{deck}">slides</a>' if deck else ""
        rows.append(f'<li><a href="{notebook.stem}.html">{html.escape(name)}</a>{link}</li>')
    index = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Recurrent neural networks: the course</title>"
        "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}"
        "li{margin:0.4em 0}</style></head><body>\n"
        "<h1>Recurrent neural networks: the course</h1>\n"
        "<p>The notebooks with their outputs, as they ran; read them here without running them "
        "(<code>make lab</code> opens them to run).</p>\n<ol>\n"
        + "\n".join(rows)
        + "\n</ol>\n</body></html>\n"
    )
    atomic_write_text(out_dir / "index.html", index)
    return out_dir / "index.html"
