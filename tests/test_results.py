"""course_utils.results: notebooks record numbers, the README's block is printed and checked."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils import results


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    monkeypatch.setenv("COURSE_RESULTS", str(path))
    return path


def test_record_writes_and_overwrites_a_key(store):
    assert results.record("02_elman_rnn", "nll", 1.7734, "Elman, test NLL", ".3f") == 1.7734
    results.record("02_elman_rnn", "nll", 1.8, "Elman, test NLL", ".3f")
    data = json.loads(store.read_text())
    assert data["02_elman_rnn"]["values"]["nll"]["value"] == 1.8
    assert data["02_elman_rnn"]["machine"]["torch_threads"] >= 1


def test_a_new_run_replaces_the_old_runs_numbers(store, monkeypatch):
    results.record("01_x", "old", 1.0, "old")
    monkeypatch.setattr(results, "_RUN", "another-kernel")
    results.record("01_x", "new", 2.0, "new")
    values = json.loads(store.read_text())["01_x"]["values"]
    assert list(values) == ["new"]


def test_empty_setting_records_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_RESULTS", "")
    assert results.record("01_x", "k", 3.0, "k") == 3.0
    assert not list(tmp_path.iterdir())


def test_a_relative_setting_is_taken_from_the_project_root(monkeypatch, tmp_path):
    # kernels run in notebooks/; COURSE_RESULTS=build/x.json means the root's build/
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSE_RESULTS", "build/x.json")
    assert results.results_path() == results.ROOT / "build" / "x.json"


def test_damaged_file_is_started_afresh(store):
    store.write_text("{not json")
    results.record("01_x", "k", 3.0, "k")
    assert json.loads(store.read_text())["01_x"]["values"]["k"]["value"] == 3.0


def _readme(tmp_path, body):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Course\n\n{results.BEGIN}\nold\n{results.END}\n\nmore text\n")
    return readme


def test_write_then_check_passes_and_a_drift_fails(store, tmp_path, capsys):
    results.record("02_elman_rnn", "nll", 1.7734, "Elman, test NLL", ".3f")
    readme = _readme(tmp_path, "old")
    argv = ["--results", str(store), "--readme", str(readme)]
    assert results.main([*argv, "--check"]) == 1  # the placeholder is not what was recorded
    assert results.main([*argv, "--write"]) == 0
    text = readme.read_text()
    assert "| 02 | Elman, test NLL | 1.773 |" in text and text.endswith("more text\n")
    assert results.main([*argv, "--check"]) == 0
    readme.write_text(text.replace("1.773", "1.500"))  # a figure typed in by hand
    assert results.main([*argv, "--check"]) == 1
    assert "make results" in capsys.readouterr().err


def test_check_on_another_machine_only_reports(store, tmp_path, capsys):
    results.record("02_elman_rnn", "nll", 1.7734, "Elman, test NLL", ".3f")
    readme = _readme(tmp_path, "old")
    argv = ["--results", str(store), "--readme", str(readme)]
    results.main([*argv, "--write"])
    readme.write_text(readme.read_text().replace("torch threads: ", "torch threads: 9"))
    assert results.main([*argv, "--check"]) == 0
    assert "another set-up" in capsys.readouterr().out


def test_missing_results_say_what_to_run(tmp_path, capsys):
    missing = tmp_path / "none.json"
    assert results.main(["--results", str(missing), "--readme", str(tmp_path / "R.md")]) == 1
    assert "run the notebooks" in capsys.readouterr().err


def test_expected_notebooks_must_all_have_results(store, tmp_path, capsys):
    results.record("02_elman_rnn", "nll", 1.0, "x")
    argv = ["--results", str(store), "--readme", str(tmp_path / "R.md"), "--expect"]
    assert results.main([*argv, "02_elman_rnn", "09_not_run"]) == 1
    assert "09_not_run" in capsys.readouterr().err


def test_an_empty_block_is_reported_not_failed(store, tmp_path, capsys):
    results.record("02_elman_rnn", "nll", 1.7734, "Elman, test NLL", ".3f")
    readme = tmp_path / "README.md"
    readme.write_text(f"# Course\n\n{results.BEGIN}\n{results.END}\n")
    assert results.main(["--results", str(store), "--readme", str(readme), "--check"]) == 0
    assert "make results" in capsys.readouterr().out


def test_notebooks_recording_at_once_lose_nothing(store, tmp_path):
    # `make test` runs notebooks side by side, each kernel recording into the same file.
    go = tmp_path / "go"
    code = (
        "import os, sys, time\nfrom course_utils import results\n"
        f"while not os.path.exists({str(go)!r}):\n    time.sleep(0.01)\n"
        "for k in range(100):\n    results.record(sys.argv[1], f'k{k}', k, 'label')\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, f"0{n}_nb"], env=os.environ.copy())
        for n in range(3)
    ]
    go.touch()  # all start together, once imported
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    data = json.loads(store.read_text())
    assert {nb: len(e["values"]) for nb, e in data.items()} == {f"0{n}_nb": 100 for n in range(3)}


def test_compare_knows_which_way_is_better_and_the_scale_table_says_so():
    from course_utils.results import compare, scale_table

    def run(scale, nll, exact):
        machine = {"cpu": "x", "torch_threads": 1, "device": "cpu", "scale": scale}
        return {
            "02_elman_rnn": {
                "machine": machine,
                "values": {"elman_test_nll": {"label": "NLL", "value": nll, "fmt": ".3f"}},
            },
            "08_image_captioning": {
                "machine": machine,
                "values": {
                    "attention_test_exact": {"label": "exact", "value": exact, "fmt": ".1%"}
                },
            },
        }

    rows = compare(run(1, 1.80, 0.40), run(2, 1.70, 0.35))  # loss down: better; match down: worse
    assert [(r["key"], r["better"]) for r in rows] == [
        ("elman_test_nll", True),
        ("attention_test_exact", False),
    ]
    block = scale_table(run(1, 1.80, 0.40), run(2, 1.70, 0.35))
    assert "| 02 | NLL | 1.800 | 1.700 | yes |" in block
    assert "| 08 | exact | 40.0% | 35.0% | no |" in block


def test_readme_scale_table_is_what_the_recorded_runs_say():
    # the two runs behind it are committed (one `make check`-style run of every notebook at
    # each scale); `python -m course_utils.results --results A --compare B --write` writes it
    from course_utils.results import SCALE_BEGIN, SCALE_END, scale_table

    root = Path(__file__).resolve().parents[1]
    runs = [root / "benchmarks" / "scale" / f"scale-{s}.json" for s in (1, 2)]
    base, scaled = (json.loads(p.read_text(encoding="utf-8")) for p in runs)
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index(SCALE_BEGIN) : readme.index(SCALE_END) + len(SCALE_END)]
    assert block == scale_table(base, scaled), "run the --compare --write command above"


def test_readme_minutes_are_the_recorded_run():
    # one recorded `make test` (benchmarks/notebook-minutes.json) is what the table shows
    root = Path(__file__).resolve().parents[1]
    recorded = json.loads((root / "benchmarks" / "notebook-minutes.json").read_text())
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert results.minutes_column(readme, recorded["seconds"]) == readme, (
        "run `python -m course_utils.results --minutes benchmarks/notebook-minutes.json --write`"
    )
    notebooks = sorted(p.stem for p in (root / "notebooks").glob("*.ipynb"))
    assert sorted(recorded["seconds"]) == notebooks
    shown = results._ROW.findall(readme)
    assert [row[2] for row in shown] == notebooks  # every row matched, none missed


def test_minutes_column_sets_only_the_last_cell(tmp_path):
    row = "| 07 | [X](notebooks/07_x.ipynb) | teaches a | b | 9.9 |"
    assert results.minutes_column(row, {"07_x": 90.0}) == row.replace("9.9", "1.5")
    assert results.minutes_column(row, {"other": 1.0}) == row
    results.write_minutes({"07_x": 90.0}, tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text())["seconds"] == {"07_x": 90.0}


def test_a_timed_number_is_shown_marked_and_not_compared(tmp_path, monkeypatch):
    # a race trained for seconds, or a speed-up, differs from run to run on one machine
    store = tmp_path / "results.json"
    monkeypatch.setenv("COURSE_RESULTS", str(store))
    results.record("09_x", "speed", 8.2, "scan speed-up (x)", ".1f", timed=True)
    results.record("09_x", "exact", 1.5, "a deterministic number", ".1f")
    readme = tmp_path / "README.md"
    readme.write_text(f"{results.BEGIN}\n{results.END}\n", encoding="utf-8")
    argv = ["--results", str(store), "--readme", str(readme)]
    assert results.main([*argv, "--write"]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "| 09 | scan speed-up (x) (timed) | 8.2 |" in text and "not compared" in text
    results.record("09_x", "speed", 3.1, "scan speed-up (x)", ".1f", timed=True)  # a new run
    results.record("09_x", "exact", 1.5, "a deterministic number", ".1f")
    assert results.main([*argv, "--check"]) == 0
    results.record("09_x", "exact", 1.6, "a deterministic number", ".1f")
    assert results.main([*argv, "--check"]) == 1
