"""Typical student bugs in notebook 03's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_step_backward",
        "da = dh * (1 - h**2)",
        "da = dh",  # the tanh's derivative forgotten
    ),
]
