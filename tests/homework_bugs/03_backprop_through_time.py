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
        "ex2_clipping",
        "return [g * factor for g in grads], norm",
        # each tensor clipped to max_norm on its own instead of one global factor
        "return [g * min(1.0, max_norm / (float(g.norm()) + 1e-12)) for g in grads], norm",
    ),
    (
        "ex2_clipping",
        "norm = math.sqrt(sum(float(g.pow(2).sum()) for g in grads))",
        "norm = sum(float(g.pow(2).sum()) for g in grads)",  # the squared norm: no square root
    ),
    (
        "ex3_leaky_lyapunov",
        "v = (1 - leak) * v + leak * (v @ W) * (1 - u**2)  # v times the Jacobian at h",
        "v = leak * (v @ W) * (1 - u**2)",  # the identity part of the leaky Jacobian forgotten
    ),
]
