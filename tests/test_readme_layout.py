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


def test_notebooks_use_no_deep_imports():
    # A notebook imports from the package, its topic packages (data, models) or a top-level
    # module; never from a file inside a topic package, so files can move without breaking
    # handed-out notebooks. The exercise checks keep their path: the grader's guard knows
    # the test helpers by that name.
    import ast

    import nbformat

    allowed_deep = {"course_utils.grading.checks"}
    deep = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(cell.source)):
                module = getattr(node, "module", None) if isinstance(node, ast.ImportFrom) else None
                if module and module.count(".") >= 2 and module not in allowed_deep:
                    deep.append(f"{path.name}: from {module} import ...")
    assert not deep, deep


def test_names_that_left_the_top_level_still_import_with_a_warning():
    import pytest

    import course_utils
    from course_utils import data

    with pytest.warns(DeprecationWarning, match="course_utils.data"):
        from course_utils import Vocab
    assert Vocab is data.Vocab
    with pytest.raises(AttributeError, match="no_such_name"):
        course_utils.no_such_name  # noqa: B018
    assert all(hasattr(course_utils, name) for name in course_utils.__all__)
