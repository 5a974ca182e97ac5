"""Fixtures shared by the unit tests: a tiny text, its tokenizer, and tiny-model settings."""

import os

import pytest
import torch

from course_utils import CharTokenizer

# Old notebooks kept as grading fixtures are data, not notebooks for nbval to run.
collect_ignore_glob = ["fixtures/*"]

# Tiny models gain nothing from threads, and one thread keeps results identical everywhere.
torch.set_num_threads(1)

TINY_TEXT = "the cat sat on the mat. the dog sat on the log.\n" * 8


@pytest.fixture
def char_tok():
    return CharTokenizer.fit(TINY_TEXT)


@pytest.fixture
def tiny_ids(char_tok):
    return torch.tensor(char_tok.encode(TINY_TEXT))


@pytest.fixture
def cpu():
    return torch.device("cpu")


@pytest.fixture(autouse=True)
def _one_core_per_worker(monkeypatch):
    """Under `pytest -n N` (make test) each worker owns one core's share, so the grader's
    kernels get one thread each instead of all the cores each."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        monkeypatch.setattr("course_utils.grading.batch.usable_cores", lambda: 1)
