"""Pytest set-up shared by the unit tests and the notebook runs: no network, ever.

The course must run offline once set up. Sockets to anything but this machine are
refused in the test process (an autouse fixture) and in every notebook kernel nbval
starts (an IPython start-up file, via a private IPYTHONDIR the kernels inherit).
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.offline import block_network

_STARTUP = Path(__file__).parent / "tests" / "offline.py"


def pytest_configure(config):
    # Kernels are separate processes: give them a start-up script that blocks the network.
    ipython_dir = Path(tempfile.mkdtemp(prefix="course-ipython-"))
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    script = _STARTUP.read_text(encoding="utf-8") + "\n\nblock_network()\n"
    (startup / "00_offline.py").write_text(script, encoding="utf-8")
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    config._course_ipython_dir = ipython_dir


def pytest_collection_modifyitems(items):
    # nbval waits only 5 s for a cell's output messages after the cell has finished; on a
    # busy 2-core machine they can arrive later, which would fail a correct notebook.
    for item in items:
        if hasattr(item, "output_timeout"):
            item.output_timeout = 60


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_course_ipython_dir", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Fail any test that tries to reach another machine."""
    block_network(monkeypatch)


def pytest_terminal_summary(terminalreporter):
    """Minutes per notebook (the README's table): the sum of its cells' run times."""
    seconds: dict[str, float] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid = getattr(report, "nodeid", "")
            if ".ipynb::" in nodeid and getattr(report, "when", None) == "call":
                name = nodeid.split("::")[0]
                seconds[name] = seconds.get(name, 0.0) + report.duration
    if seconds:
        terminalreporter.section("minutes per notebook")
        for name, s in sorted(seconds.items()):
            terminalreporter.write_line(f"{name}: {s / 60:.1f} min ({s:.0f} s)")
        # kept for the README's minutes column: `python -m course_utils.results --minutes`
        from course_utils.results import write_minutes

        write_minutes({Path(name).stem: s for name, s in seconds.items()})
