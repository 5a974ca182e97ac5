"""course_utils.grading.checks: failures say expected vs got; forbid() bans shortcuts."""

import math

import pytest
import torch

from course_utils.grading.checks import expect_close, expect_equal, forbid


def test_expect_close_names_what_expected_and_got():
    expect_close(torch.ones(3), torch.ones(3) + 1e-9, "h")
    with pytest.raises(AssertionError, match=r"h: expected tensor \[0.0, 0.0\].*got tensor"):
        expect_close(torch.ones(2), torch.zeros(2), "h")
    with pytest.raises(AssertionError, match=r"expected shape \(2, 3\), got shape \(3, 2\)"):
        expect_close(torch.zeros(3, 2), torch.zeros(2, 3), "W")
    with pytest.raises(AssertionError, match="expected a tensor, got list"):
        expect_close([0.0], torch.zeros(1), "x")
    with pytest.raises(AssertionError, match="expected 2.0, got 3.0"):
        expect_close(3.0, 2.0, "norm")
    with pytest.raises(AssertionError, match="expected a number close to 2.0, got None"):
        expect_close(None, 2.0, "norm")
    with pytest.raises(AssertionError, match="nan"):
        expect_close(torch.tensor([math.nan]), torch.tensor([0.0]), "nan")


def test_expect_equal():
    expect_equal([1, 2], [1, 2], "ids")
    expect_equal(torch.tensor([1, 2]), torch.tensor([1, 2]), "ids")
    with pytest.raises(AssertionError, match=r"ids: expected \[1, 2\], got \[1, 2, 3\]"):
        expect_equal([1, 2, 3], [1, 2], "ids")
    with pytest.raises(AssertionError, match="expected tensor"):
        expect_equal(torch.tensor([1, 3]), torch.tensor([1, 2]), "ids")


def test_forbid_raises_inside_and_restores_after():
    softmax = torch.softmax
    with forbid("torch.softmax", "torch.Tensor.softmax", "torch.nn.functional.softmax"):
        with pytest.raises(AssertionError, match="without torch.softmax"):
            torch.softmax(torch.ones(2), 0)
        with pytest.raises(AssertionError, match="without torch.Tensor.softmax"):
            torch.ones(2).softmax(0)
        assert torch.exp(torch.zeros(1)).item() == 1.0  # everything else still works
    assert torch.softmax is softmax
    assert torch.allclose(torch.ones(2).softmax(0), torch.tensor([0.5, 0.5]))


def test_forbid_restores_after_an_error_and_names_unknown_targets():
    with pytest.raises(ZeroDivisionError), forbid("torch.softmax"):
        raise ZeroDivisionError
    assert torch.softmax(torch.ones(2), 0).sum().item() == pytest.approx(1.0)
    with pytest.raises((ValueError, AttributeError)):
        with forbid("torch.no_such_function_here"):
            pass


def test_forbid_a_package_class():
    from course_utils.models import lstm

    with forbid("course_utils.models.lstm.LSTMCell"):
        with pytest.raises(AssertionError, match="LSTMCell"):
            lstm.LSTMCell(3, 4)
    assert isinstance(lstm.LSTMCell(3, 4), torch.nn.Module)
