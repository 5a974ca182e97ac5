"""Greedy decoding and beam search on tiny models whose best output we can compute."""

import itertools

import pytest
import torch
import torch.nn as nn

from course_utils import ShapeError, beam_search, greedy_decode, select_state

BOS, EOS = 0, 1


def table_from_probs(rows):
    """A Markov "model": row ``prev`` holds P(next | prev); returns log probs (V, V) float64."""
    probs = torch.tensor(rows, dtype=torch.float64)
    return (probs / probs.sum(dim=1, keepdim=True)).log()  # zeros become -inf: never emitted


def random_table(seed, vocab_size=5):
    """Random log P(next | prev) (V, V); <bos> is never emitted, as in a real decoder."""
    gen = torch.Generator().manual_seed(seed)
    logits = 2 * torch.randn(vocab_size, vocab_size, generator=gen, dtype=torch.float64)
    logits[:, BOS] = float("-inf")
    return logits.log_softmax(dim=1)


def markov_step(table):
    """Step function for a table model: the next-token distribution depends on prev only."""
    return lambda prev, state: (table[prev], state)  # (K, V)


def sequence_log_prob(table, tokens, finished=True):
    """log P(tokens (+ <eos>)) under a table model, summed token by token."""
    seq = [BOS, *tokens] + ([EOS] if finished else [])
    return sum(float(table[a, b]) for a, b in zip(seq, seq[1:]))


def enumerate_best(table, max_len, length_penalty):
    """Exhaustive search: the best sequence ending in <eos> within max_len tokens."""
    body = [t for t in range(table.shape[0]) if t not in (BOS, EOS)]
    best, best_score = None, float("-inf")
    for n in range(max_len):  # n tokens then <eos>
        for tokens in itertools.product(body, repeat=n):
            score = sequence_log_prob(table, tokens) / (n + 1) ** length_penalty
            if score > best_score:
                best, best_score = list(tokens), score
    return best


# From <bos>, token 2 looks best (0.48) but rarely ends well; token 3 (0.40) nearly always
# ends at once. Greedy takes 2 -> [2] (0.144); the best sequence is [3] (0.36).
#            <bos> <eos>   2     3     4
GARDEN_PATH = [
    [0.0, 0.02, 0.48, 0.40, 0.10],  # after <bos>
    [0.0, 0.25, 0.25, 0.25, 0.25],  # after <eos> (only finished greedy rows see it)
    [0.0, 0.30, 0.25, 0.25, 0.20],  # after 2
    [0.0, 0.90, 0.05, 0.03, 0.02],  # after 3
    [0.0, 0.50, 0.20, 0.20, 0.10],  # after 4
]

# Stopping at once scores log 0.3 = -1.20 in total; [2] scores log 0.27 = -1.31 in total
# but -0.65 per token, so the raw sum prefers [] and the per-token average prefers [2].
SHORT_OR_LONG = [
    [0.0, 0.30, 0.60, 0.10, 0.00],
    [0.0, 0.25, 0.25, 0.25, 0.25],
    [0.0, 0.45, 0.05, 0.25, 0.25],
    [0.0, 0.10, 0.30, 0.30, 0.30],
    [0.0, 0.10, 0.30, 0.30, 0.30],
]


@pytest.mark.parametrize("beam_size", [2, 3, 5])
def test_beam_finds_the_best_sequence_greedy_misses(beam_size):
    table = table_from_probs(GARDEN_PATH)
    best = enumerate_best(table, max_len=5, length_penalty=0)
    assert best == [3]
    calls = []

    def step(prev, state):  # the table model, counting how often it is run
        calls.append(prev)
        return table[prev], state

    greedy = greedy_decode(step, None, 1, BOS, EOS, max_len=5)
    assert greedy.tokens == [[2]] and greedy.tokens[0] != best
    assert len(calls) == 2  # stopped as soon as everyone emitted <eos>
    hyps = beam_search(markov_step(table), None, BOS, EOS, beam_size, max_len=5, length_penalty=0)
    assert hyps[0].tokens == best and hyps[0].finished
    assert hyps[0].log_prob == pytest.approx(sequence_log_prob(table, best))
    assert hyps[0].log_prob > float(greedy.log_prob[0])


