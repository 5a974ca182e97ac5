"""The autonomous network h <- tanh(h W): attractors, oscillation, chaos, Lyapunov exponents."""

import math

import torch

from course_utils import dynamics
from course_utils.models.bptt import with_spectral_radius

f64 = torch.float64


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_run_shapes_and_batch_equal_single_runs():
    W = torch.stack([dynamics.random_gain_matrix(6, g, gen(1)) for g in (0.5, 2.0)])  # (2, 6, 6)
    h0 = torch.randn(2, 6, generator=gen(2), dtype=f64)
    states = dynamics.run(W, h0, 5)
    assert states.shape == (6, 2, 6)
    torch.testing.assert_close(states[:, 1], dynamics.run(W[1], h0[1], 5))
    torch.testing.assert_close(states[1], torch.tanh(h0.unsqueeze(1) @ W).squeeze(1))


def test_random_gain_matrix_spectral_radius_near_gain():
    W = dynamics.random_gain_matrix(300, 1.5, gen(0))
    rho = torch.linalg.eigvals(W).abs().max().item()
    assert abs(rho - 1.5) < 0.15, rho


def test_rotation_matrix_eigenvalues():
    eig = torch.linalg.eigvals(dynamics.rotation_matrix(1.1, 0.5))
    torch.testing.assert_close(eig.abs(), torch.full((2,), 1.1, dtype=f64))
    assert math.isclose(abs(eig.angle()[0].item()), 0.5, rel_tol=1e-12)


def test_lyapunov_below_one_is_log_spectral_radius():
    # The state decays to 0, where the Jacobian is W^T: the exponent is log rho(W).
    W = with_spectral_radius(torch.diag(torch.tensor([0.6, -0.3, 0.2], dtype=f64)), 0.6)
    le = dynamics.lyapunov_exponent(W, 200, transient=50, generator=gen(0))
    assert abs(le.item() - math.log(0.6)) < 0.01, le  # 1/steps of the alignment


def test_lyapunov_sign_and_batch():
    W = torch.stack([dynamics.random_gain_matrix(100, g, gen(3)) for g in (0.5, 3.0)])
    le = dynamics.lyapunov_exponent(W, 300, transient=100, generator=gen(4))
    assert le.shape == (2,)
    assert le[0] < -0.3 and le[1] > 0.1, le


def test_lyapunov_matches_the_growth_of_the_tangent_product():
    # Without renormalising, log |v_T| / T is the same number (short run: no overflow).
    W = dynamics.random_gain_matrix(20, 2.0, gen(5))
    h0, v0 = torch.randn(20, generator=gen(6), dtype=f64), torch.ones(20, dtype=f64)
    le = dynamics.lyapunov_exponent(W, 30, h0=h0, transient=0, v0=v0)
    h, v = h0, v0 / v0.norm()
    for _ in range(30):
        h = torch.tanh(h @ W)
        v = (v @ W) * (1 - h**2)
    assert math.isclose(le.item(), math.log(v.norm().item()) / 30, rel_tol=1e-10)


def test_separation_grows_for_chaos_and_shrinks_for_decay():
    h0 = torch.randn(100, generator=gen(7), dtype=f64)
    chaotic = dynamics.separation(dynamics.random_gain_matrix(100, 3.0, gen(8)), h0, 1e-8, 100)
    stable = dynamics.separation(dynamics.random_gain_matrix(100, 0.5, gen(8)), h0, 1e-8, 100)
    assert math.isclose(chaotic[0].item(), 1e-8, rel_tol=1e-6)
    assert chaotic[-1] > 1e-3 and stable[-1] < 1e-20


def test_crossing():
    assert dynamics.crossing([0.0, 1.0, 2.0], [-1.0, -0.5, 0.5]) == 1.5
    assert dynamics.crossing([0.0, 1.0], [-1.0, 1.0], level=0.5) == 0.75
    assert math.isnan(dynamics.crossing([0.0, 1.0], [-1.0, -0.5]))


def test_hopfield_recalls_a_corrupted_pattern():
    patterns = torch.randint(0, 2, (3, 100), generator=gen(9)).to(f64) * 2 - 1
    W = dynamics.hopfield_matrix(patterns, 3.0)
    assert torch.all(torch.diagonal(W) == 0)
    flips = torch.rand(patterns.shape, generator=gen(10)) < 0.2
    cues = torch.where(flips, -patterns, patterns)
    final = dynamics.run(W, cues, 30)[-1]
    assert torch.all(dynamics.overlap(cues, patterns) < 0.9)
    assert torch.all(dynamics.overlap(final, patterns) == 1)
