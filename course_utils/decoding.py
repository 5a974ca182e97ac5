"""Decoding for encoder-decoder models: greedy search and beam search.

A trained decoder gives ``log P(y_t | y_<t, x)`` one token at a time. We want the
output sequence with the highest total ``log P(y | x) = sum_t log P(y_t | y_<t, x)``,
but there are ``V ** T`` sequences, so we search approximately:

* **greedy**: take the single most likely token at every step. Fast, but a locally
  good first token can lead into a poor sequence.
* **beam search** (as used by Sutskever, Vinyals & Le 2014, "Sequence to Sequence
  Learning with Neural Networks"): keep the ``beam_size`` best partial sequences
  ("beams"); each step extends every beam by every token and keeps the best
  ``beam_size`` extensions. ``beam_size=1`` is greedy search.

Summed log probs favour short outputs (every extra token adds a negative number), so
finished hypotheses are ranked by ``log_prob / L ** length_penalty`` with ``L`` the
number of tokens including ``<eos>``. Wu et al. 2016 (GNMT) use ``((5 + L) / 6) ** alpha``
instead; we keep the plain per-token version because it is easier to reason about.

Both searches are generic over the model through a *step function*::

    def step(prev_tokens, state):   # prev_tokens: (K,) int64
        ...                         # run the decoder one step for K sequences
        return log_probs, state     # log_probs: (K, V), e.g. from log_softmax

where the state is a tensor, a tuple/list of tensors (nested allowed) or None, and every
tensor in it has the K sequences on dim 0: a GRU hidden state (K, H), encoder outputs
(K, S, 2H), a source mask (K, S). The search reorders and copies beams with
:func:`select_state`, so the step function never needs to know about beams.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import torch

from course_utils.errors import ShapeError

State = torch.Tensor | tuple["State", ...] | list["State"] | None
StepFn = Callable[[torch.Tensor, State], tuple[torch.Tensor, State]]


@dataclass
class GreedyResult:
    """What :func:`greedy_decode` returns for a batch of B sources."""

    tokens: list[list[int]]  # one list per source, without <bos> and <eos>
    finished: list[bool]  # False: hit max_len before <eos> (truncated)
    log_prob: torch.Tensor  # (B,) sum of the chosen tokens' log probs, <eos> included


@dataclass
class Hypothesis:
    """One output sequence found by :func:`beam_search`."""

    tokens: list[int]  # without <bos> and <eos>
    log_prob: float  # sum of the tokens' log probs, <eos> included when finished
    score: float  # log_prob / length ** length_penalty: what hypotheses are ranked by
    finished: bool  # False: hit max_len before <eos> (truncated)


def select_state(state: State, index: torch.Tensor) -> State:
    """Pick rows ``index`` (N,) int64 along dim 0 of every tensor in ``state`` -> (N, ...).

    ``index`` may repeat rows (copy one source to many beams) or permute them (keep
    each beam's state with its sequence when the beams are reordered).
    """
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.index_select(0, index.to(state.device))
    if isinstance(state, (tuple, list)):
        return type(state)(select_state(s, index) for s in state)
    raise TypeError(
        f"the state must be a tensor, a tuple/list of tensors or None, got {type(state).__name__}"
    )


def _first_tensor(state: State) -> torch.Tensor | None:
    """The first tensor found in ``state`` (depth first), or None if it holds none."""
    if isinstance(state, torch.Tensor):
        return state
    if isinstance(state, (tuple, list)):
        for s in state:
            t = _first_tensor(s)
            if t is not None:
                return t
    return None


def _check_state(state: State, k: int, what: str) -> None:
    """Raise ShapeError unless every tensor in ``state`` has ``k`` rows on dim 0."""
    if isinstance(state, torch.Tensor):
        if state.dim() == 0 or state.shape[0] != k:
            raise ShapeError(
                f"{what} holds a tensor of shape {tuple(state.shape)}, but every state tensor "
                f"must have the {k} sequences on dim 0; put the batch/beam dimension first"
            )
    elif isinstance(state, (tuple, list)):
        for s in state:
            _check_state(s, k, what)


def _check_log_probs(log_probs: torch.Tensor, k: int) -> None:
    """Raise ShapeError unless ``log_probs`` is (k, V): one row of scores per sequence."""
    if log_probs.dim() != 2 or log_probs.shape[0] != k:
        raise ShapeError(
            f"step returned log_probs of shape {tuple(log_probs.shape)}, expected (K, V) = "
            f"({k}, vocab_size): one row of log probs for each of the {k} sequences"
        )


def _check_positive(**values: int) -> None:
    """Raise TypeError for an argument that is not a whole number, ValueError for one < 1."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"{name} must be a whole number >= 1, got {value!r} ({type(value).__name__}); "
                f"pass e.g. {name}=int({value!r})"
            )
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")


