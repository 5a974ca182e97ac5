"""Text generation from a language model: greedy, temperature and top-k sampling.

At each step the model turns the context into logits ``z``; sampling with temperature
``tau`` draws from ``softmax(z / tau)`` (tau -> 0 is greedy, tau = 1 the model's own
distribution, tau > 1 flatter); top-k first keeps only the k most likely tokens.
"""

from __future__ import annotations

import math
import numbers

import torch
import torch.nn as nn

from course_utils.data.tokenizers import Tokenizer
from course_utils.errors import ShapeError


def next_token(
    logits: torch.Tensor,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Pick the next ids from logits (B, V): greedy if temperature == 0, else sample -> (B,)."""
    if not math.isfinite(temperature) or temperature < 0:
        raise ValueError(
            f"temperature must be a finite number >= 0 (0 is greedy, 1 samples the model's "
            f"distribution), got {temperature}"
        )
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits / temperature
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 1:
            raise ValueError(f"top_k must be a whole number >= 1 (or None for all), got {top_k!r}")
        kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits.float(), dim=-1)
    # Sample on the CPU with an explicit generator: the same seed gives the same text on any device.
    return torch.multinomial(probs.cpu(), 1, generator=generator).squeeze(1).to(logits.device)


@torch.no_grad()
def generate(
    model: nn.Module,
    tokenizer: Tokenizer,
    prompt: str,
    max_new_tokens: int = 200,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
) -> str:
    """Continue ``prompt`` by ``max_new_tokens`` tokens; return prompt + continuation.

    Characters the tokenizer never saw raise a :class:`~course_utils.errors.VocabError`
    rather than silently becoming ``<unk>``.
    """
    ids = tokenizer.encode(prompt, strict=True)
    if not ids:
        raise ShapeError("the prompt is empty; give the model at least one token to start from")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    x = torch.tensor([ids], device=device)  # (1, T): the whole prompt primes the state
    logits, state = model(x)
    unk_mask = torch.zeros(logits.shape[-1], dtype=torch.bool, device=device)
    unk_mask[tokenizer.vocab.unk_index] = True
    out = []
    for _ in range(max_new_tokens):
        # <unk> stands for "some token we never learned": never emit it as text.
        scores = logits[:, -1].masked_fill(unk_mask, float("-inf"))  # (1, V)
        token = next_token(scores, temperature, top_k, generator)  # (1,)
        out.append(int(token))
        logits, state = model(token[:, None], state)  # feed one token, keep the state
    model.train(was_training)
    continuation = tokenizer.decode(out)
    return prompt + (tokenizer.separator if continuation else "") + continuation
