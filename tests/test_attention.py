import pytest
import torch

from course_utils.errors import ShapeError
from course_utils.models.attention import AdditiveAttention, DotAttention, masked_softmax


def inputs(dtype=torch.float32, B=3, S=5, Q=4, M=6):
    g = torch.Generator().manual_seed(0)
    query = torch.randn(B, Q, generator=g, dtype=dtype)
    memory = torch.randn(B, S, M, generator=g, dtype=dtype)
    lengths = torch.tensor([S, 2, S - 1] * B)[:B]
    mask = torch.arange(S)[None, :] < lengths[:, None]  # (B, S): rows 1 and 2 padded
    return query, memory, mask


def test_masked_softmax_puts_zero_on_padding():
    w = masked_softmax(torch.randn(2, 4), torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]]).bool())
    assert torch.allclose(w.sum(-1), torch.ones(2)) and (w[0, 2:] == 0).all()


def test_an_all_padding_row_is_explained():
    with pytest.raises(ShapeError, match="empty source"):
        masked_softmax(torch.randn(2, 3), torch.tensor([[1, 1, 1], [0, 0, 0]]).bool())


@pytest.mark.parametrize("cls", [AdditiveAttention, DotAttention])
def test_weights_are_a_distribution_over_real_positions(cls):
    query, memory, mask = inputs()
    attn = cls(4, 6, 7)
    context, weights = attn(query, attn.keys(memory), memory, mask)
    assert context.shape == (3, 6) and weights.shape == (3, 5)
    assert torch.allclose(weights.sum(-1), torch.ones(3)) and (weights[~mask] == 0).all()
    # padding cannot leak into the context: change it and nothing moves
    changed = memory.clone()
    changed[~mask] = 1e3
    assert torch.allclose(attn(query, attn.keys(changed), changed, mask)[0], context)


def test_additive_matches_the_equation_position_by_position():
    query, memory, mask = inputs(torch.float64)
    attn = AdditiveAttention(4, 6, 7).double()
    _, weights = attn(query, attn.keys(memory), memory, mask)
    for b in range(3):
        scores = torch.stack(
            [
                attn.v.weight[0] @ torch.tanh(attn.W_s.weight @ query[b] + attn.W_h(memory[b, j]))
                for j in range(5)
            ]
        ).masked_fill(~mask[b], float("-inf"))
        assert torch.allclose(weights[b], torch.softmax(scores, 0))


def test_dot_matches_the_equation():
    query, memory, mask = inputs(torch.float64)
    attn = DotAttention(4, 6).double()
    _, weights = attn(query, attn.keys(memory), memory, mask)
    scores = (memory[0] @ (attn.W_q.weight @ query[0])) / 6**0.5
    assert torch.allclose(weights[0], torch.softmax(scores, 0))


@pytest.mark.parametrize("cls", [AdditiveAttention, DotAttention])
def test_gradcheck_in_float64(cls):
    query, memory, mask = inputs(torch.float64, B=2, S=3, Q=2, M=3)
    attn = cls(2, 3, 3).double()
    query.requires_grad_()
    memory.requires_grad_()
    assert torch.autograd.gradcheck(lambda q, m: attn(q, attn.keys(m), m, mask), (query, memory))
