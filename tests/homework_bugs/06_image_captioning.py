"""Typical student bugs in notebook 06's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex2_feature_map",
        "n = (n + 2 * p - k) // s + 1",
        "n = (n - k) // s + 1",  # the padding forgotten
    ),
]
