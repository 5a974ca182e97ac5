import torch
import torch.nn as nn

from course_utils.profiling import saved_tensor_bytes


def test_counts_what_backward_keeps_and_returns_the_result():
    w = torch.randn(10, 10, requires_grad=True)
    x = torch.randn(4, 10)
    result, nbytes = saved_tensor_bytes(lambda: torch.tanh(x @ w).sum())
    assert result.requires_grad  # the result is handed back unchanged
    # x (saved for dw) and tanh's output (saved for its derivative): 2 x 40 floats.
    assert nbytes == 2 * 40 * 4


def test_nothing_saved_without_grad():
    with torch.no_grad():
        _, nbytes = saved_tensor_bytes(lambda: torch.tanh(torch.randn(5, 5)))
    assert nbytes == 0


def test_rnn_memory_grows_linearly_with_length():
    rnn = nn.RNN(8, 16, batch_first=True)
    sizes = {}
    for steps in (32, 128):
        x = torch.randn(2, steps, 8)
        sizes[steps] = saved_tensor_bytes(lambda x=x: rnn(x)[0].sum())[1]
    assert 3.0 < sizes[128] / sizes[32] <= 4.0
