"""Typical student bugs in notebook 09's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_combine_matrix",
        "A = A1 @ A2  # h A1 A2: first A1, then A2 (row vectors multiply on the right)",
        "A = A2 @ A1",  # the second map first: matrices do not commute
    ),
    (
        "ex1_combine_matrix",
        "b = (b1[..., None, :] @ A2)[..., 0, :] + b2  # b1 goes through A2, then b2 is added",
        "b = b1 + b2",  # the first offset never passes through the second matrix
    ),
    (
        "ex2_min_gru_step",
        "return (1 - z) * h_prev + z * minrnn.g(n)",
        "return z * h_prev + (1 - z) * minrnn.g(n)",  # the gate the wrong way round
    ),
    (
        "ex3_combine_log",
        "return la1 + la2, torch.logaddexp(la2 + lb1, lb2)  # log(e^x + e^y), computed stably",
        # out of log space and back: exp(-2000) is 0, and log 0 is -inf
        "return la1 + la2, torch.log(torch.exp(la2 + lb1) + torch.exp(lb2))",
    ),
    (
        "ex4_scan_rounds",
        "answer_rounds = math.ceil(math.log2(3000))  # shifts 1, 2, 4, ..., 2048: 12 rounds",
        "answer_rounds = int(math.log2(3000))",  # rounded down: 11 rounds reach only 2047 back
    ),
]
