import pytest
import torch

from course_utils import ShapeError, WindowLM, WindowLMConfig

C = 3


@pytest.fixture
def model():
    torch.manual_seed(0)
    return WindowLM(WindowLMConfig(vocab_size=7, context=C, embed_size=4, hidden_size=8))


def test_logits_shape_and_state(model):
    x = torch.randint(7, (2, 9))
    logits, state = model(x)
    assert logits.shape == (2, 9, 7)
    assert torch.equal(state, x[:, -C:])


@pytest.mark.parametrize("t", [0, 4, 8])
def test_causal_window(model, t):
    x = torch.randint(7, (1, 12), generator=torch.Generator().manual_seed(1))
    changed = x.clone()
    changed[0, t] = (x[0, t] + 1) % 7
    diff = (model(x)[0] - model(changed)[0]).abs().amax(-1)[0]  # (T,)
    assert (diff[:t] == 0).all()  # nothing before t can see token t
    assert (diff[t : t + C] > 0).all()  # the next `context` positions do
    assert (diff[t + C :] == 0).all()  # and nothing after the window


def test_chunks_with_carried_state_equal_one_pass(model):
    x = torch.randint(7, (2, 10))
    whole, _ = model(x)
    first, state = model(x[:, :2])  # a chunk shorter than the context
    assert torch.equal(state[:, -2:], x[:, :2]) and (state[:, 0] == model.pad_id).all()
    second, _ = model(x[:, 2:], state)
    torch.testing.assert_close(torch.cat([first, second], 1), whole)


def test_num_parameters_and_config(model):
    assert model.num_parameters() == (8 * 4) + (C * 4 * 8 + 8) + (8 * 7 + 7)
    assert model.config_dict()["context"] == C


@pytest.mark.parametrize(
    "x", [torch.zeros(2, 5), torch.zeros(5, dtype=torch.int64)], ids=["float-ids", "1-D"]
)
def test_rejects_bad_input(model, x):
    with pytest.raises(ShapeError, match="int64 token ids"):
        model(x)


def test_rejects_empty_sequence(model):
    with pytest.raises(ShapeError):
        model(torch.zeros(2, 0, dtype=torch.int64))


def test_rejects_mismatched_state(model):
    with pytest.raises(ShapeError):
        model(torch.zeros(2, 4, dtype=torch.int64), torch.zeros(2, C + 1, dtype=torch.int64))
