"""Linear recurrences ``h_t = a_t * h_{t-1} + b_t``: step by step, and as a parallel scan.

An LSTM cannot be run in parallel over time: ``h_t`` depends on ``h_{t-1}`` through a
non-linearity, so T steps are T matrix products in a row. When ``a_t`` and ``b_t`` depend on
the input only, the recurrence is *linear* in ``h`` and the steps can be regrouped. A pair
``(a, b)`` stands for the map ``h -> a h + b``; doing ``(a1, b1)`` and then ``(a2, b2)`` is

    h -> a2 (a1 h + b1) + b2 = (a1 a2) h + (a2 b1 + b2),

so ``(a1, b1) • (a2, b2) = (a1 a2, a2 b1 + b2)``. The operator is associative: every prefix
``h_1 .. h_T`` comes out of log2(T) rounds of element-wise tensor operations (Hillis & Steele
1986; Blelloch 1990, "Prefix sums and their applications"; for RNNs, Martin & Cundy 2018,
arXiv:1709.04057). Products of many gates underflow; ``scan_log`` works with logarithms
instead (Heinsen 2023, arXiv:2311.06281). Notebook 09 derives all three; the models of
``minrnn.py`` and ``lru.py`` use them.
"""

from __future__ import annotations

import torch


def combine(first: tuple, second: tuple) -> tuple:
    """(a1, b1) then (a2, b2) -> (a1 a2, a2 b1 + b2): the map h -> a h + b done twice."""
    (a1, b1), (a2, b2) = first, second
    return a1 * a2, a2 * b1 + b2


def scan_sequential(
    a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None
) -> torch.Tensor:
    """a, b: (B, T, H) (real or complex), h0: (B, H) or None (zeros) -> h: (B, T, H), a loop."""
    h = torch.zeros_like(b[:, 0]) if h0 is None else h0
    out = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]  # (B, H): one step, T of them in a row
        out.append(h)
    return torch.stack(out, dim=1)


def scan_parallel(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """The same h: (B, T, H) in ceil(log2 T) rounds (Hillis-Steele): at round k every step t
    combines with step t - 2^k, so after the rounds step t holds the whole prefix 1..t."""
    A, Bs = a, b  # step t: the map from h_{t-shift} (or h_0) to h_t, as (A, B)
    shift, T = 1, a.shape[1]
    while shift < T:
        A_next = A[:, shift:] * A[:, :-shift]  # (B, T - shift, H): combine(earlier, later)
        B_next = A[:, shift:] * Bs[:, :-shift] + Bs[:, shift:]
        A = torch.cat([A[:, :shift], A_next], dim=1)  # the first `shift` steps are complete
        Bs = torch.cat([Bs[:, :shift], B_next], dim=1)
        shift *= 2
    return Bs if h0 is None else A * h0[:, None] + Bs  # h_t = (a_1 ... a_t) h_0 + B_t


def scan_log(
    log_a: torch.Tensor, log_b: torch.Tensor, log_h0: torch.Tensor | None = None
) -> torch.Tensor:
    """h: (B, T, H) for positive a = exp(log_a), b = exp(log_b), h0 = exp(log_h0), computed in
    log space: h_t = A_t (h_0 + sum_{k<=t} b_k / A_k) with A_t = a_1 ... a_t, so
    log h_t = log A_t + logcumsumexp(log b_k - log A_k); no product of gates underflows."""
    log_A = torch.cumsum(log_a, dim=1)  # (B, T, H): log of a_1 ... a_t
    terms = log_b - log_A
    if log_h0 is not None:  # h_0 enters as the term of step 0, where log A = 0
        terms = torch.cat([log_h0[:, None], terms], dim=1)
        return torch.exp(log_A + torch.logcumsumexp(terms, dim=1)[:, 1:])
    return torch.exp(log_A + torch.logcumsumexp(terms, dim=1))
