import pytest
import torch
import torch.nn as nn

from course_utils import ShapeError
from course_utils.models.gru import GRUCell
from course_utils.models.lstm import LSTMCell
from course_utils.models.rnn import rnn_unroll

CASES = [(LSTMCell, nn.LSTM), (GRUCell, nn.GRU)]


def twins(cell_cls, torch_cls, seed=0):
    torch.manual_seed(seed)
    cell = cell_cls(4, 6).double()
    return cell, cell.copy_to_torch(torch_cls(4, 6, batch_first=True).double())


@pytest.mark.parametrize("cell_cls,torch_cls", CASES)
def test_gradcheck_float64(cell_cls, torch_cls):
    cell, _ = twins(cell_cls, torch_cls)
    x = torch.randn(2, 4, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda x, *params: rnn_unroll(cell, x)[0], (x, *cell.parameters())
    )


@pytest.mark.parametrize("cell_cls,torch_cls", CASES)
def test_outputs_and_gradients_match_torch(cell_cls, torch_cls):
    cell, fused = twins(cell_cls, torch_cls, seed=1)
    x = torch.randn(3, 7, 4, dtype=torch.float64)
    ours, our_state = rnn_unroll(cell, x)
    theirs, their_state = fused(x)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-6)
    if cell_cls is LSTMCell:  # torch returns (h_n, c_n) with a leading layer axis
        torch.testing.assert_close(our_state[1], their_state[1][0], rtol=0, atol=1e-6)
    upstream = torch.randn_like(ours)
    ours.backward(upstream)
    theirs.backward(upstream)
    torch.testing.assert_close(cell.W_x.grad, fused.weight_ih_l0.grad.T, rtol=0, atol=1e-6)
    torch.testing.assert_close(cell.W_h.grad, fused.weight_hh_l0.grad.T, rtol=0, atol=1e-6)


def test_lstm_gate_order_is_documented_order():
    # Forget gate bias huge -> c keeps its old value; output gate bias huge -> h = tanh(c).
    cell = LSTMCell(2, 3)
    with torch.no_grad():
        cell.W_x.zero_()
        cell.W_h.zero_()
        cell.b.copy_(torch.tensor([-50.0] * 3 + [50.0] * 3 + [0.0] * 3 + [50.0] * 3))
    c0 = torch.tensor([[0.5, -0.2, 0.1]])
    h, c = cell(torch.randn(1, 2), (torch.zeros(1, 3), c0))
    torch.testing.assert_close(c, c0)
    torch.testing.assert_close(h, torch.tanh(c0))


def test_gru_update_gate_one_copies_the_state():
    cell = GRUCell(2, 3)
    with torch.no_grad():
        cell.b_x.zero_()
        cell.b_x[3:6] = 50.0  # z = 1
    h0 = torch.randn(1, 3)
    torch.testing.assert_close(cell(torch.randn(1, 2), h0), h0)


@pytest.mark.parametrize(
    "x,state,message",
    [
        (torch.randn(2, 0, 4), None, "0 time steps"),
        (torch.randn(2, 3, 4), (torch.zeros(2, 5), torch.zeros(2, 5)), "tuple of 2"),
        (torch.randn(2, 3, 4), torch.zeros(2, 6), "tuple of 2"),  # LSTM needs (h, c)
        (torch.randn(2, 3, 4, dtype=torch.float64), None, "float64"),
    ],
)
def test_lstm_bad_input(x, state, message):
    with pytest.raises(ShapeError, match=message):
        rnn_unroll(LSTMCell(4, 6), x, state)


def test_gru_bad_state_shape():
    with pytest.raises(ShapeError, match=r"h0 must be \(batch=2, hidden=6\)"):
        rnn_unroll(GRUCell(4, 6), torch.randn(2, 3, 4), torch.zeros(3, 6))


def test_lstm_backward_by_hand_passes_gradcheck():
    """LSTMSequence (all steps) and LSTMPointwise (one step): hand-written backward, float64."""
    from course_utils.models.lstm import LSTMPointwise, LSTMSequence

    torch.manual_seed(0)
    B, T, H = 2, 5, 3
    leaf = lambda *shape: torch.randn(*shape, dtype=torch.float64, requires_grad=True)  # noqa: E731
    xw, h0, c0, W_h = leaf(B, T, 4 * H), leaf(B, H), leaf(B, H), leaf(H, 4 * H)
    assert torch.autograd.gradcheck(LSTMSequence.apply, (xw, h0, c0, W_h))  # both outputs
    assert torch.autograd.gradcheck(LSTMPointwise.apply, (leaf(B, 4 * H), leaf(B, H)))


def test_lstm_unroll_equals_the_step_loop_in_values_and_gradients():
    """rnn_unroll's fast path (LSTMSequence) against plain autograd through the equations."""
    from course_utils.models.lstm import activate

    torch.manual_seed(2)
    cell = LSTMCell(4, 6).double()
    x = torch.randn(3, 9, 4, dtype=torch.float64)
    state = (torch.randn(3, 6, dtype=torch.float64), torch.randn(3, 6, dtype=torch.float64))
    runs = []
    for fast in (True, False):
        cell.zero_grad()
        if fast:
            hs, (h, c) = rnn_unroll(cell, x, state)
        else:  # one step at a time, autograd through every operation
            xw, (h, c), hs = cell.project_input(x), state, []
            for t in range(x.shape[1]):  # the module docstring's equations, nothing by hand
                i, f, g, o = activate(torch.addmm(xw[:, t], h, cell.W_h))
                c = f * c + i * g
                h = o * torch.tanh(c)
                hs.append(h)
            hs = torch.stack(hs, 1)
        (hs.sin().sum() + (c * c).sum()).backward()  # gradient through outputs and c_T
        runs.append((hs.detach(), c.detach(), *(p.grad.clone() for p in cell.parameters())))
    for fast, slow in zip(*runs):
        torch.testing.assert_close(fast, slow, rtol=0, atol=1e-10)


def test_lstm_copy_from_torch_reads_any_layer_of_a_trained_lstm():
    # notebook 06 reads the gates of a trained nn.LSTM through this copy
    torch.manual_seed(2)
    lstm = nn.LSTM(4, 6, num_layers=2, batch_first=True).double()  # both biases non-zero
    x = torch.randn(3, 5, 4, dtype=torch.float64)
    with torch.no_grad():
        first, _ = nn.LSTM.forward(lstm, x)
        layer0 = nn.LSTM(4, 6, batch_first=True).double()
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(layer0, f"{name}_l0").copy_(getattr(lstm, f"{name}_l0"))
        want, _ = layer0(x)
        cell = LSTMCell(4, 6).double().copy_from_torch(lstm, layer=0)
        got, _ = rnn_unroll(cell, x)
    torch.testing.assert_close(got, want, rtol=0, atol=1e-12)
    top = LSTMCell(6, 6).double().copy_from_torch(lstm, layer=1)
    with torch.no_grad():
        torch.testing.assert_close(rnn_unroll(top, want)[0], first, rtol=0, atol=1e-12)
