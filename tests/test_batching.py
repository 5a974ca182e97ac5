import pytest
import torch

from course_utils import DatasetError, ShapeError, lm_batches
from course_utils.data.batching import random_batches, sequential_batches

IDS = torch.arange(203)  # token i has id i, so an id is its own position
PARTITIONS = ["random", "sequential"]


def batches(partition, seed=0, ids=IDS, batch_size=4, seq_len=6):
    gen = torch.Generator().manual_seed(seed)
    return list(lm_batches(ids, batch_size, seq_len, partition, gen))


@pytest.mark.parametrize("partition", PARTITIONS)
def test_shapes_dtype_and_shift(partition):
    out = batches(partition)
    assert len(out) >= 7
    for x, y in out:
        assert x.shape == y.shape == (4, 6) and x.dtype == y.dtype == torch.int64
        assert torch.equal(y, x + 1)  # Y is X shifted by one token


def test_shift_holds_for_arbitrary_ids():
    ids = torch.randint(50, (300,), generator=torch.Generator().manual_seed(1))
    for partition in PARTITIONS:
        for x, y in batches(partition, ids=ids):
            assert torch.equal(x[:, 1:], y[:, :-1])


def test_sequential_rows_continue_across_batches():
    out = batches("sequential", seed=3)
    for (x0, _), (x1, _) in zip(out, out[1:]):
        assert torch.equal(x1[:, 0], x0[:, -1] + 1)


def test_random_subsequences_are_distinct_and_disjoint():
    out = batches("random", seed=5)
    rows = torch.cat([x for x, _ in out])  # (n_seq, T)
    positions = rows.flatten().tolist()
    assert len(positions) == len(set(positions))  # no token used twice
    starts = rows[:, 0]
    assert len(set((starts % 6).tolist())) == 1  # one offset, then seq_len strides
    assert not torch.equal(starts, starts.sort().values)  # shuffled, not in text order


@pytest.mark.parametrize("partition", PARTITIONS)
def test_same_seed_same_batches(partition):
    first, again, other = batches(partition, 2), batches(partition, 2), batches(partition, 9)
    assert all(torch.equal(a[0], b[0]) for a, b in zip(first, again))
    assert any(not torch.equal(a[0], b[0]) for a, b in zip(first, other))


@pytest.mark.parametrize("fn", [random_batches, sequential_batches])
def test_too_short_text_raises(fn):
    with pytest.raises(DatasetError, match="too few.*shorter seq_len"):
        list(fn(torch.arange(20), batch_size=4, seq_len=5))


def test_shortest_allowed_text_gives_one_batch():
    for seed in range(10):  # every random offset
        assert len(batches("random", seed, torch.arange(25), 4, 5)) >= 1
        assert len(batches("sequential", seed, torch.arange(25), 4, 5)) >= 1


@pytest.mark.parametrize(
    "ids", [torch.arange(100.0), torch.arange(100).view(10, 10), torch.arange(100).int(), [1] * 100]
)
@pytest.mark.parametrize("fn", [random_batches, sequential_batches])
def test_wrong_ids_raise_shape_error(fn, ids):
    with pytest.raises(ShapeError, match="1-D int64"):
        list(fn(ids, 2, 3))


def test_nonpositive_sizes_raise():
    with pytest.raises(ValueError, match="positive") as raised:
        list(sequential_batches(IDS, 0, 5))
    assert raised.type is ValueError  # a bad number, not a ShapeError


def test_unknown_partition():
    with pytest.raises(ValueError, match="partition"):
        lm_batches(IDS, 2, 3, partition="shuffled")


def test_an_epoch_has_at_least_the_full_batches_of_the_largest_offset():
    at_worst = (len(IDS) - 6) // 6 // 4  # offset seq_len - 1 leaves this many full batches
    for seed in range(8):
        for partition in PARTITIONS:
            assert len(batches(partition, seed)) >= at_worst


def test_random_lengths_vary_around_seq_len_and_rows_still_continue():
    ids = torch.arange(4000)
    gen = torch.Generator().manual_seed(0)
    batches = list(sequential_batches(ids, 4, 10, gen, random_lengths=True))
    lengths = [x.shape[1] for x, _ in batches]
    assert min(lengths) >= 5 and max(lengths) <= 15 and len(set(lengths)) > 3
    assert 8 < sum(lengths) / len(lengths) < 12  # mean close to seq_len
    for (x0, y0), (x1, _) in zip(batches, batches[1:]):
        assert torch.equal(x1[:, 0], x0[:, -1] + 1)  # no token skipped between chunks
        assert torch.equal(y0, x0 + 1)


def test_random_lengths_need_sequential_partition():
    with pytest.raises(ValueError, match="sequential"):
        lm_batches(torch.arange(500), 2, 5, "random", random_lengths=True)
