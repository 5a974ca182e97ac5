"""Typical student bugs in notebook 02's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex3_sampling",
        "probs = torch.softmax(logits / temperature, dim=-1)",
        "probs = torch.softmax(logits / temperature,  dim=0)",  # the wrong softmax axis
    ),
]
