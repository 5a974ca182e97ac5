import pytest
import torch

from course_utils.models import ElmanCell, rnn_unroll
from course_utils.models.bptt import (
    ElmanBPTT,
    relative_error,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
    with_spectral_radius,
)

B, T, D, H = 3, 5, 4, 6


def float64_args(seed=0):
    g = torch.Generator().manual_seed(seed)
    shapes = [(B, T, D), (B, H), (D, H), (H, H), (H,)]
    return [
        (0.5 * torch.randn(*s, generator=g, dtype=torch.float64)).requires_grad_() for s in shapes
    ]


def test_manual_bptt_passes_gradcheck():
    assert torch.autograd.gradcheck(ElmanBPTT.apply, float64_args())


def test_manual_bptt_matches_autograd_per_parameter():
    args = float64_args(1)
    upstream = torch.randn(B, T, H, dtype=torch.float64)
    manual = torch.autograd.grad(ElmanBPTT.apply(*args), args, upstream)
    auto = torch.autograd.grad(rnn_forward(*args)[0], args, upstream)
    for name, m, a in zip(["x", "h0", "W_xh", "W_hh", "b"], manual, auto):
        assert relative_error(m, a) < 1e-7, name


def test_step_backward_matches_autograd():
    x, h0, W_xh, W_hh, b = float64_args(2)
    h, cache = rnn_step_forward(x[:, 0], h0, W_xh, W_hh, b)
    dh = torch.randn_like(h)
    manual = rnn_step_backward(dh, cache)
    auto = torch.autograd.grad(h, [x, h0, W_xh, W_hh, b], dh)
    assert relative_error(manual[0], auto[0][:, 0]) < 1e-7
    for m, a in zip(manual[1:], auto[1:]):
        assert relative_error(m, a) < 1e-7


def test_forward_matches_the_elman_cell():
    cell = ElmanCell(D, H).double()
    x = torch.randn(B, T, D, dtype=torch.float64)
    h0 = torch.zeros(B, H, dtype=torch.float64)
    hs, _ = rnn_forward(x, h0, cell.W_xh, cell.W_hh, cell.b)
    torch.testing.assert_close(hs, rnn_unroll(cell, x, h0)[0], rtol=0, atol=1e-12)


def test_a_broken_backward_is_caught():
    # The check must be able to fail: drop the tanh derivative and the error is large.
    args = float64_args(3)
    hs, caches = rnn_forward(*args)
    upstream = torch.randn_like(hs)
    broken = [(x, h_prev, W_xh, W_hh, torch.zeros_like(h)) for x, h_prev, W_xh, W_hh, h in caches]
    manual = rnn_backward(upstream, broken)
    auto = torch.autograd.grad(hs, args, upstream)
    assert relative_error(manual[3], auto[3]) > 1e-2


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.5])
def test_with_spectral_radius(radius):
    W = torch.randn(8, 8, generator=torch.Generator().manual_seed(0))
    scaled = with_spectral_radius(W, radius)
    assert torch.linalg.eigvals(scaled).abs().max().item() == pytest.approx(radius, rel=1e-5)


def test_relative_error_is_zero_for_equal_and_positive_otherwise():
    a = torch.randn(4)
    assert relative_error(a, a.clone()) == 0
    assert relative_error(a, a + 1) > 0.1