@pytest.mark.parametrize("length_penalty, expected", [(0.0, []), (1.0, [2])])
def test_length_penalty_trades_total_for_average(length_penalty, expected):
    table = table_from_probs(SHORT_OR_LONG)
    assert enumerate_best(table, max_len=5, length_penalty=length_penalty) == expected
    hyps = beam_search(
        markov_step(table), None, BOS, EOS, 3, max_len=5, length_penalty=length_penalty
    )
    best = hyps[0]
    assert best.tokens == expected
    assert best.score == pytest.approx(best.log_prob / (len(expected) + 1) ** length_penalty)
    assert [h.score for h in hyps] == sorted((h.score for h in hyps), reverse=True)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("length_penalty", [0.0, 0.6, 1.0])
def test_beam_as_wide_as_the_search_space_is_exhaustive(seed, length_penalty):
    # 3 content tokens, 4 steps: at most 3**3 * 5 = 135 candidates, so a beam of 200 never
    # drops one and the best finished hypothesis must be the exhaustive argmax.
    table = random_table(seed)
    hyps = beam_search(
        markov_step(table), None, BOS, EOS, 200, max_len=4, length_penalty=length_penalty
    )
    assert hyps[0].tokens == enumerate_best(table, max_len=4, length_penalty=length_penalty)
    # <bos> has probability 0: those candidates are dropped, not kept with score -inf.
    assert all(h.log_prob > float("-inf") and BOS not in h.tokens for h in hyps)


@pytest.mark.parametrize("seed", range(5))
def test_beam_size_one_is_greedy(seed):
    table = random_table(seed, vocab_size=6)
    step = markov_step(table)
    greedy = greedy_decode(step, None, 1, BOS, EOS, max_len=8)
    (hyp,) = beam_search(step, None, BOS, EOS, beam_size=1, max_len=8)
    assert hyp.tokens == greedy.tokens[0]
    assert hyp.finished == greedy.finished[0]
    assert hyp.log_prob == pytest.approx(float(greedy.log_prob[0]))


