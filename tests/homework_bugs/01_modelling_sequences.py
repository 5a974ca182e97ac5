"""Typical student bugs in notebook 01's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_perplexity",
        "nll = -p.log().mean().item()",
        "nll = -p.log().sum().item()",  # summed, not averaged over tokens
    ),
]
