"""make slides / make site on one short notebook: offline decks and pages from one execution.

The real decks come from the six notebooks (`make slides`); CI checks the builders on a short
notebook with what a lecture has: slides and subslides, speaker notes, a formula, a drawn
figure. Where Debian's chromium is installed, the deck and a page are opened in it.
"""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils import publish
from course_utils.publish import build_site, build_slides, executed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def cell(kind, source, slide="-", tags=()):
    c = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
    c.metadata["slideshow"] = {"slide_type": slide}
    if tags:
        c.metadata["tags"] = list(tags)
    return c


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    nb = new_notebook()
    nb.cells = [
        cell("md", "# 00 · A short lecture\n\nWhat the builders do.", "slide"),
        cell("code", "from course_utils import diagrams\nprint('ready')"),
        cell("md", "## 1. A formula\n\n$$h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t + b)$$", "slide"),
        cell("md", "Notes: 5 minutes. Why tanh, not the identity.", "notes"),
        cell("md", "## 2. A figure", "slide"),
        cell("code", "diagrams.elman_cell();", tags=("figure",)),
        cell("md", "### 2.1 A number", "subslide"),
        cell("code", "plumbing_only = 6\nprint(plumbing_only * 7)", tags=("slides-output",)),
    ]
    source = root / "00_short.ipynb"
    nbformat.write(nb, source)
    cache = root / "executed"
    decks = build_slides([source], root / "slides", cache)
    index = build_site([source], root / "site", cache, slides="../slides")
    return {"source": source, "cache": cache, "deck": decks[0], "index": index, "nb": nb}


def external_references(page: str) -> list[str]:
    """src/href/url(...) values that point off the machine (comments and text do not count)."""
    refs = re.findall(r'(?:src|href)="([^"]*)"|url\(["\']?([^)"\']*)', page)
    return [r for pair in refs for r in pair if re.match(r"(https?:)?//", r)]


def test_the_deck_is_offline_and_has_the_notebooks_slides(built):
    page = built["deck"].read_text(encoding="utf-8")
    assert external_references(page) == []
    static = built["deck"].parent / "_static"
    assert (static / "revealjs" / "dist" / "reveal.js").is_file()
    assert (static / "mathjax" / "MathJax.js").is_file()
    assert publish.slide_count(built["nb"]) == 4  # title, formula, figure, its subslide
    # the notebook's own note, and one per section (title, 1, 2) with its share of the time
    assert page.count('<aside class="notes">') == 4
    assert "Why tanh" in page and page.count("min of the 80-minute lecture") == 3
    assert "diagrams.elman_cell" not in page  # a figure cell shows the picture, not the code
    assert "data:image/png;base64" in page
    assert "42" in page  # the executed output
    assert "plumbing_only" not in page  # tagged slides-output: the deck shows the result only


def test_the_site_has_an_index_and_the_page(built):
    index = built["index"].read_text(encoding="utf-8")
    assert '<a href="00_short.html">00 · A short lecture</a>' in index
    assert 'href="../slides/00_short.slides.html"' in index
    page = (built["index"].parent / "00_short.html").read_text(encoding="utf-8")
    assert external_references(page) == []
    assert "data:image/png;base64" in page and "42" in page
    assert "plumbing_only" in page  # the site keeps every cell's code


def test_a_second_build_reuses_the_execution(built, monkeypatch, tmp_path):
    def no_kernel(*args, **kwargs):
        raise AssertionError("the cached execution should have been reused")

    monkeypatch.setattr(publish.execute.NotebookClient, "execute", no_kernel)
    assert executed(built["source"], built["cache"]) == built["cache"] / "00_short.ipynb"
    build_slides([built["source"]], tmp_path / "again", built["cache"])
    # a changed slide type (the sources unchanged) reaches the deck without running again
    nb = nbformat.read(built["source"], as_version=4)
    nb.cells[-2].metadata["slideshow"]["slide_type"] = "-"  # "### 2.1" joins the figure's slide
    retyped = tmp_path / "retyped" / "00_short.ipynb"
    retyped.parent.mkdir()
    nbformat.write(nb, retyped)
    assert publish.source_hash(retyped) == publish.source_hash(built["source"])
    cache = tmp_path / "cache"
    shutil.copytree(built["cache"], cache)
    deck = build_slides([retyped], tmp_path / "retyped-deck", cache)[0].read_text("utf-8")
    before = built["deck"].read_text("utf-8")
    assert deck.count("<section") < before.count("<section")
    # a changed source runs again
    nb = nbformat.read(built["source"], as_version=4)
    nb.cells[-1].source = "print(6 * 9)"
    changed = tmp_path / "00_short.ipynb"
    nbformat.write(nb, changed)
    assert publish.source_hash(changed) != publish.source_hash(built["source"])
    with pytest.raises(AssertionError, match="reused"):
        executed(changed, built["cache"])


def test_missing_assets_say_how_to_fetch_them(tmp_path):
    from course_utils.errors import DatasetError
    from course_utils.publish.assets import asset_path

    with pytest.raises(DatasetError, match="make data"):
        asset_path("revealjs", cache_dir=tmp_path)


