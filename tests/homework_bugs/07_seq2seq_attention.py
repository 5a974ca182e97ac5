"""Typical student bugs in notebook 07's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (  # the softmax over the queries (dim 1 of (B, T, S)) instead of over the keys
        "ex1_general_attention",
        "weights = torch.softmax(scores, dim=-1)  # over the keys",
        "weights = torch.softmax(scores, dim=1)  # over the keys",
    ),
    (  # the mask applied after the softmax: padded keys at 0, but the rows no longer sum to 1
        "ex1_general_attention",
        'scores = scores.masked_fill(~key_mask[:, None, :], float("-inf"))  # padded keys',
        "scores = scores  # padded keys, zeroed below",
    ),
    (  # a greedy loop that does not stop at <eos> (continue instead of break)
        "ex2_greedy_loop",
        "break  # <eos> ends the output and is not part of it",
        "continue  # <eos> ends the output and is not part of it",
    ),
    (  # a greedy loop that keeps <eos> in its output
        "ex2_greedy_loop",
        "break  # <eos> ends the output and is not part of it",
        "out.append(prev.item())  # keeps <eos>\n            break",
    ),
    (  # a greedy loop that runs one step too many
        "ex2_greedy_loop",
        "for _ in range(max_len):",
        "for _ in range(max_len + 1):",
    ),
    (  # operator precedence: only the 6 is raised to alpha
        "ex3_gnmt_penalty",
        "return ((5 + length) / 6) ** alpha",
        "return (5 + length) / 6**alpha",
    ),
    (  # |Y| without the <eos> that ended the hypothesis
        "ex3_gnmt_penalty",
        "scores = [lp / gnmt_penalty(len(tokens) + 1, alpha) for tokens, lp in candidates]",
        "scores = [lp / gnmt_penalty(len(tokens), alpha) for tokens, lp in candidates]",
    ),
    (  # a substitution that costs 1 even when the phonemes match
        "ex4_per",
        "prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))",
        "prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + 1)",
    ),
    (  # counting the bias of W_h but forgetting v
        "ex5_parameters",
        "additive_params = 256 * 100 + (384 * 100 + 100) + 100  # W_s, W_h + bias, v",
        "additive_params = 256 * 100 + (384 * 100 + 100)  # W_s, W_h + bias",
    ),
]
