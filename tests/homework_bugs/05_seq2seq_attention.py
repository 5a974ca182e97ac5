"""Typical student bugs in notebook 05's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_dot_attention",
        'weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)',
        'weights = torch.softmax(scores.masked_fill(~mask,  float("-inf")), dim=0)',  # wrong axis
    ),
]
