"""Typical student bugs in notebook 04's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_clipping",
        "return [g * factor for g in grads], norm",
        # each tensor clipped to max_norm on its own instead of one global factor
        "return [g * min(1.0, max_norm / (float(g.norm()) + 1e-12)) for g in grads], norm",
    ),
    (
        "ex1_clipping",
        "norm = math.sqrt(sum(float(g.pow(2).sum()) for g in grads))",
        "norm = sum(float(g.pow(2).sum()) for g in grads)",  # the squared norm: no square root
    ),
    (
        "ex2_leaky_lyapunov",
        "v = (1 - leak) * v + leak * (v @ W) * (1 - u**2)  # v times the Jacobian at h",
        "v = leak * (v @ W) * (1 - u**2)",  # the identity part of the leaky Jacobian forgotten
    ),
    (
        "ex2_leaky_lyapunov",
        "v = v / growth  # renormalise: keep the direction, avoid overflow",
        "v = v",  # never renormalised: the logs add up the growth of every earlier step again
    ),
    (
        "ex3_truncation_reach",
        "answer_reach = sum(k - 1 for k in range(1, 33)) / 32  # 0, 1, ..., 31 steps back",
        "answer_reach = 16",  # the middle of the chunk, not the mean of k - 1 (15.5)
    ),
]