@torch.no_grad()
def greedy_decode(
    step: StepFn,
    state: State,
    batch_size: int,
    bos_id: int,
    eos_id: int,
    max_len: int,
    device: torch.device | str | None = None,
) -> GreedyResult:
    """Decode B sources together, taking the most likely token at each step.

    ``state`` holds B rows (dim 0) per tensor; ``max_len`` counts generated tokens,
    ``<eos>`` included. ``device`` (for the token ids fed to ``step``) defaults to the
    device of the state's first tensor, else the CPU.
    """
    _check_positive(batch_size=batch_size, max_len=max_len)
    _check_state(state, batch_size, "the initial state")
    if device is None:
        first = _first_tensor(state)
        device = first.device if first is not None else torch.device("cpu")
    prev = torch.full((batch_size,), bos_id, dtype=torch.long, device=device)  # (B,)
    done = torch.zeros(batch_size, dtype=torch.bool, device=device)  # (B,) emitted <eos>?
    chosen_tokens, chosen_log_probs = [], []
    for _ in range(max_len):
        log_probs, state = step(prev, state)  # (B, V)
        _check_log_probs(log_probs, batch_size)
        _check_state(state, batch_size, "the state returned by step")
        token = log_probs.argmax(dim=-1)  # (B,) the locally best token
        # A finished sequence keeps emitting <eos> as padding and adds nothing to its score.
        # It still goes through step, which wastes a little work but keeps the batch one shape.
        token = token.masked_fill(done, eos_id)
        token_log_prob = log_probs.gather(1, token[:, None]).squeeze(1)  # (B,)
        chosen_tokens.append(token)
        chosen_log_probs.append(token_log_prob.masked_fill(done, 0.0))
        done = done | (token == eos_id)
        prev = token
        if bool(done.all()):  # everyone has finished: stop early
            break

    rows = torch.stack(chosen_tokens, dim=1).tolist()  # (B, T) as lists
    tokens, finished = [], []
    for row in rows:
        if eos_id in row:  # cut at the first <eos>; what follows is padding
            tokens.append(row[: row.index(eos_id)])
            finished.append(True)
        else:
            tokens.append(row)
            finished.append(False)
    log_prob = torch.stack(chosen_log_probs, dim=1).sum(dim=1)  # (B,)
    return GreedyResult(tokens=tokens, finished=finished, log_prob=log_prob)


def _hypothesis(
    tokens: list[int], log_prob: float, finished: bool, length_penalty: float
) -> Hypothesis:
    """Wrap a sequence with its length-normalised score (length counts <eos> if finished)."""
    length = len(tokens) + int(finished)
    score = log_prob / length**length_penalty
    return Hypothesis(tokens=tokens, log_prob=log_prob, score=score, finished=finished)


