"""DDP under torchrun: 2 CPU processes (gloo) take the steps of 1 process at the same batch."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from course_utils import distributed

SCRIPT = Path(__file__).parents[1] / "scripts" / "train_char_lm.py"
TEXT = "".join(f"{w} the cat sat on mat {i % 7}. dog log.\n" for i, w in enumerate("ab" * 60))
ARGS = [
    "--steps",
    "12",
    "--batch-size",
    "8",
    "--seq-len",
    "16",
    "--hidden-size",
    "24",
    "--embed-size",
    "8",
    "--lr",
    "1e-2",
    "--eval-every",
    "6",
    "--threads",
    "1",
]


def run(tmp_path: Path, processes: int, name: str, extra=()) -> dict:
    text = tmp_path / "text.txt"
    text.write_text(TEXT, encoding="utf-8")
    out = tmp_path / f"{name}.json"
    launcher = (
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            f"--nproc_per_node={processes}",
        ]
        if processes > 1
        else [sys.executable]
    )
    env = {k: v for k, v in os.environ.items() if k not in ("WORLD_SIZE", "RANK")}
    done = subprocess.run(
        [*launcher, str(SCRIPT), "--text", str(text), "--history", str(out), *ARGS, *extra],
        capture_output=True,
        text=True,
        timeout=300,
        env=env | {"OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


def test_two_processes_take_the_steps_of_one(tmp_path):
    one = run(tmp_path, 1, "one")
    two = run(tmp_path, 2, "two")
    assert (one["world_size"], two["world_size"]) == (1, 2)
    assert len(two["train_loss"]) == 12
    # Float tolerance: the gradient is summed in another order, nothing else differs.
    torch.testing.assert_close(
        torch.tensor(two["train_loss"]), torch.tensor(one["train_loss"]), rtol=1e-4, atol=1e-5
    )
    torch.testing.assert_close(
        torch.tensor(two["valid_nll"]), torch.tensor(one["valid_nll"]), rtol=1e-4, atol=1e-5
    )
    for name, weights in one["weights"].items():
        torch.testing.assert_close(
            torch.tensor(two["weights"][name]),
            torch.tensor(weights),
            rtol=1e-3,
            atol=1e-5,
            msg=name,
        )
    assert one["train_loss"][-1] < one["train_loss"][0] - 0.3  # and it did learn


def test_a_checkpoint_of_two_processes_is_not_resumed_by_one(tmp_path):
    ckpt = tmp_path / "run.pt"
    run(tmp_path, 2, "two", ["--checkpoint", str(ckpt)])
    before = ckpt.read_bytes()
    with pytest.raises(AssertionError, match=r"written by 2 process\(es\) but this run has 1"):
        run(tmp_path, 1, "one", ["--checkpoint", str(ckpt)])
    assert ckpt.read_bytes() == before  # nothing overwritten


def test_outside_torchrun_everything_is_one_process():
    assert (distributed.world_size(), distributed.rank(), distributed.is_main()) == (1, 0, True)
    batch = (torch.arange(6), (torch.ones(3), 0.5))
    assert distributed.share(batch) is batch
    assert distributed.mean(torch.tensor(2.5)) == 2.5
