import pytest
import torch
import torch.nn as nn
from torch.func import functional_call

from course_utils import RNNLM, ElmanCell, RNNLMConfig, ShapeError, rnn_unroll
from course_utils.models import (
    CaptionConfig,
    Captioner,
    Seq2Seq,
    Seq2SeqConfig,
    connectivity_mask,
)


class Unrolled(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.cell = cell

    def forward(self, x, h0):
        return rnn_unroll(self.cell, x, h0)


def test_elman_gradcheck_through_unroll():
    torch.manual_seed(0)
    model = Unrolled(ElmanCell(3, 4)).double()
    names = [n for n, _ in model.named_parameters()]
    x = torch.randn(2, 4, 3, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    params = [p.detach().clone().requires_grad_() for p in model.parameters()]

    def fn(x, h0, *params):
        return functional_call(model, dict(zip(names, params)), (x, h0))

    assert names == ["cell.W_xh", "cell.W_hh", "cell.b"]
    assert torch.autograd.gradcheck(fn, (x, h0, *params))


def test_elman_matches_nn_rnn_outputs_and_gradients():
    torch.manual_seed(0)
    cell = ElmanCell(5, 7).double()
    rnn = cell.copy_to_torch(nn.RNN(5, 7, batch_first=True).double())
    x = torch.randn(3, 6, 5, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(3, 7, dtype=torch.float64, requires_grad=True)
    # A loss that depends on every output and on the final state, with random weights.
    w_out = torch.randn(3, 6, 7, dtype=torch.float64)
    w_last = torch.randn(3, 7, dtype=torch.float64)

    def torch_rnn():
        out, h_n = rnn(x, h0[None])  # nn.RNN keeps states as (layers, B, H)
        return out, h_n[0]

    def run(forward):
        out, last = forward()
        (out * w_out).sum().add((last * w_last).sum()).backward()
        grads = x.grad.clone(), h0.grad.clone()
        x.grad = h0.grad = None
        return out, last, grads

    out, last, (gx, gh) = run(lambda: rnn_unroll(cell, x, h0))
    out_t, last_t, (gx_t, gh_t) = run(torch_rnn)
    close = dict(atol=1e-6, rtol=0)
    torch.testing.assert_close(out, out_t, **close)
    torch.testing.assert_close(last, last_t, **close)
    torch.testing.assert_close(gx, gx_t, **close)
    torch.testing.assert_close(gh, gh_t, **close)
    torch.testing.assert_close(cell.W_xh.grad, rnn.weight_ih_l0.grad.T, **close)
    torch.testing.assert_close(cell.W_hh.grad, rnn.weight_hh_l0.grad.T, **close)
    torch.testing.assert_close(cell.b.grad, rnn.bias_ih_l0.grad, **close)


def test_unroll_default_state_is_zeros():
    cell, x = ElmanCell(2, 3), torch.randn(1, 4, 2)
    assert torch.equal(rnn_unroll(cell, x)[0], rnn_unroll(cell, x, torch.zeros(1, 3))[0])


@pytest.mark.parametrize(
    "x, h0, message",
    [
        (torch.randn(4, 2), None, "batch, time, features"),
        (torch.randn(1, 0, 2), None, "0 time steps"),
        (torch.randn(2, 4, 2), torch.zeros(3, 3), r"h0 must be \(batch=2, hidden=3\)"),
        (torch.randn(2, 4, 2), torch.zeros(1, 2, 3), "h0 must be"),
    ],
)
def test_unroll_rejects_bad_shapes(x, h0, message):
    with pytest.raises(ShapeError, match=message):
        rnn_unroll(ElmanCell(2, 3), x, h0)


def test_connectivity_masks():
    assert torch.equal(connectivity_mask(4, "full"), torch.ones(4, 4))
    assert torch.equal(connectivity_mask(4, "diagonal"), torch.eye(4))
    assert connectivity_mask(6, "banded", band=3).sum(1).tolist() == [2, 3, 3, 3, 3, 2]
    assert connectivity_mask(6, "banded", band=5).sum(1).tolist() == [3, 4, 5, 5, 4, 3]
    band = connectivity_mask(6, "banded", band=3)
    assert band[0, 1] == 1 and band[0, 2] == 0 and torch.equal(band, band.T)
    with pytest.raises(ValueError, match="connectivity"):
        connectivity_mask(4, "sparse")


@pytest.mark.parametrize("connectivity, num_layers", [("diagonal", 1), ("banded", 2)])
def test_masked_recurrent_weights_stay_zero(connectivity, num_layers):
    torch.manual_seed(0)
    config = RNNLMConfig(10, 4, 8, num_layers=num_layers, connectivity=connectivity, band=3)
    model = RNNLM(config)
    forbidden = connectivity_mask(8, connectivity, 3) == 0
    weights = [getattr(model.rnn, f"weight_hh_l{i}") for i in range(num_layers)]
    before = [w.detach().clone() for w in weights]
    assert all((w[forbidden] == 0).all() for w in weights)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(5):
        x = torch.randint(10, (3, 7))
        logits, _ = model(x)
        loss = nn.functional.cross_entropy(logits.reshape(-1, 10), x.roll(1).reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    for w, w0 in zip(weights, before):
        assert (w[forbidden] == 0).all()
        assert not torch.equal(w[~forbidden], w0[~forbidden])  # the allowed ones did train
    total = sum(p.numel() for p in model.parameters())
    assert model.num_parameters() == total - int(forbidden.sum()) * num_layers


def test_full_connectivity_counts_every_parameter():
    model = RNNLM(RNNLMConfig(10, 4, 8))
    assert model.num_parameters() == sum(p.numel() for p in model.parameters()) > 0


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_rnnlm_logits_shape_and_carried_state(cell):
    torch.manual_seed(0)
    model = RNNLM(RNNLMConfig(11, 4, 6, num_layers=2, cell=cell)).eval()
    x = torch.randint(11, (3, 8))
    logits, state = model(x)
    assert logits.shape == (3, 8, 11)
    first, state = model(x[:, :5])
    second, _ = model(x[:, 5:], state)
    torch.testing.assert_close(torch.cat([first, second], 1), logits)


def test_rnnlm_rebuilds_from_config_dict():
    model = RNNLM(RNNLMConfig(11, 4, 6, cell="gru", connectivity="full"))
    clone = RNNLM(RNNLMConfig(**model.config_dict()))
    clone.load_state_dict(model.state_dict())  # same shapes, same names


@pytest.mark.parametrize(
    "config, message",
    [
        (RNNLMConfig(5, cell="transformer"), "cell must be one of"),
        (RNNLMConfig(5, cell="lstm", connectivity="diagonal"), "Elman 'rnn' only"),
        (RNNLMConfig(5, connectivity="random"), "connectivity must be"),
    ],
)
def test_rnnlm_rejects_bad_config(config, message):
    with pytest.raises(ValueError, match=message):
        RNNLM(config)


@pytest.mark.parametrize(
    "x",
    [torch.zeros(2, 5), torch.zeros(5, dtype=torch.int64), torch.zeros(2, 0, dtype=torch.int64)],
    ids=["float-ids", "1-D", "0-length"],
)
def test_rnnlm_rejects_bad_input(x):
    with pytest.raises(ShapeError, match="token|time steps"):
        RNNLM(RNNLMConfig(5, 4, 6))(x)


def test_rnnlm_rejects_mismatched_state():
    model = RNNLM(RNNLMConfig(5, 4, 6))
    with pytest.raises(ShapeError):
        model(torch.zeros(2, 3, dtype=torch.int64), torch.zeros(1, 3, 6))


def test_num_parameters_has_one_meaning_for_every_model():
    """The model's size: all entries less masked ones; freezing does not change it."""
    full = RNNLM(RNNLMConfig(7, embed_size=3, hidden_size=5))
    everything = sum(p.numel() for p in full.parameters())
    assert full.num_parameters() == everything
    full.requires_grad_(False)
    assert full.num_parameters() == everything
    banded = RNNLM(RNNLMConfig(7, embed_size=3, hidden_size=5, connectivity="diagonal"))
    assert banded.num_parameters() == everything - (5 * 5 - 5)  # only W_hh's diagonal is free
    for model in (
        Seq2Seq(Seq2SeqConfig(6, 7, 0, 1, 2, embed_size=4, hidden_size=6, attention_size=5)),
        Captioner(CaptionConfig(9, 1, 2, 0, channels=4, embed_size=4, hidden_size=6)),
    ):
        assert model.num_parameters() == sum(p.numel() for p in model.parameters())