@torch.no_grad()
def beam_search(
    step: StepFn,
    state: State,
    bos_id: int,
    eos_id: int,
    beam_size: int,
    max_len: int,
    length_penalty: float = 1.0,
) -> list[Hypothesis]:
    """Beam search for ONE source (every state tensor has 1 row) -> hypotheses, best first.

    Returns at most ``beam_size`` hypotheses: finished ones ranked by ``score``, then (only
    if max_len was reached) truncated ones. ``max_len`` counts generated tokens, ``<eos>``
    included; ``length_penalty=0`` ranks by the raw summed log prob.
    """
    _check_positive(beam_size=beam_size, max_len=max_len)
    _check_state(state, 1, "the initial state of beam_search (one source)")
    first = _first_tensor(state)
    device = first.device if first is not None else torch.device("cpu")

    # The live beams. We start with a single one (just <bos>); the first step's top-k
    # copies the source state to up to beam_size beams through select_state below.
    prev = torch.full((1,), bos_id, dtype=torch.long, device=device)  # (K,) last tokens
    live_log_probs = torch.zeros(1, device=device)  # (K,) summed log prob of each beam
    live_tokens: list[list[int]] = [[]]
    finished: list[Hypothesis] = []
    truncated: list[Hypothesis] = []

    for _ in range(max_len):
        k = prev.shape[0]
        log_probs, state = step(prev, state)  # (K, V)
        _check_log_probs(log_probs, k)
        _check_state(state, k, "the state returned by step")
        vocab_size = log_probs.shape[1]

        # Every live beam extended by every token gives K * V candidates, scored by the
        # log prob of the whole extended sequence. Beams are compared by this raw sum:
        # they all have the same length at a given step, so normalising changes nothing.
        candidates = (live_log_probs[:, None] + log_probs).flatten()  # (K * V,)
        top_log_probs, top_index = candidates.topk(min(beam_size, candidates.numel()))
        from_beam = top_index // vocab_size  # (beam,) which beam each candidate extends
        token = top_index % vocab_size  # (beam,) and with which token

        # Candidates that end in <eos> are set aside as finished; the others stay live.
        scores, beams, tokens = top_log_probs.tolist(), from_beam.tolist(), token.tolist()
        keep = []  # positions (in the top-k) of the candidates that stay live
        for i, (score, b, t) in enumerate(zip(scores, beams, tokens)):
            if score == float("-inf"):  # probability 0 (e.g. a masked token): not a sequence
                continue
            if t == eos_id:
                finished.append(_hypothesis(live_tokens[b], score, True, length_penalty))
            else:
                keep.append(i)
        live_tokens = [live_tokens[beams[i]] + [tokens[i]] for i in keep]
        keep_index = torch.tensor(keep, dtype=torch.long, device=token.device)
        prev = token[keep_index]
        live_log_probs = top_log_probs[keep_index]
        state = select_state(state, from_beam[keep_index])  # each beam's state follows it

        # Simple stopping rule: enough finished hypotheses, or nothing left to extend.
        # It is a heuristic (beam search is approximate anyway). Without length
        # normalisation a live beam's log prob only falls as it grows, so it could only
        # win if it already beats a finished one. With normalisation even a beam that is
        # behind now could overtake later, because its per-token average can still rise.
        if len(finished) >= beam_size or not live_tokens:
            break
    else:  # max_len reached: report the live beams too, marked as truncated
        truncated = [
            _hypothesis(seq, lp, False, length_penalty)
            for seq, lp in zip(live_tokens, live_log_probs.tolist())
        ]

    # Complete sequences first: a truncated one lacks its <eos> term, so its score is not
    # comparable with theirs. Truncated ones only fill up a list with too few complete ones.
    by_score = lambda h: -h.score
    ranked = sorted(finished, key=by_score) + sorted(truncated, key=by_score)
    return ranked[:beam_size]


@torch.no_grad()
def decoder_attention(model: torch.nn.Module, inputs: tuple, tgt_in: torch.Tensor) -> torch.Tensor:
    """Where a decoder looks while it reads ``tgt_in`` (1, T): attention weights (T, S), float, CPU.

    ``model(*inputs, tgt_in, return_attention=True)`` must return (logits, weights (1, T, S));
    a seq2seq model and a captioner both do. Run on a model's own greedy output, it shows
    where the model looked for each word it wrote.
    """
    was_training = model.training
    model.eval()
    _, weights = model(*inputs, tgt_in, return_attention=True)
    model.train(was_training)
    if weights is None:
        raise ValueError("this model has no attention, so there are no weights to show")
    return weights[0].float().cpu()
