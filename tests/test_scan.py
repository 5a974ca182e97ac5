"""Linear recurrences: the parallel and log-space scans equal the loop; minGRU, minLSTM and
the LRU give the same outputs and gradients in parallel and in sequential mode (float64)."""

import pytest
import torch

from course_utils.models.lru import LRU
from course_utils.models.minrnn import MinGRU, MinLSTM, g, log_g
from course_utils.models.scan import combine, scan_log, scan_parallel, scan_sequential

f64 = torch.float64


def case(B=3, T=37, H=5, seed=0, dtype=f64):
    gen = torch.Generator().manual_seed(seed)
    a = torch.rand(B, T, H, generator=gen, dtype=dtype) * 0.9 + 0.05  # gates in (0.05, 0.95)
    b = torch.randn(B, T, H, generator=gen, dtype=dtype)
    h0 = torch.randn(B, H, generator=gen, dtype=dtype)
    return a, b, h0


def test_combine_is_associative_and_means_doing_the_maps_in_turn():
    (a1, b1), (a2, b2), (a3, b3) = [(torch.tensor(a), torch.tensor(b)) for a, b in
                                    [(0.5, 1.0), (2.0, -3.0), (0.25, 0.5)]]  # fmt: skip
    left = combine(combine((a1, b1), (a2, b2)), (a3, b3))
    right = combine((a1, b1), combine((a2, b2), (a3, b3)))
    assert torch.allclose(left[0], right[0]) and torch.allclose(left[1], right[1])
    h = torch.tensor(0.7)
    a, b = combine((a1, b1), (a2, b2))
    assert torch.allclose(a * h + b, a2 * (a1 * h + b1) + b2)


@pytest.mark.parametrize("T", [1, 2, 7, 64, 100])
@pytest.mark.parametrize("with_h0", [False, True])
def test_parallel_scan_equals_the_loop(T, with_h0):
    a, b, h0 = case(T=T)
    h0 = h0 if with_h0 else None
    torch.testing.assert_close(
        scan_parallel(a, b, h0), scan_sequential(a, b, h0), rtol=0, atol=1e-12
    )


def test_parallel_scan_works_on_complex_numbers():
    a, b, h0 = case(T=50)
    phase = torch.exp(1j * torch.linspace(0, 3, 5, dtype=f64))
    ac, bc = a * phase, b * (1 + 0.5j)
    torch.testing.assert_close(scan_parallel(ac, bc), scan_sequential(ac, bc), rtol=0, atol=1e-12)


def test_log_space_scan_equals_the_loop_and_survives_where_products_underflow():
    a, b, h0 = case(T=80)
    b, h0 = b.abs() + 0.1, h0.abs() + 0.1  # positive: logarithms exist
    got = scan_log(a.log(), b.log(), h0.log())
    torch.testing.assert_close(got, scan_sequential(a, b, h0), rtol=1e-10, atol=0)
    # 2,000 gates of 1e-3 multiply to 1e-6000: no float holds it, the logs do
    a = torch.full((1, 2000, 1), 1e-3, dtype=f64)
    b = torch.ones_like(a)
    h = scan_log(a.log(), b.log())
    assert torch.isfinite(h).all() and torch.allclose(
        h[0, -1], torch.tensor(1 / (1 - 1e-3), dtype=f64)
    )


def test_gradcheck_of_both_scans():
    a, b, h0 = case(B=2, T=9, H=3)
    for fn in (scan_parallel, lambda a, b, h0: scan_log(a.log(), b.abs().log(), h0.abs().log())):
        leaves = [t.clone().requires_grad_() for t in (a, b, h0)]
        assert torch.autograd.gradcheck(fn, leaves)


def test_g_is_positive_continuous_and_log_g_is_its_log():
    x = torch.linspace(-40, 5, 1001, dtype=f64)
    assert (g(x) > 0).all()
    torch.testing.assert_close(log_g(x), torch.log(g(x)))
    assert torch.isclose(g(torch.tensor(0.0)), torch.tensor(0.5))


@pytest.mark.parametrize("layer_cls", [MinGRU, MinLSTM])
def test_min_rnns_parallel_equal_sequential_outputs_and_gradients(layer_cls):
    torch.manual_seed(0)
    layer = layer_cls(4, 6).double()
    x = torch.randn(2, 30, 4, dtype=f64)
    h0 = torch.rand(2, 6, dtype=f64) + 0.1
    parallel = layer(x, h0)
    h, steps = h0, []
    for t in range(x.shape[1]):
        h = layer.step(x[:, t], h)
        steps.append(h)
    sequential = torch.stack(steps, dim=1)
    torch.testing.assert_close(parallel, sequential, rtol=0, atol=1e-10)
    upstream = torch.randn_like(parallel)
    grads_p = torch.autograd.grad((parallel * upstream).sum(), list(layer.parameters()))
    grads_s = torch.autograd.grad((sequential * upstream).sum(), list(layer.parameters()))
    for gp, gs in zip(grads_p, grads_s):
        torch.testing.assert_close(gp, gs, rtol=0, atol=1e-10)
    # from a zero state (no h0): the first step is z_1 g(n_1) alone
    torch.testing.assert_close(
        layer(x)[:, 0], layer.step(x[:, 0], torch.zeros(2, 6, dtype=f64)), rtol=0, atol=1e-12
    )


@pytest.mark.parametrize("layer_cls", [MinGRU, MinLSTM])
def test_gradcheck_of_the_min_rnns(layer_cls):
    torch.manual_seed(1)
    layer = layer_cls(3, 4).double()
    x = torch.randn(2, 6, 3, dtype=f64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, *p: layer(x), (x, *layer.parameters()))


def test_lru_eigenvalues_stay_inside_the_unit_circle_whatever_the_parameters():
    lru = LRU(8, 16).double()
    with torch.no_grad():
        lru.nu_log.uniform_(-20, 5)  # any real number: radius exp(-exp(nu)) in (0, 1)
    radius = lru.eigenvalues().abs()
    assert (radius < 1).all() and (radius > 0).all()
    fresh = LRU(8, 16, r_min=0.9, r_max=0.999).eigenvalues().abs()
    assert fresh.min() >= 0.9 - 1e-6 and fresh.max() <= 0.999 + 1e-6


def test_lru_parallel_equals_sequential_outputs_and_gradients():
    lru = LRU(5, 7, seed=3).double()
    u = torch.randn(2, 40, 5, dtype=f64)
    parallel = lru(u)
    x, steps = torch.zeros(2, 7, dtype=torch.complex128), []
    for t in range(u.shape[1]):
        y, x = lru.step(u[:, t], x)
        steps.append(y)
    sequential = torch.stack(steps, dim=1)
    torch.testing.assert_close(parallel, sequential, rtol=0, atol=1e-10)
    up = torch.randn_like(parallel)
    for gp, gs in zip(
        torch.autograd.grad((parallel * up).sum(), list(lru.parameters())),
        torch.autograd.grad((sequential * up).sum(), list(lru.parameters())),
    ):
        torch.testing.assert_close(gp, gs, rtol=0, atol=1e-10)


def test_gradcheck_of_the_lru():
    lru = LRU(3, 4, seed=1).double()
    u = torch.randn(2, 5, 3, dtype=f64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda u, *p: lru(u), (u, *lru.parameters()))
