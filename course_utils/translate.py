"""Run a trained encoder-decoder on raw sources: tokens in, tokens out, with its warnings.

The glue between :class:`~course_utils.data.pairs.PairVocab`, a
:class:`~course_utils.models.seq2seq.Seq2Seq` model and the searches of
:mod:`course_utils.decoding`. Each output says whether decoding stopped at ``<eos>`` or
was cut at ``max_len`` (a truncated output is never silently passed off as complete),
and which source tokens the vocabulary did not know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from course_utils.data.pairs import PairVocab
from course_utils.decoding import beam_search, decoder_attention, greedy_decode
from course_utils.errors import ShapeError
from course_utils.models.seq2seq import Seq2Seq


@dataclass
class Translation:
    """One decoded output."""

    tokens: list[str]  # without <bos>/<eos>
    finished: bool  # False: cut at max_len before <eos>, so probably incomplete
    unknown: list[str]  # source tokens read as <unk>
    log_prob: float  # the model's log probability of this output (<eos> included if finished)


def _check_vocab(model: Seq2Seq, vocab: PairVocab) -> None:
    # The model's config names its vocabulary sizes and <bos>/<eos> ids: another vocabulary
    # would decode its outputs into the wrong tokens without a word.
    c = model.config
    mine = (c.src_vocab_size, c.tgt_vocab_size, c.bos_id, c.eos_id)
    given = (len(vocab.source), len(vocab.target), vocab.bos_id, vocab.eos_id)
    if mine != given:
        raise ShapeError(
            f"this model was built for another vocabulary (source, target sizes and <bos>, "
            f"<eos> ids {mine}, the vocabulary passed has {given}); pass the PairVocab the "
            "model was trained with"
        )


def _check_sources(sources: Sequence[Sequence[str]]) -> None:
    empty = [i for i, src in enumerate(sources) if len(src) == 0]
    if empty:
        raise ShapeError(
            f"source(s) at index {empty[:5]} are empty: an encoder needs at least one token "
            "to read, so there is nothing to translate. Skip empty inputs"
        )


@torch.no_grad()
def translate(
    model: Seq2Seq,
    vocab: PairVocab,
    sources: Sequence[Sequence[str]],
    max_len: int,
    device: torch.device,
    batch_size: int = 512,
) -> list[Translation]:
    """Greedy-decode every source (in batches of ``batch_size``) -> one Translation each."""
    _check_vocab(model, vocab)
    _check_sources(sources)
    model.eval()
    results = []
    for start in range(0, len(sources), batch_size):
        chunk = sources[start : start + batch_size]
        src, lengths = vocab.encode_sources(chunk)
        state = model.start(src.to(device), lengths.to(device))
        c = model.config
        out = greedy_decode(model.step, state, len(chunk), c.bos_id, c.eos_id, max_len)
        for source, ids, done, lp in zip(chunk, out.tokens, out.finished, out.log_prob.tolist()):
            results.append(Translation(vocab.decode_target(ids), done, vocab.unknown(source), lp))
    return results


@torch.no_grad()
def beam_translate(
    model: Seq2Seq,
    vocab: PairVocab,
    source: Sequence[str],
    max_len: int,
    device: torch.device,
    beam_size: int = 5,
    length_penalty: float = 1.0,
) -> list[Translation]:
    """Beam search for one source -> up to ``beam_size`` Translations, best first."""
    _check_vocab(model, vocab)
    _check_sources([source])
    model.eval()
    src, lengths = vocab.encode_sources([source])
    state = model.start(src.to(device), lengths.to(device))
    c = model.config
    hypotheses = beam_search(
        model.step, state, c.bos_id, c.eos_id, beam_size, max_len, length_penalty
    )
    unknown = vocab.unknown(source)
    return [
        Translation(vocab.decode_target(h.tokens), h.finished, unknown, h.log_prob)
        for h in hypotheses
    ]


def attention_map(
    model: Seq2Seq, vocab: PairVocab, source: Sequence[str], max_len: int, device: torch.device
) -> tuple[Translation, torch.Tensor]:
    """The greedy translation of one source and the attention weights that produced it.

    -> (translation, weights (T, S)): T = output tokens + <eos>, S = source tokens.
    """
    out = translate(model, vocab, [source], max_len, device)[0]
    src, lengths = vocab.encode_sources([source])
    tgt_in, _ = vocab.encode_targets([out.tokens])  # (1, T): <bos> + the output
    inputs = (src.to(device), lengths.to(device))
    return out, decoder_attention(model, inputs, tgt_in.to(device))
