"""Notebook 09's race: recurrent and attention models trained for the same wall-clock time.

Each model first runs a few timed steps on a throwaway copy, then trains from its seeded start
for as many steps as fit in the budget at that pace: the same seconds for every model on the
machine at hand, and a deterministic run once the step count is known (the table prints it).
``benchmarks/recurrent_today.py`` runs the same race with a longer budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from course_utils.device import set_seed
from course_utils.generate import generate
from course_utils.models.blocks import BlockLM, BlockLMConfig
from course_utils.models.rnn import RNNLM, RNNLMConfig
from course_utils.train import (
    Batches,
    TokenStream,
    TrainConfig,
    evaluate_lm,
    evaluate_windowed,
    lm_loss,
    train,
)

MODELS = ("LSTM", "minGRU", "LRU", "attention")


@dataclass
class RaceConfig:
    """The race's models and budgets; every default is notebook 09's at COURSE_SCALE=1."""

    seconds: float = 12.0  # training seconds per model (per task)
    width: int = 128  # the block models' residual width
    layers: int = 2  # their blocks
    lstm_embed: int = 64  # the LSTM baseline's embedding ...
    lstm_hidden: int = 256  # ... and state (notebook 06's language model)
    window: int = 64  # what attention sees; the language models' chunk length
    batch_size: int = 32  # sequences per minibatch
    lr: float = 3e-3  # peak Adam learning rate (cosine to a tenth for the language models)
    seed: int = 0  # every model's initialisation and minibatch order


def new_model(name: str, vocab_size: int, config: RaceConfig) -> nn.Module:
    """One of MODELS, from its seeded start (the same weights every time)."""
    set_seed(config.seed)
    if name == "LSTM":
        return RNNLM(RNNLMConfig(vocab_size, config.lstm_embed, config.lstm_hidden, cell="lstm"))
    mixers = {"minGRU": "mingru", "LRU": "lru", "attention": "attention"}
    if name not in mixers:
        raise ValueError(f"model must be one of {MODELS}, got {name!r}")
    return BlockLM(
        BlockLMConfig(vocab_size, mixers[name], config.width, config.layers, window=config.window)
    )


def seconds_per_step(
    name: str, vocab_size: int, config: RaceConfig, x: torch.Tensor, y: torch.Tensor, device
) -> float:
    """The pace of one training step (forward, backward, Adam) of a throwaway copy of the model
    on one batch x, y: (B, T) int64: the mean of 10 steps after 5 warm-up steps (the first
    steps of a fused LSTM run 2-3x slower while its kernels are set up)."""
    model = new_model(name, vocab_size, config).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    x, y = x.to(device), y.to(device)
    times = []
    for _ in range(15):
        start = time.perf_counter()
        optimizer.zero_grad()
        lm_loss(model(x)[0], y).backward()
        optimizer.step()
        times.append(time.perf_counter() - start)
    return float(np.mean(times[5:]))


def state_bytes(model: nn.Module) -> int:
    """What generating one more token keeps besides the weights (float32 bytes, batch 1)."""
    if isinstance(model, RNNLM):  # (h, c) of every layer
        return 4 * 2 * model.config.num_layers * model.config.hidden_size
    return model.state_bytes()


def race_lm(
    names, train_ids, test_ids, tokenizer, config: RaceConfig, device, gen_chars: int = 200
) -> dict[str, dict]:
    """Train each model for ``config.seconds`` on the character stream ``train_ids`` (1-D) and
    score it on ``test_ids`` -> {name: steps, seconds, test_nll, train_tok_s, gen_tok_s,
    state_bytes, params}."""
    n = config.batch_size * config.window
    x, y = (
        train_ids[:n].view(config.batch_size, -1),
        train_ids[1 : n + 1].view(config.batch_size, -1),
    )
    vocab_size = len(tokenizer.vocab)
    results = {}
    for name in names:
        pace = seconds_per_step(name, vocab_size, config, x, y, device)
        attention = name == "attention"
        train_config = TrainConfig(
            max_steps=max(10, int(config.seconds / pace)),
            lr=config.lr,
            lr_decay="cosine",
            lr_min=config.lr / 10,
            batch_size=config.batch_size,
            seq_len=config.window,
            seed=config.seed,
            partition="random" if attention else "sequential",  # attention: no state to carry
            carry_state=not attention,
        )
        model = new_model(name, vocab_size, config).to(device)
        history = train(model, TokenStream(train_ids, train_config), train_config, device)
        if attention:  # each scored token sees at least half a window
            nll = evaluate_windowed(model, test_ids, device, config.window)
        else:  # the state carried through the whole text
            nll = evaluate_lm(model, test_ids, device)
        start = time.perf_counter()
        generate(model, tokenizer, "BRUTUS.\n", max_new_tokens=gen_chars, seed=config.seed)
        results[name] = {
            "steps": train_config.max_steps,
            "seconds": history.seconds,
            "test_nll": nll,
            "train_tok_s": history.tokens_per_second,
            "gen_tok_s": gen_chars / (time.perf_counter() - start),
            "state_bytes": state_bytes(model),
            "params": model.num_parameters(),
        }
    return results


def race_task(
    names,
    make_batch,
    test_x: torch.Tensor,
    test_y: torch.Tensor,
    vocab_size: int,
    config: RaceConfig,
    device,
) -> dict[str, dict]:
    """Train each model for ``config.seconds`` on fresh batches ``make_batch(n, generator) ->
    (x, y)`` (B, T) int64, one prediction per step -> {name: steps, seconds, loss (nats per
    step on test_x, test_y)}."""
    sample = make_batch(config.batch_size, torch.Generator().manual_seed(config.seed))
    results = {}
    for name in names:
        pace = seconds_per_step(name, vocab_size, config, *sample, device)
        train_config = TrainConfig(max_steps=max(10, int(config.seconds / pace)), lr=config.lr,
                                   seed=config.seed)  # fmt: skip
        model = new_model(name, vocab_size, config).to(device)
        data = Batches(lambda step, generator: make_batch(config.batch_size, generator))
        history = train(
            model, data, train_config, device, loss_fn=lambda out, y: lm_loss(out[0], y)
        )
        model.eval()
        with torch.no_grad():
            loss = lm_loss(model(test_x.to(device))[0], test_y.to(device)).item()
        results[name] = {
            "steps": train_config.max_steps,
            "seconds": history.seconds,
            "loss": loss,
        }
    return results


def lm_table(results: dict[str, dict]) -> str:
    """race_lm's results as the table the notebook and the benchmark print."""
    lines = [
        f"{'model':<10}{'params':>9}{'steps':>7}{'seconds':>9}{'test NLL':>10}"
        f"{'train tok/s':>13}{'gen tok/s':>11}{'bytes/token':>13}"
    ]
    for name, r in results.items():
        lines.append(
            f"{name:<10}{r['params']:>9,}{r['steps']:>7}{r['seconds']:>9.1f}{r['test_nll']:>10.3f}"
            f"{r['train_tok_s']:>13,.0f}{r['gen_tok_s']:>11,.0f}{r['state_bytes']:>13,}"
        )
    return "\n".join(lines)
