"""Typical student bugs in notebook 01's exercises: each must lose exactly its exercise.

Each entry: (grade_id of the exercise it breaks, or of the one test case it breaks, a line
of the solution, the buggy line).
The solution line must occur exactly once in the notebook.
"""

BUGS = [
    (
        "ex1_bits_from_logits",
        "nll_nats = -log_probs[torch.arange(len(targets)), targets].mean().item()",
        "nll_nats = -log_probs[torch.arange(len(targets)), targets].sum().item()",  # sum, not mean
    ),
    (
        "ex1_bits_from_logits",
        "return nll_nats / math.log(2), math.exp(nll_nats)",
        "return nll_nats, math.exp(nll_nats)",  # the wrong log base: nats, not bits
    ),
    (
        "ex1_bits_from_logits.large_logits",  # right for ordinary logits: half the points
        "shifted = logits - logits.max(dim=-1, keepdim=True).values  # (N, V); now exp(.) <= 1",
        "shifted = logits  # (N, V)",  # no maximum subtracted: exp overflows for large logits
    ),
    (
        "ex2_interpolated_bigram",
        "followed = pairs.sum(axis=1, keepdims=True)  # (V, 1): c(a), a followed by a token",
        # c(a) counted over all ids, the last one included: its row no longer sums to 1
        "followed = np.bincount(ids, minlength=vocab_size)[:, None].astype(float)",
    ),
    (
        "ex2_interpolated_bigram",
        "unigram = (np.bincount(ids, minlength=vocab_size) + 1) / (len(ids) + vocab_size)  # (V,)",
        # add-one smoothing normalised by the wrong count: N, not N + V
        "unigram = (np.bincount(ids, minlength=vocab_size) + 1) / len(ids)  # (V,)",
    ),
    (
        "ex2_interpolated_bigram",
        "return weight * bigram + (1 - weight) * unigram",
        "return (1 - weight) * bigram + weight * unigram",  # lambda on the wrong term
    ),
    (
        "ex3_strided_windows",
        "starts = torch.arange(0, len(ids) - c, stride)  # (M,) where each context starts",
        "starts = torch.arange(0, len(ids) - c + 1, stride)  # off by one: a window with no target",
    ),
    (
        "ex3_strided_windows",
        "return X, ids[starts + c]",
        "return X, ids[starts + c - 1]",  # off by one: the target is the context's last token
    ),
]
