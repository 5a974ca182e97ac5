"""The README's layout section names every module of the package, and nothing that is gone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_layout_names_every_module():
    layout = section("Layout") + section("The code behind each notebook")
    modules = [
        p.relative_to(ROOT / "course_utils")
        for p in (ROOT / "course_utils").rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    ]
    # a top-level module by its file name; one in a folder at least by its topic
    missing = [
        str(m)
        for m in modules
        if m.name not in layout and (len(m.parts) == 1 or m.stem not in layout)
    ]
    assert not missing, f"README's layout does not mention {missing}"


def test_notebook_table_names_only_real_files():
    table = section("The code behind each notebook")
    for name in re.findall(r"`([\w/]+\.py)`", table):
        assert (ROOT / "course_utils" / name).is_file(), f"README names {name}, which is gone"
    for name in re.findall(r"\b(test_\w+)", table):
        assert (ROOT / "tests" / f"{name}.py").is_file(), f"README names {name}, which is gone"
