"""Backpropagation through time for the Elman RNN, written out by hand (cs231n style).

Forward, one step (row-vector convention, as in :class:`~course_utils.models.rnn.ElmanCell`):

    a_t = x_t W_xh + h_{t-1} W_hh + b        h_t = tanh(a_t)

Backward, one step: given dL/dh_t (from the loss at t *and* from step t+1),

    da_t      = dh_t * (1 - h_t^2)                    tanh' = 1 - tanh^2
    dx_t      = da_t W_xh^T          dh_{t-1} += da_t W_hh^T
    dW_xh    += x_t^T da_t           dW_hh    += h_{t-1}^T da_t       db += sum_batch da_t

The sequence backward walks t = T..1, carrying dh_{t-1} into the step before: this
running product of Jacobians ``dh_t/dh_{t-1} = diag(1 - h_t^2) W_hh^T`` is what vanishes
or explodes. :class:`ElmanBPTT` wraps the pair as an autograd Function, so
``torch.autograd.gradcheck`` can check the hand-written backward against finite
differences.
"""

from __future__ import annotations

import torch

StepCache = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def rnn_step_forward(
    x: torch.Tensor, h_prev: torch.Tensor, W_xh: torch.Tensor, W_hh: torch.Tensor, b: torch.Tensor
) -> tuple[torch.Tensor, StepCache]:
    """One step. x: (B, D), h_prev: (B, H) -> h: (B, H) and what the backward step needs."""
    h = torch.tanh(x @ W_xh + h_prev @ W_hh + b)  # (B, H)
    return h, (x, h_prev, W_xh, W_hh, h)


def rnn_step_backward(dh: torch.Tensor, cache: StepCache):
    """Gradients of one step from dL/dh (B, H): (dx, dh_prev, dW_xh, dW_hh, db)."""
    x, h_prev, W_xh, W_hh, h = cache
    da = dh * (1 - h * h)  # (B, H): back through tanh
    return da @ W_xh.T, da @ W_hh.T, x.T @ da, h_prev.T @ da, da.sum(0)


def rnn_forward(
    x: torch.Tensor, h0: torch.Tensor, W_xh: torch.Tensor, W_hh: torch.Tensor, b: torch.Tensor
) -> tuple[torch.Tensor, list[StepCache]]:
    """All steps. x: (B, T, D), h0: (B, H) -> hs: (B, T, H) and one cache per step."""
    h, hs, caches = h0, [], []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, W_xh, W_hh, b)
        hs.append(h)
        caches.append(cache)
    return torch.stack(hs, dim=1), caches


def rnn_backward(dhs: torch.Tensor, caches: list[StepCache]):
    """Backprop through time. dhs: (B, T, H) = dL/dh_t from the outputs at each step.

    Returns (dx (B, T, D), dh0 (B, H), dW_xh, dW_hh, db).
    """
    x0, h0, W_xh, W_hh, _ = caches[0]
    dx = dhs.new_zeros(dhs.shape[0], len(caches), x0.shape[1])
    dW_xh, dW_hh, db = torch.zeros_like(W_xh), torch.zeros_like(W_hh), W_hh.new_zeros(W_hh.shape[0])
    dh_next = torch.zeros_like(h0)  # gradient arriving from step t+1 (none after the last)
    for t in reversed(range(len(caches))):
        dx[:, t], dh_next, dW_xh_t, dW_hh_t, db_t = rnn_step_backward(
            dhs[:, t] + dh_next, caches[t]
        )
        dW_xh += dW_xh_t  # shared weights: every step adds its share
        dW_hh += dW_hh_t
        db += db_t
    return dx, dh_next, dW_xh, dW_hh, db


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    """``max |a - b| / max(|a| + |b|)``: the cs231n-style check for hand-written gradients."""
    a, b = a.detach(), b.detach()
    return float((a - b).abs().max() / (a.abs() + b.abs()).max().clamp_min(1e-30))


@torch.no_grad()
def with_spectral_radius(W: torch.Tensor, radius: float) -> torch.Tensor:
    """Rescale a square matrix so its largest |eigenvalue| is ``radius``.

    The spectral radius decides the fate of ``W^k`` (and so of gradients through k steps of
    a linear recurrence): below 1 it shrinks geometrically, above 1 it grows.
    """
    current = torch.linalg.eigvals(W.double()).abs().max().item()
    return W * (radius / current)


class ElmanBPTT(torch.autograd.Function):
    """The Elman unroll as an autograd Function whose backward is :func:`rnn_backward`."""

    @staticmethod
    def forward(ctx, x, h0, W_xh, W_hh, b):
        hs, caches = rnn_forward(x, h0, W_xh, W_hh, b)
        ctx.caches = caches
        return hs

    @staticmethod
    def backward(ctx, dhs):
        return rnn_backward(dhs, ctx.caches)
