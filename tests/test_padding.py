import pytest
import torch

from course_utils import ShapeError
from course_utils.data import pad_sequences
from course_utils.data.padding import check_lengths, length_mask


def test_pad_sequences_pads_after_each_end():
    padded, lengths = pad_sequences([[5, 6, 7], [8], [9, 10]], pad_id=1)
    assert padded.dtype == lengths.dtype == torch.int64
    assert padded.tolist() == [[5, 6, 7], [8, 1, 1], [9, 10, 1]]
    assert lengths.tolist() == [3, 1, 2]


@pytest.mark.parametrize(
    "seqs,message", [([[1, 2], []], r"index \[1\] are empty"), ([], "no sequences")]
)
def test_pad_sequences_refuses_empty(seqs, message):
    with pytest.raises(ShapeError, match=message):
        pad_sequences(seqs, pad_id=0)


def test_length_mask():
    mask = length_mask(torch.tensor([2, 0, 3]), max_len=4)
    assert mask.tolist() == [[True, True, False, False], [False] * 4, [True, True, True, False]]


@pytest.mark.parametrize(
    "ids,lengths,message",
    [
        (torch.zeros(2, 3), torch.tensor([3, 1]), "int64"),
        (torch.zeros(2, 3, dtype=torch.int64), torch.tensor([3]), r"lengths must be \(2,\)"),
        (torch.zeros(2, 3, dtype=torch.int64), torch.tensor([3, 0]), "length of 0"),
        (torch.zeros(2, 3, dtype=torch.int64), torch.tensor([4, 1]), "exceeds the 3 columns"),
    ],
)
def test_check_lengths(ids, lengths, message):
    with pytest.raises(ShapeError, match=message):
        check_lengths(ids, lengths)
