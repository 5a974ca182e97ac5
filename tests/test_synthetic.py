import math

import pytest
import torch
import torch.nn.functional as F

from course_utils import (
    ADDING_BASELINE_MSE,
    COPY_VOCAB_SIZE,
    adding_problem,
    copy_memory,
    copy_memory_baseline,
)
from course_utils.data.synthetic import COPY_BLANK


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_adding_shapes_markers_and_target():
    x, y = adding_problem(64, 11, gen())
    assert x.shape == (64, 11, 2) and y.shape == (64,)
    assert x.dtype == y.dtype == torch.float32
    values, markers = x[..., 0], x[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert torch.equal(markers.sum(1), torch.full((64,), 2.0))
    assert torch.equal(markers[:, :5].sum(1), torch.ones(64))  # one in [0, T // 2)
    assert torch.equal(markers[:, 5:].sum(1), torch.ones(64))  # one in [T // 2, T)
    torch.testing.assert_close(y, (values * markers).sum(1))


def test_adding_same_generator_seed_same_data():
    a, b, c = (
        adding_problem(8, 20, gen(1)),
        adding_problem(8, 20, gen(1)),
        adding_problem(8, 20, gen(2)),
    )
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])


def test_adding_baseline_is_the_mse_of_predicting_one():
    _, y = adding_problem(20_000, 10, gen(3))
    mse = ((y - 1.0) ** 2).mean().item()
    assert ADDING_BASELINE_MSE == pytest.approx(1 / 6)
    assert mse == pytest.approx(ADDING_BASELINE_MSE, abs=0.01)


def test_copy_memory_layout():
    x, y = copy_memory(5, delay=7, generator=gen())
    assert x.shape == y.shape == (5, 7 + 20) and x.dtype == y.dtype == torch.int64
    symbols = x[:, :10]
    assert ((symbols >= 1) & (symbols <= 8)).all()
    assert (x[:, 10:16] == COPY_BLANK).all()  # delay - 1 = 6 blanks
    assert (x[:, 16] == 8 + 1).all()  # the delimiter: n_symbols + 1
    assert (x[:, 17:] == COPY_BLANK).all()  # 10 blanks while writing
    assert (y[:, :-10] == COPY_BLANK).all()
    assert torch.equal(y[:, -10:], symbols)
    assert int(x.max()) < COPY_VOCAB_SIZE


def test_copy_memory_other_alphabet_and_length():
    x, y = copy_memory(3, delay=1, generator=gen(), n_symbols=4, length=3)
    assert x.shape == (3, 7)
    assert (x[:, 3] == 5).all()  # delimiter = n_symbols + 1, right after the symbols
    assert torch.equal(y[:, -3:], x[:, :3])


def test_copy_memory_deterministic():
    assert torch.equal(copy_memory(4, 5, gen(9))[0], copy_memory(4, 5, gen(9))[0])


def test_copy_baseline_formula():
    assert copy_memory_baseline(100) == pytest.approx(10 * math.log(8) / 120)


def test_copy_baseline_equals_best_memoryless_predictor_on_data():
    # The best predictor that ignores the symbols outputs, at each position, the target
    # distribution at that position: estimate it on the data and score it there.
    delay = 30
    _, y = copy_memory(20_000, delay, gen(4))
    counts = F.one_hot(y, COPY_VOCAB_SIZE).sum(0).double()  # (T, V)
    log_p = (counts / counts.sum(1, keepdim=True)).log()  # (T, V)
    nll = -log_p.gather(1, y.T).mean().item()  # every position of every sequence
    assert nll == pytest.approx(copy_memory_baseline(delay), abs=1e-3)


@pytest.mark.parametrize(
    "call,error",
    [
        (lambda: adding_problem(0, 10), ValueError),
        (lambda: adding_problem(4, 1), ValueError),
        (lambda: copy_memory(0, 5), ValueError),
        (lambda: copy_memory(4, 0), ValueError),
        (lambda: copy_memory_baseline(0), ValueError),
    ],
)
def test_bad_sizes(call, error):
    with pytest.raises(error, match="at least") as raised:
        call()
    assert raised.type is ValueError  # a bad number, not a tensor of the wrong shape


def test_selective_copying_scatters_the_symbols_in_order_and_asks_for_them_back():
    from course_utils.data import selective_copying, selective_copying_baseline

    g = torch.Generator().manual_seed(0)
    x, y = selective_copying(50, span=30, generator=g, n_symbols=8, length=6)
    assert x.shape == y.shape == (50, 37)
    assert (x[:, 30] == 9).all() and (x[:, 31:] == 0).all()  # the delimiter, then blanks
    data = x[:, :30]
    for row, target in zip(data, y[:, -6:]):
        assert row[row > 0].tolist() == target.tolist()  # the symbols, in order
    assert (y[:, :-6] == 0).all()
    places = {tuple((row > 0).nonzero().flatten().tolist()) for row in data}
    assert len(places) > 40  # positions change from one sequence to the next
    assert abs(selective_copying_baseline(30, 8, 6) - 6 * math.log(8) / 37) < 1e-12
    with pytest.raises(ValueError, match="span"):
        selective_copying(2, span=3, length=6)
