"""Typical student bugs in notebook 04's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_lstm_step",
        "h = torch.sigmoid(o) * torch.tanh(c)",
        "h = torch.sigmoid(o) * c",  # the missing tanh on the memory
    ),
]
