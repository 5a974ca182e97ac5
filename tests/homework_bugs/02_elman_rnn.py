"""Typical student bugs in notebook 02's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_leaky_step",
        "return (1 - alpha) * h_prev + alpha * candidate",
        "return alpha * h_prev + (1 - alpha) * candidate",  # the leak on the wrong term
    ),
    (
        "ex2_unroll_resets",
        "h = torch.where(starts[:, t, None], init, h)",
        "h = torch.where(starts[:, t - 1, None], init, h)",  # resets one step late
    ),
    (
        "ex3_top_p",
        "probs = torch.softmax(logits / temperature, dim=-1)",
        "probs = torch.softmax(logits / temperature, dim=0)",  # the wrong softmax axis
    ),
    (
        "ex3_top_p",
        "picks = torch.multinomial(sorted_probs, 1, generator=generator)",
        "picks = torch.multinomial(sorted_probs, 1)",  # unseeded: ignores the generator
    ),
    (
        "ex4_num_parameters",
        "recurrent = embed_size * hidden_size + hidden_size * hidden_size + 2 * hidden_size",
        "recurrent = embed_size * hidden_size + hidden_size * hidden_size + hidden_size",  # 1 bias
    ),
]