def offline_page(p, allowed: tuple[str, ...]):
    """Debian's chromium, one 1280 x 800 page, and the list of every request to anywhere but
    ``allowed`` (URL prefixes) that the page or anything it opens makes."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside = []
    context.on("request", lambda r: None if r.url.startswith(allowed) else outside.append(r.url))
    return browser, context.new_page(), outside


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_the_deck_and_a_page_work_in_chromium(built):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser, page, outside = offline_page(p, allowed=("file:", "data:"))
        page.goto(built["deck"].as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        assert page.evaluate("Reveal.getTotalSlides()") == 4
        page.keyboard.press("ArrowRight")  # to the formula
        page.wait_for_function("Reveal.getIndices().h === 1")
        page.wait_for_selector(
            ".reveal section.present .MathJax_CHTML, .reveal section.present .MathJax",
            timeout=15000,
        )
        page.keyboard.press("ArrowRight")  # to the figure
        page.wait_for_function("Reveal.getIndices().h === 2")
        width = page.evaluate("document.querySelector('section.present img').naturalWidth")
        assert width > 100
        page.goto((built["index"].parent / "00_short.html").as_uri())
        page.wait_for_selector(".MathJax_CHTML, .MathJax", timeout=15000)
        browser.close()
    assert outside == [], f"requests left the machine: {outside}"


NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_a_slide_type_and_no_solution_reaches_a_slide(path):
    from course_utils.publish.lecture import is_hidden

    nb = nbformat.read(path, as_version=4)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    untyped = [i for i, k in enumerate(kinds) if k is None]
    assert not untyped, f"cells {untyped}: run `python -m course_utils.publish slide-types {path}`"
    shown = [i for i, c in enumerate(nb.cells) if is_hidden(c) and kinds[i] != "skip"]
    assert not shown, f"cells {shown} hold solutions or hidden tests but are not skipped"
    assert kinds[0] == "slide" and 25 <= publish.slide_count(nb) <= 40  # one lecture's deck


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_is_one_lecture(path):
    from course_utils.publish.lecture import LECTURE_WORDS, OPTIONAL_LAB, lecture_words

    nb = nbformat.read(path, as_version=4)
    words = lecture_words(nb)
    assert words <= LECTURE_WORDS, f"{path.name}: {words} words of lecture prose"
    lab = [i for i, c in enumerate(nb.cells) if c.source.startswith(OPTIONAL_LAB)]
    if lab:  # an optional lab is not on the slides: only its title
        end = next(
            i for i, c in enumerate(nb.cells) if i > lab[0] and "exercises" in c.source[:40].lower()
        )
        kinds = [c.metadata["slideshow"]["slide_type"] for c in nb.cells[lab[0] + 1 : end]]
        assert set(kinds) == {"skip"}, f"{path.name}: the optional lab reaches the slides"


def test_slide_type_rules_skip_the_set_up_and_an_optional_lab():
    from course_utils.publish.lecture import lecture_words, slide_types

    nb = new_notebook()
    nb.cells = [
        cell("md", "# 00 · Title\n\nWhat it is about."),
        cell("code", "import math"),
        cell("md", "All settings in one config."),
        cell("md", "## 1. A section\n\nOne two three."),
        cell("code", "x = 1", tags=("figure",)),
        cell("md", "## Optional lab: more\n\nOn your own."),
        cell("md", "## 2. In the lab"),
        cell("code", "y = 2"),
        cell("md", "## Graded exercises\n\n**Exercise 1.** Write it."),
        cell("code", "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
    ]
    assert slide_types(nb) == [
        "slide", "skip", "skip", "slide", "subslide", "slide", "skip", "skip", "slide", "skip"
    ]  # fmt: skip
    assert lecture_words(nb) == 15  # the three cells' words before the optional lab


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_live_slideshow_uses_a_theme_that_ships_its_fonts(path):
    # RISE's default theme ("simple") loads Google fonts: off the machine
    assert nbformat.read(path, as_version=4).metadata.get("rise", {}).get("theme") == "white"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_the_live_slideshow_in_jupyterlab_works_offline(tmp_path):
    # jupyterlab-rise: Alt+R in a notebook opens its slideshow; math renders, nothing leaves
    import subprocess
    import sys
    import time
    import urllib.request

    sync_api = pytest.importorskip("playwright.sync_api")
    nb = new_notebook(metadata={"rise": {"theme": "white"}})
    nb.cells = [
        cell("md", "# Title\n\n$$h_t = \\tanh(W h_{t-1})$$", "slide"),
        cell("md", "## Second", "slide"),
    ]
    nbformat.write(nb, tmp_path / "deck.ipynb")
    port, token = free_port(), "course-test"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--ServerApp.port={port}",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={tmp_path}",
            "--ServerApp.ip=127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_api.sync_playwright() as p:
            browser, page, outside = offline_page(p, allowed=(base, "data:", "blob:"))
            page.goto(f"{base}/lab/workspaces/test/tree/deck.ipynb?reset&token={token}")
            page.wait_for_selector(".jp-MarkdownOutput", timeout=60000)
            page.wait_for_selector("mjx-container", timeout=30000)  # math in the notebook
            page.locator(".jp-Cell .jp-MarkdownOutput").first.click(force=True)
            page.keyboard.press("Escape")
            page.keyboard.press("Alt+r")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any("/rise/" in f.url for f in page.frames):
                page.wait_for_timeout(250)
            assert any("/rise/deck.ipynb" in f.url for f in page.frames), "no slideshow opened"
            page.wait_for_timeout(2000)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert outside == [], f"requests left the machine: {outside}"
