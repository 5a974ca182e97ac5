import pytest
import torch

from course_utils import (
    ShapeError,
    accuracy,
    confusion_matrix,
    masked_cross_entropy,
    sequence_cross_entropy,
    span_f1,
)


def test_accuracy_from_labels_and_from_logits():
    target = torch.tensor([0, 1, 2, 1])
    assert accuracy(torch.tensor([0, 1, 1, 1]), target) == pytest.approx(0.75)
    logits = torch.nn.functional.one_hot(torch.tensor([0, 2, 2, 1]), 3).float()  # (4, 3)
    assert accuracy(logits, target) == pytest.approx(0.75)


def test_accuracy_shape_errors():
    with pytest.raises(ShapeError, match="shaped like target"):
        accuracy(torch.zeros(3, dtype=torch.int64), torch.zeros(4, dtype=torch.int64))
    with pytest.raises(ShapeError, match="empty"):
        accuracy(torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64))


def test_confusion_matrix_rows_are_true_classes():
    target = torch.tensor([0, 0, 1, 2, 2, 2])
    pred = torch.tensor([0, 1, 1, 2, 0, 2])
    cm = confusion_matrix(pred, target, 4)
    assert cm.dtype == torch.int64 and cm.shape == (4, 4)
    assert cm.tolist() == [[1, 1, 0, 0], [0, 1, 0, 0], [1, 0, 2, 0], [0, 0, 0, 0]]
    assert cm.sum() == len(target)
    assert cm.sum(1).tolist() == [2, 1, 3, 0]  # row sums: how many of each true class
    assert cm.trace().item() / cm.sum().item() == pytest.approx(accuracy(pred, target))


def test_confusion_matrix_rejects_labels_out_of_range():
    with pytest.raises(ValueError, match="outside 0..2"):
        confusion_matrix(torch.tensor([0, 1]), torch.tensor([0, -100]), 3)


GOLD = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-LOC", "I-LOC"]]


def test_span_f1_perfect_and_empty():
    assert span_f1(GOLD, GOLD) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    nothing = [["O"] * len(g) for g in GOLD]
    assert span_f1(nothing, GOLD) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_span_f1_partial_is_exact_match_micro_average():
    pred = [
        ["B-PER", "O", "O", "B-LOC"],  # PER cut short: wrong; LOC right
        ["O", "B-LOC", "I-LOC"],  # right
    ]
    # 2 of 3 predicted spans right, 2 of 3 gold spans found
    scores = span_f1(pred, GOLD)
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 / 3)
    wrong_type = [["B-LOC", "I-LOC", "O", "B-LOC"], ["O", "B-LOC", "I-LOC"]]
    assert span_f1(wrong_type, GOLD)["recall"] == pytest.approx(2 / 3)


def test_span_f1_length_mismatch():
    with pytest.raises(ShapeError, match="sentence 1"):
        span_f1([GOLD[0], GOLD[1][:2]], GOLD)


def test_sequence_cross_entropy_ignores_padding():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 4, 5, generator=gen)
    targets = torch.tensor([[1, 2, 3, -100], [4, -100, -100, -100]])
    loss = sequence_cross_entropy(logits, targets)
    real = torch.cat([logits[0, :3], logits[1, :1]])
    expected = torch.nn.functional.cross_entropy(real, torch.tensor([1, 2, 3, 4]))
    torch.testing.assert_close(loss, expected)
    logits[0, 3] = 1e6  # whatever the model outputs at padding does not matter
    logits[1, 1:] = float("nan")
    torch.testing.assert_close(sequence_cross_entropy(logits, targets), expected)


def test_sequence_cross_entropy_shapes():
    with pytest.raises(ShapeError, match="batch, length, classes"):
        sequence_cross_entropy(torch.zeros(2, 4), torch.zeros(2, 4, dtype=torch.int64))


def test_old_masked_cross_entropy_warns_and_agrees():
    logits = torch.randn(2, 4, 5, generator=torch.Generator().manual_seed(1))
    targets, lengths = torch.tensor([[1, 2, 3, 0], [4, 0, 0, 0]]), torch.tensor([3, 1])
    with pytest.warns(DeprecationWarning, match="sequence_cross_entropy"):
        old = masked_cross_entropy(logits, targets, lengths)
    padded = torch.tensor([[1, 2, 3, -100], [4, -100, -100, -100]])
    torch.testing.assert_close(old, sequence_cross_entropy(logits, padded))
