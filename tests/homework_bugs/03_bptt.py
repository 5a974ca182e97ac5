"""Typical student bugs in notebook 03's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_leaky_backward",
        "da = leak * dh * (1 - us[t] ** 2)  # (B, H): through the leak's alpha and tanh",
        "da = leak * dh",  # the tanh's derivative forgotten
    ),
    (
        "ex1_leaky_backward",
        "dh = (1 - leak) * dh + da @ W_hh.T  # the direct (leaky) path plus the one through W_hh",
        "dh = dh + da @ W_hh.T",  # the (1 - a) factor of the leaky path forgotten
    ),
    (
        "ex1_leaky_backward",
        "db += da.sum(0)",
        "db += da.mean(0)",  # the bias gradient averaged over the batch instead of summed
    ),
    (
        "ex2_radius_for_reach",
        "answer_rho = 1e-3 ** (1 / 50)  # rho^50 = 1e-3",
        "answer_rho = 1 - 1e-3 / 50",  # a linear loss of 1/50 of 1e-3 per step, not a factor
    ),
    (
        "ex3_remedy",
        'answer_remedy = "c"  # vanishing, not exploding: clipping only shortens gradients',
        'answer_remedy = "b"',  # a larger clipping threshold: clipping cannot lengthen a gradient
    ),
]
