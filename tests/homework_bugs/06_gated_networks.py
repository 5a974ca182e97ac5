"""Typical student bugs in notebook 06's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_last_real_output",
        "return outputs[rows, lengths.to(outputs.device) - 1]  # the last real step",
        "return outputs[:, -1]",  # the end of the padded row: the shorter names read padding
    ),
    (
        "ex1_last_real_output",
        "return outputs[rows, lengths.to(outputs.device) - 1]  # the last real step",
        "return outputs[rows, lengths.to(outputs.device)]",  # one past the end: index out of range
    ),
    (
        "ex2_backward_outputs",
        "real = (t < lengths.to(x.device)).to(x.dtype)[:, None]  # (B, 1): 1 at a real token",
        "real = torch.ones(B, 1, dtype=x.dtype)",  # the padding is read first: a flipped row
    ),
    (
        "ex2_backward_outputs",
        "out[:, t] = real * h",
        "out[:, T - 1 - t] = real * h",  # the outputs left in reading order, not flipped back
    ),
    (
        "ex3_wavefront_rounds",
        "answer_rounds = 100 + 3 - 1  # layer l runs step t in round t + l - 1: a wavefront",
        "answer_rounds = 100 * 3",  # one layer after the other: no overlap between the layers
    ),
]
