"""Typical student bugs in notebook 05's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_peephole_step",
        "h_t = o * torch.tanh(c_t)",
        "h_t = o * c_t",  # the missing tanh on the memory
    ),
    (
        "ex1_peephole_step",
        "o = torch.sigmoid(a_o + p[2] * c_t)",
        "o = torch.sigmoid(a_o + p[2] * c_prev)",  # the output gate peeks at c_{t-1}, not c_t
    ),
    (
        "ex1_peephole_step",
        "c_t = f * c_prev + i * torch.tanh(a_g)",
        "c_t = i * c_prev + f * torch.tanh(a_g)",  # the forget gate applied to the input
    ),
    (
        "ex2_gru_reset_before",
        "n = torch.tanh(xn + (r * h_prev) @ W_h[:, 2 * H :] + b_h[2 * H :])",
        "n = torch.tanh(xn + r * (h_prev @ W_h[:, 2 * H :] + b_h[2 * H :]))",  # torch's: after
    ),
    (
        "ex2_gru_reset_before",
        "xr, xz, xn = (x_t @ W_x + b_x).chunk(3, dim=1)",
        "xz, xr, xn = (x_t @ W_x + b_x).chunk(3, dim=1)",  # the wrong gate order (z, r, n)
    ),
    (
        "ex3_memory_reach",
        "return torch.cat([tail, ones], dim=1)",
        "return torch.cat([ones, tail], dim=1)",  # the product starts at f_t, not f_{t+1}
    ),
    (
        "ex4_count_parameters",
        "lstm_params = 4 * (10 * 20 + 20 * 20 + 20 + 20)",
        "lstm_params = 4 * (10 * 20 + 20 * 20 + 20)",  # torch keeps two biases, not one
    ),
]
