"""Typical student bugs in notebook 08's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, a line of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_caption_loop",
        "for _ in range(max_words):",
        "for _ in range(max_words + 1):",  # off by one: one word too many without <END>
    ),
    (
        "ex1_caption_loop",
        "log_probs, state = model.step(prev, state)  # (1, V)",
        "log_probs, _ = model.step(prev, state)  # (1, V)",  # the new state is dropped
    ),
    (
        "ex2_conv_geometry",
        "n = (n + 2 * p - k) // s + 1",
        "n = (n - k) // s + 1",  # the padding forgotten
    ),
    (
        "ex2_conv_geometry",
        "field += (k - 1) * jump",
        "field += (k - 1) * jump * s",  # the layer's own stride counted in its reach
    ),
    (
        "ex3_corpus_precision",
        "most |= grams(ref)  # element-wise max: the reference with the most of each n-gram",
        "most += grams(ref)",  # the references' counts summed instead of their maximum
    ),
    (
        "ex3_corpus_precision",
        "matched += sum(min(count, most[g]) for g, count in hyp.items())",
        "matched += sum(count for g, count in hyp.items() if g in most)",  # no clipping
    ),
    (
        "ex4_brevity_penalty",
        "return math.exp(1 - r / c) if c > 0 else 0.0",
        "return math.exp(1 - c / r) if c > 0 else 0.0",  # r and c swapped
    ),
    (
        "ex4_brevity_penalty",
        "r += min((len(ref.split()) for ref in refs), key=lambda m: (abs(m - length), m))",
        "r += min(len(ref.split()) for ref in refs)",  # the shortest reference, not the closest
    ),
]
