"""Notebook 09's race: block language models carry their state across chunks, attention sees
its window only, and a race trains every model for its budget."""

import math

import pytest
import torch

from course_utils.data import copy_memory, copy_memory_baseline
from course_utils.models import BlockLM, BlockLMConfig
from course_utils.race import MODELS, RaceConfig, new_model, race_task, state_bytes
from course_utils.train import evaluate_lm, evaluate_windowed


@pytest.mark.parametrize("mixer", ["mingru", "minlstm", "lru"])
def test_a_recurrent_block_lm_reads_a_text_in_chunks_as_in_one_piece(mixer):
    torch.manual_seed(0)
    model = BlockLM(BlockLMConfig(11, mixer, width=16, num_layers=2, state_size=8)).double()
    x = torch.randint(0, 11, (3, 24))
    whole, _ = model(x)
    first, state = model(x[:, :10])
    second, _ = model(x[:, 10:], state)
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole, rtol=0, atol=1e-10)


def test_attention_reads_its_window_and_refuses_more():
    torch.manual_seed(0)
    model = BlockLM(BlockLMConfig(11, "attention", width=16, num_layers=1, heads=2, window=8))
    x = torch.randint(0, 11, (2, 8))
    whole, context = model(x)
    assert context.shape == (2, 7)  # the last window - 1 ids: the next call's context
    first, context = model(x[:, :5])
    rest, _ = model(x[:, 5:], context)  # one window in two calls: the same logits
    torch.testing.assert_close(torch.cat([first, rest], dim=1), whole, rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="evaluate_windowed"):
        model(torch.randint(0, 11, (2, 9)))
    ids = torch.randint(0, 11, (200,))
    nll = evaluate_windowed(model, ids, torch.device("cpu"), window=8)
    assert math.isfinite(nll) and abs(nll - math.log(11)) < 1.0  # untrained: near uniform
    with pytest.raises(ValueError):
        evaluate_lm(model, ids, torch.device("cpu"))  # a carried context outgrows the window


def test_memory_per_token_is_the_state_or_the_cache():
    config = RaceConfig(width=32, layers=2, lstm_hidden=64, window=16)
    sizes = {name: state_bytes(new_model(name, 10, config)) for name in MODELS}
    assert sizes["LSTM"] == 4 * 2 * 64  # (h, c)
    assert sizes["minGRU"] == 4 * 2 * 32  # one vector per block
    assert sizes["attention"] == 4 * 2 * 2 * 16 * 32  # keys and values, per block
    with pytest.raises(ValueError, match="model must be one of"):
        new_model("GPT-7", 10, config)


def test_a_race_gives_each_model_its_seconds_and_scores_it():
    config = RaceConfig(seconds=0.5, width=16, layers=1, lstm_hidden=16, window=32, batch_size=8)

    def make(n, generator):
        return copy_memory(n, 5, generator=generator)

    test_x, test_y = make(64, torch.Generator().manual_seed(1))
    results = race_task(["LSTM", "minGRU"], make, test_x, test_y, 10, config, torch.device("cpu"))
    for name, r in results.items():
        assert r["steps"] >= 10 and r["seconds"] > 0, name
        assert r["loss"] < math.log(10), name  # learned something: below the uniform guess
        assert r["loss"] < copy_memory_baseline(5) + 1.5, name
