"""Bad input a careless user gives: each gets an error of ours that says what to do.

One test per case found by trying the package as a student would (issue 13): silent wrong
results, a crash, torch's own unclear errors, and a checkpoint temporary left behind.
"""

import math
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

from course_utils import (
    RNNLM,
    CheckpointError,
    DatasetError,
    ElmanCell,
    NGramLM,
    RNNLMConfig,
    ShapeError,
    TrainConfig,
    WindowLM,
    WindowLMConfig,
    beam_search,
    load_parallel_tsv,
    train_lm,
)
from course_utils.atomic import atomic_write
from course_utils.data import CaptionedImage, CaptionSet, load_images
from course_utils.generate import next_token
from course_utils.models.gru import GRUCell
from course_utils.models.lstm import LSTMCell


def test_ngram_nll_refuses_ids_outside_the_vocabulary():
    model = NGramLM(2, vocab_size=5).fit(np.array([0, 1, 2, 3, 4, 1, 2]))
    for bad in ([1, 2, -1, 3], [1, 2, 5]):
        with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\).*tokenizer"):
            model.nll(np.array(bad))
    assert math.isfinite(model.nll(np.array([1, 2, 3])))


def test_resume_without_fingerprint_is_refused(tmp_path, char_tok, tiny_ids, cpu):
    path = tmp_path / "m.pt"
    cfg = TrainConfig(
        max_steps=2, batch_size=4, seq_len=8, progress=False, checkpoint_path=str(path)
    )
    model = RNNLM(RNNLMConfig(len(char_tok), embed_size=8, hidden_size=16))
    with pytest.raises(ValueError, match=r"checkpointing needs vocab_fingerprint"):
        train_lm(model, tiny_ids, tiny_ids[:100], cfg, cpu)  # the check is not opt-in
    assert not path.exists()
    train_lm(model, tiny_ids, tiny_ids[:100], cfg, cpu, char_tok.vocab.fingerprint)
    before = path.read_bytes()
    other = RNNLM(RNNLMConfig(len(char_tok), embed_size=8, hidden_size=16))
    with pytest.raises(CheckpointError, match="another vocabulary"):
        train_lm(other, tiny_ids, tiny_ids, cfg, cpu, "reordered-vocab", resume=True)
    assert path.read_bytes() == before  # nothing overwritten


@pytest.mark.parametrize("cell_cls", [ElmanCell, GRUCell])
def test_cell_given_a_whole_sequence(cell_cls):
    cell = cell_cls(3, 4)
    with pytest.raises(ShapeError, match=r"one time step.*rnn_unroll"):
        cell(torch.randn(1, 7, 3), torch.zeros(1, 4))


def test_lstm_cell_given_a_whole_sequence():
    cell = LSTMCell(3, 4)
    state = (torch.zeros(1, 4), torch.zeros(1, 4))
    with pytest.raises(ShapeError, match=r"one time step.*rnn_unroll"):
        cell(torch.randn(1, 7, 3), state)


@pytest.mark.parametrize("cell_cls", [ElmanCell, GRUCell])
def test_cell_given_the_wrong_input_width(cell_cls):
    cell = cell_cls(3, 4)
    with pytest.raises(ShapeError, match=r"input_size=3\), got \(2, 5\)"):
        cell(torch.randn(2, 5), torch.zeros(2, 4))
    with pytest.raises(ShapeError, match=r"previous state must be .* = \(2, 4\), got \(2, 6\)"):
        cell(torch.randn(2, 3), torch.zeros(2, 6))