class TinyDecoder(nn.Module):
    """A GRU decoder reading a fixed "encoder output": enough state for reordering to matter."""

    def __init__(self, vocab_size=7, hidden_size=8):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden_size)
        self.cell = nn.GRUCell(2 * hidden_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def step(self, prev, state):
        """prev (K,), state = (h (K, H), memory (K, S, H)) -> log_probs (K, V), new state."""
        h, memory = state
        x = torch.cat([self.embed(prev), memory.mean(dim=1)], dim=-1)  # (K, 2H)
        h = self.cell(x, h)  # (K, H)
        logits = self.head(h).index_fill(1, torch.tensor([BOS]), float("-inf"))  # never <bos>
        return logits.log_softmax(dim=-1), (h, memory)


@pytest.fixture
def decoder():
    torch.manual_seed(1)
    model = TinyDecoder().double()
    with torch.no_grad():
        model.head.bias[EOS] += 0.5  # with this seed, some outputs finish and some run to max_len
    return model


def encoder_state(batch_size, seed=1, hidden_size=8, src_len=3):
    """A random initial state: h (B, H) and encoder outputs (B, S, H)."""
    gen = torch.Generator().manual_seed(seed)
    h = torch.randn(batch_size, hidden_size, generator=gen, dtype=torch.float64)
    memory = torch.randn(batch_size, src_len, hidden_size, generator=gen, dtype=torch.float64)
    return (h, memory)


def teacher_forced_log_prob(step, state, tokens, finished):
    """Feed <bos> + tokens through step one at a time and sum the log probs of what follows."""
    seq = [BOS, *tokens] + ([EOS] if finished else [])
    total = 0.0
    for prev, nxt in zip(seq, seq[1:]):
        log_probs, state = step(torch.tensor([prev]), state)
        total += float(log_probs[0, nxt])
    return total


def test_beam_hypotheses_match_teacher_forcing(decoder):
    # If a beam's state were not reordered with it, its score would be computed from
    # another prefix's state and differ from the score of its own tokens.
    state = encoder_state(1)
    hyps = beam_search(decoder.step, state, BOS, EOS, beam_size=4, max_len=6)
    assert len(hyps) == 4 and len({tuple(h.tokens) for h in hyps}) == 4
    assert any(len(h.tokens) >= 2 for h in hyps)  # beams were extended, not only started
    assert {h.finished for h in hyps} == {True, False}
    with torch.no_grad():
        for h in hyps:
            expected = teacher_forced_log_prob(decoder.step, state, h.tokens, h.finished)
            assert h.log_prob == pytest.approx(expected, abs=1e-10)


def test_batched_greedy_equals_one_at_a_time(decoder):
    state = encoder_state(3)
    batch = greedy_decode(decoder.step, state, 3, BOS, EOS, max_len=10)
    assert len({len(t) for t in batch.tokens}) == 3  # rows finish at different steps...
    assert batch.finished == [False, True, True]  # ...or not at all
    for i in range(3):
        alone = greedy_decode(decoder.step, select_state(state, torch.tensor([i])), 1, BOS, EOS, 10)
        assert alone.tokens[0] == batch.tokens[i]
        assert alone.finished[0] == batch.finished[i]
        assert float(alone.log_prob[0]) == pytest.approx(float(batch.log_prob[i]), abs=1e-10)


def test_no_eos_means_truncated():
    rows = [[0.0, 1e-9, 0.5, 0.3, 0.2]] * 5  # <eos> is never the likeliest token
    table = table_from_probs(rows)
    greedy = greedy_decode(markov_step(table), None, 2, BOS, EOS, max_len=4)
    assert greedy.finished == [False, False] and greedy.tokens == [[2, 2, 2, 2]] * 2
    expected = sequence_log_prob(table, [2, 2, 2, 2], finished=False)
    assert greedy.log_prob.tolist() == pytest.approx([expected, expected])
    hyps = beam_search(markov_step(table), None, BOS, EOS, beam_size=3, max_len=4)
    assert len(hyps) == 3 and not any(h.finished for h in hyps)
    assert all(len(h.tokens) == 4 for h in hyps) and hyps[0].tokens == [2, 2, 2, 2]
    assert hyps[0].score == pytest.approx(hyps[0].log_prob / 4)  # no <eos> to count


def test_select_state_copies_and_reorders_nested_state():
    a = torch.arange(6.0).reshape(2, 3)
    b = torch.tensor([10, 20])
    out = select_state((a, [b, None]), torch.tensor([1, 1, 0]))
    assert isinstance(out, tuple) and isinstance(out[1], list) and out[1][1] is None
    assert torch.equal(out[0], a[[1, 1, 0]]) and out[1][0].tolist() == [20, 20, 10]
    assert select_state(None, torch.tensor([0])) is None
    with pytest.raises(TypeError, match="tuple/list of tensors"):
        select_state({"h": a}, torch.tensor([0]))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda s: beam_search(s, None, BOS, EOS, beam_size=0, max_len=3),
            "beam_size must be >= 1",
        ),
        (lambda s: beam_search(s, None, BOS, EOS, beam_size=2, max_len=0), "max_len must be >= 1"),
        (lambda s: greedy_decode(s, None, 2, BOS, EOS, max_len=0), "max_len must be >= 1"),
        (lambda s: greedy_decode(s, None, 0, BOS, EOS, max_len=3), "batch_size must be >= 1"),
    ],
)
def test_bad_arguments_raise(call, message):
    step = markov_step(table_from_probs(GARDEN_PATH))
    with pytest.raises(ValueError, match=message):
        call(step)


@pytest.mark.parametrize("bad", [lambda lp: lp[:, 0], lambda lp: lp[:1], lambda lp: lp[None]])
def test_log_probs_of_wrong_shape_raise(bad):
    table = table_from_probs(GARDEN_PATH)
    step = lambda prev, state: (bad(table[prev]), state)
    with pytest.raises(ShapeError, match=r"expected \(K, V\)"):
        greedy_decode(step, None, 2, BOS, EOS, max_len=3)
    if bad(table[torch.tensor([BOS])]).shape[:1] != (1,):  # lp[:1] is fine when K = 1
        with pytest.raises(ShapeError, match=r"expected \(K, V\)"):
            beam_search(step, None, BOS, EOS, beam_size=2, max_len=3)


def test_state_with_wrong_first_dim_raises(decoder):
    with pytest.raises(ShapeError, match="dim 0"):
        greedy_decode(decoder.step, encoder_state(3), 2, BOS, EOS, max_len=3)
    with pytest.raises(ShapeError, match="one source"):
        beam_search(decoder.step, encoder_state(2), BOS, EOS, beam_size=2, max_len=3)
    # A step function that loses track of the beam dimension is caught too.
    broken = lambda prev, state: (decoder.step(prev, state)[0], encoder_state(1))
    with pytest.raises(ShapeError, match="returned by step"):
        beam_search(broken, encoder_state(1), BOS, EOS, beam_size=3, max_len=3)