def test_tsv_with_a_tab_inside_a_quoted_field(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text('Hi.\tSalut.\n"Hello\tworld"\tBonjour\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"line 2: a quoted field holds a TAB"):
        load_parallel_tsv(path)
    # Quotation marks that are part of a sentence stay as they are.
    path.write_text('"Hi," he said.\t"Salut", dit-il.\n"Stop!"\t"Arrête !"\n', encoding="utf-8")
    pairs = load_parallel_tsv(path)
    assert [(p.source, p.target) for p in pairs] == [
        ('"Hi," he said.', '"Salut", dit-il.'),
        ('"Stop!"', '"Arrête !"'),
    ]


def _png_declaring(path, width: int, height: int) -> None:
    """A small valid PNG whose header claims ``width x height`` pixels."""
    Image.new("RGB", (2, 2)).save(path)
    data = bytearray(path.read_bytes())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    path.write_bytes(bytes(data))


def test_decompression_bomb_is_skipped_not_fatal(tmp_path):
    bomb, good = tmp_path / "bomb.png", tmp_path / "good.png"
    _png_declaring(bomb, 20_000, 20_000)
    Image.new("RGB", (10, 8), (255, 0, 0)).save(good)
    caption_set = CaptionSet([CaptionedImage(bomb, ("a",)), CaptionedImage(good, ("b",))], [])
    images, kept, problems = load_images(caption_set, size=8)
    assert images.shape == (1, 3, 8, 8) and [i.path for i in kept] == [good]
    assert len(problems) == 1 and "bomb.png" in problems[0] and "too many pixels" in problems[0]


@pytest.mark.parametrize(
    "model",
    [
        RNNLM(RNNLMConfig(6, embed_size=4, hidden_size=5)),
        WindowLM(WindowLMConfig(6, context=2, embed_size=4, hidden_size=5)),
    ],
    ids=["rnn", "window"],
)
def test_token_id_beyond_the_vocabulary(model):
    with pytest.raises(
        ShapeError, match=r"token ids must lie in 0\.\.5 \(vocab_size=6\).*tokenizer"
    ):
        model(torch.tensor([[1, 2, 6]]))
    with pytest.raises(ShapeError, match=r"found -1\.\.2"):
        model(torch.tensor([[1, 2, -1]]))


@pytest.mark.parametrize("temperature", [math.nan, math.inf, -1.0])
def test_temperature_that_is_not_a_number(temperature):
    with pytest.raises(ValueError, match=r"temperature must be a finite number >= 0"):
        next_token(torch.zeros(1, 4), temperature=temperature)


def test_top_k_that_is_not_a_whole_number():
    with pytest.raises(ValueError, match=r"top_k must be a whole number >= 1"):
        next_token(torch.zeros(1, 4), top_k=2.5)


def test_float_beam_size():
    def step(prev, state):
        return torch.log_softmax(torch.zeros(prev.shape[0], 3), dim=-1), state

    with pytest.raises(TypeError, match=r"beam_size must be a whole number >= 1, got 2\.0"):
        beam_search(step, None, 0, 1, 2.0, max_len=3)


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(lr_min=math.nan), "lr_min must be a finite number"),
        (dict(lr=math.inf), "lr must be a finite number"),
        (dict(lr_decay="cosine", lr=1e-3, lr_min=1e-2), "lr_min=0.01 is above lr=0.001"),
        (dict(max_steps=10.0), "max_steps must be a whole number >= 0"),
        (dict(batch_size=0), "batch_size must be a whole number >= 1"),
        (dict(clip=0.0), "clip must be a finite number > 0"),
    ],
)
def test_train_config_rejects_bad_numbers(overrides, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**overrides)


def test_killed_save_leaves_a_temporary_that_the_next_save_removes(tmp_path):
    target = tmp_path / "model.pt"
    # A child process starts a save and is killed (as by kill -9) before it can clean up.
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from course_utils.atomic import atomic_write\n"
        "def write(f):\n"
        "    f.write(b'x' * 1000)\n"
        "    f.flush()\n"
        "    os._exit(9)\n"
        "atomic_write(Path(sys.argv[1]), write)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(target)], check=False)
    assert done.returncode == 9
    leftovers = list(tmp_path.glob(".model.pt.*.tmp"))
    assert len(leftovers) == 1 and not target.exists()
    mine = tmp_path / f".model.pt.{os.getpid()}.busy.tmp"  # a live writer's file stays
    mine.write_bytes(b"in progress")
    atomic_write(target, lambda f: f.write(b"new"))
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["model.pt", mine.name])
