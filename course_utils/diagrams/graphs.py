"""Computation graphs over time: the unrolled RNN (notebooks 02, 03), truncated BPTT (04), the
input-output patterns (02), the encoder-decoder with attention (Bahdanau et al. 2015; notebook
07) and the captioning model (Vinyals et al. 2015; Xu et al. 2015; notebook 08)."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.patches import Rectangle

from course_utils.diagrams._draw import (
    CARRIED,
    GRADIENT,
    INPUT,
    OUTPUT,
    STATE,
    arrow,
    box,
    canvas,
    label,
    path,
)

SHARED = "#1f77b4"  # the weights every column shares


def _column_names(steps: int) -> list[str]:
    """1, 2, ..., T: the last column stands for any length."""
    return [str(t) for t in range(1, steps)] + ["T"]


def unrolled_rnn(
    steps: int = 4,
    state: str = "s",
    cell: str = "R",
    readout: str | None = "O",
    weights: bool = False,
    loss: bool = False,
    folded: bool = True,
):
    """The loop s_t = R(s_{t-1}, x_t), y_t = O(s_t), folded and unrolled over ``steps`` columns.

    ``weights=True`` labels the edges with the Elman matrices (W_xh, W_hh, W_hy), one colour for
    the copies of one shared matrix; ``loss=True`` ends the chain in a loss on the last state.
    """
    spacing, x0 = 1.55, 3.2 if folded else 0.6
    width = x0 + spacing * steps + (1.6 if loss else 0.5)
    fig, ax = canvas(width, 3.7 if readout else 1.9)
    ys = {"x": 0.35, "cell": 1.35, "out": 2.35, "y": 3.2}
    w_in, w_rec, w_out = ("$W_{xh}$", "$W_{hh}$", "$W_{hy}$") if weights else (None, None, None)

    def column(cx, t):
        box(ax, cx, ys["x"], f"$x_{{{t}}}$", w=0.55, h=0.4, color=INPUT)
        box(ax, cx, ys["cell"], cell, w=0.7, h=0.55)
        arrow(ax, (cx, ys["x"] + 0.2), (cx, ys["cell"] - 0.275))
        if w_in:
            label(ax, cx + 0.28, 0.85, w_in, fontsize=9, color=SHARED, ha="left")
        if readout:
            box(ax, cx, ys["out"], readout, w=0.6, h=0.45)
            box(ax, cx, ys["y"], f"$y_{{{t}}}$", w=0.55, h=0.4, color=OUTPUT)
            arrow(ax, (cx, ys["cell"] + 0.275), (cx, ys["out"] - 0.225))
            arrow(ax, (cx, ys["out"] + 0.225), (cx, ys["y"] - 0.2))
            if w_out:
                label(ax, cx + 0.28, ys["out"] + 0.45, w_out, fontsize=9, color=SHARED, ha="left")

    if folded:
        column(1.0, "t")
        path(ax, [(1.35, 1.2), (1.85, 1.2), (1.85, 1.5), (1.35, 1.5)])
        label(ax, 2.15, 1.35, f"${state}_{{t-1}}$", fontsize=11)
        label(ax, 2.65, 1.35, "=", fontsize=18)
    box(ax, x0, ys["cell"], f"${state}_0$", w=0.5, h=0.4, color=STATE)
    names = _column_names(steps)
    previous = x0 + 0.25
    for k, t in enumerate(names):
        cx = x0 + spacing * (k + 1)
        column(cx, t)
        last = k == steps - 1
        arrow(ax, (previous, ys["cell"]), (cx - 0.35, ys["cell"]), ls=":" if last else "-")
        mid = (previous + cx - 0.35) / 2
        text = "···" if last else f"${state}_{{{names[k - 1]}}}$" if k else None
        if text:
            label(ax, mid, ys["cell"] + 0.18, text, fontsize=10)
        if w_rec:
            label(ax, mid, ys["cell"] - 0.2, w_rec, fontsize=9, color=SHARED)
        previous = cx + 0.35
    if loss:
        box(ax, previous + 0.75, ys["cell"], "loss", w=0.6, h=0.4, color=OUTPUT)
        arrow(ax, (previous, ys["cell"]), (previous + 0.45, ys["cell"]))
        label(ax, (2 * previous + 0.45) / 2, ys["cell"] + 0.18, f"${state}_T$", fontsize=10)
    return fig


def truncated_bptt(steps: int = 12, seq_len: int = 4):
    """Truncated BPTT: forward through every step, backward only inside each chunk of ``seq_len``.

    At a chunk boundary the state is carried on (``state.detach()``) but its gradient is cut.
    """
    if steps % seq_len:
        raise ValueError(f"steps ({steps}) must be a multiple of seq_len ({seq_len})")
    spacing = 0.72
    fig, ax = canvas(spacing * steps + 1.4, 3.3)
    xs = [0.9 + spacing * t for t in range(steps)]
    y, back = 1.7, 0.85
    box(ax, 0.25, y, "$h_0$", w=0.4, h=0.36, color=STATE)
    for t, x in enumerate(xs):
        box(ax, x, y, f"$h_{{{t + 1}}}$", w=0.46, h=0.4, color=STATE, fontsize=10)
        label(ax, x, y + 0.52, f"$\\ell_{{{t + 1}}}$", fontsize=9)
        arrow(ax, (x, y + 0.2), (x, y + 0.4), lw=1.0)
        start = xs[t - 1] + 0.23 if t else 0.45
        boundary = t > 0 and t % seq_len == 0
        arrow(
            ax,
            (start, y),
            (x - 0.23, y),
            color=CARRIED if boundary else "black",
            ls="--" if boundary else "-",
        )
    for c in range(steps // seq_len):
        first, last = xs[c * seq_len], xs[(c + 1) * seq_len - 1]
        # the gradient runs back from the chunk's last step to its first, and no further
        arrow(ax, (last, back), (first - 0.1, back), color=GRADIENT, lw=2.0)
        for x in xs[c * seq_len : (c + 1) * seq_len]:
            ax.plot([x, x], [back, y - 0.2], color=GRADIENT, lw=0.8, ls=":", zorder=0)
        if c:  # the cut: no gradient crosses into the previous chunk
            label(ax, first - 0.4, back, "×", fontsize=16, color=GRADIENT, fontweight="bold")
        label(
            ax,
            (first + last) / 2,
            y + 1.05,
            f"chunk {c + 1}: forward, loss, backward(), step()",
            fontsize=9,
        )
        ax.plot([first - 0.25, last + 0.25], [y + 0.85, y + 0.85], color="black", lw=0.8)
    label(
        ax,
        xs[seq_len] - spacing / 2,
        0.35,
        "state carried on, gradient cut: state.detach()",
        fontsize=9,
        color=CARRIED,
    )
    label(ax, xs[-1] - 0.8, 0.35, "gradient (backward)", fontsize=9, color=GRADIENT)
    return fig


# (name, example, which steps have an input, which have an output, steps)
PATTERNS = (
    ("one to many", "image → caption (06)", {0}, {0, 1, 2, 3}, 4),
    ("many to one", "surname → locale (04)", {0, 1, 2, 3}, {3}, 4),
    ("many to many, aligned", "next character (02), tags (04)", {0, 1, 2, 3}, {0, 1, 2, 3}, 4),
    ("encoder–decoder", "translation, spelling → sound (05)", {0, 1, 2}, {3, 4, 5}, 6),
)


def usage_patterns():
    """The ways a recurrent network maps inputs to outputs, each with the course's example."""
    widths = [0.55 * n + 0.5 for *_, n in PATTERNS]
    fig, ax = canvas(sum(widths) + 0.5 * (len(PATTERNS) - 1) + 0.2, 3.4)
    left = 0.1
    for (name, example, ins, outs, n), width in zip(PATTERNS, widths):
        xs = [left + 0.5 + 0.55 * t for t in range(n)]
        for t, x in enumerate(xs):
            box(ax, x, 1.5, "", w=0.38, h=0.38, color=STATE)
            if t:
                arrow(ax, (xs[t - 1] + 0.19, 1.5), (x - 0.19, 1.5), lw=1.1)
            if t in ins:
                box(ax, x, 0.75, "", w=0.38, h=0.3, color=INPUT)
                arrow(ax, (x, 0.9), (x, 1.31), lw=1.1)
            if t in outs:
                box(ax, x, 2.25, "", w=0.38, h=0.3, color=OUTPUT)
                arrow(ax, (x, 1.69), (x, 2.1), lw=1.1)
        centre = (xs[0] + xs[-1]) / 2
        label(ax, centre, 3.0, name, fontsize=11, fontweight="bold")
        label(ax, centre, 0.25, example, fontsize=9)
        left += width + 0.5
    return fig


def encoder_decoder_attention(weights: Sequence[float] = (0.05, 0.1, 0.7, 0.15)):
    """The encoder-decoder with attention at one decoder step: c_t = sum_j a_tj h_j.

    ``weights`` are the attention weights drawn (illustrative; the notebook plots trained ones).
    """
    if abs(sum(weights) - 1) > 1e-6 or min(weights) < 0:
        raise ValueError(f"attention weights must be >= 0 and sum to 1, got {tuple(weights)}")
    fig, ax = canvas(9.2, 4.6)
    enc = [0.8 + 0.95 * j for j in range(len(weights))]
    dec = [5.6 + 0.95 * t for t in range(4)]
    y = 1.5
    for j, x in enumerate(enc):
        box(ax, x, 0.45, f"$x_{{{j + 1}}}$", w=0.5, h=0.38, color=INPUT)
        box(ax, x, y, f"$h_{{{j + 1}}}$", w=0.55, h=0.45, color=STATE)
        arrow(ax, (x, 0.64), (x, y - 0.225))
        if j:
            arrow(ax, (enc[j - 1] + 0.275, y), (x - 0.275, y))
    label(ax, (enc[0] + enc[-1]) / 2, 4.25, "encoder: reads the source", fontsize=10)
    inputs = ["<START>", "$y_1$", "$y_2$", "$y_3$"]
    for t, x in enumerate(dec):
        box(ax, x, 0.45, inputs[t], w=0.7 if t == 0 else 0.5, h=0.38, color=INPUT, fontsize=9)
        box(ax, x, y, f"$s_{{{t + 1}}}$", w=0.55, h=0.45, color=STATE)
        box(
            ax,
            x,
            2.45,
            f"$y_{{{t + 1}}}$" if t < 3 else "<END>",
            w=0.6,
            h=0.38,
            color=OUTPUT,
            fontsize=10 if t < 3 else 9,
        )
        arrow(ax, (x, 0.64), (x, y - 0.225))
        arrow(ax, (x, y + 0.225), (x, 2.26))
        if t:
            arrow(ax, (dec[t - 1] + 0.275, y), (x - 0.275, y))
    label(ax, (dec[0] + dec[-1]) / 2, 4.25, "decoder: writes the target", fontsize=10)
    # attention at step t = 3: weights over the encoder states, summed into the context c_3
    t = 2
    cx, cy = 4.3, 3.45
    box(ax, cx, cy, "$c_3$", w=0.55, h=0.42, color="#fff2a8")
    for j, (x, a) in enumerate(zip(enc, weights)):
        arrow(
            ax, (x, y + 0.225), (cx - 0.1, cy - 0.21), color="#b8860b", lw=0.6 + 7 * a, head=False
        )
        label(
            ax, x + 0.05, y + 0.55 + 0.1 * j, f"$a_{{3{j + 1}}} = {a:.2f}$", fontsize=8, ha="left"
        )
    side = (dec[t - 1] + dec[t]) / 2  # between the output boxes, into s_3 from its upper left
    path(
        ax,
        [(cx + 0.275, cy), (side, cy), (side, y + 0.5), (dec[t] - 0.2, y + 0.225)],
        color="#b8860b",
    )
    arrow(ax, (dec[t - 1] + 0.1, y + 0.225), (cx + 0.1, cy - 0.21), color=CARRIED, ls="--", lw=1)
    label(ax, 4.3, 2.05, r"score$(s_2, h_j)$", fontsize=9, color=CARRIED)
    label(ax, cx, cy + 0.45, r"$c_3 = \sum_j a_{3j} h_j$", fontsize=10)
    return fig


def captioning_model(attention: bool = True):
    """CNN features feeding an LSTM decoder from <START> to <END> (Show, Attend and Tell if
    ``attention``: a weighted sum of the feature grid enters every step)."""
    fig, ax = canvas(10.2, 4.4)
    # the image: a synthetic scene like notebook 08's
    ax.add_patch(Rectangle((0.2, 1.45), 1.3, 1.3, facecolor="#f7f7f7", edgecolor="black"))
    ax.add_patch(Rectangle((0.35, 1.65), 0.4, 0.4, color=(40 / 255, 80 / 255, 220 / 255)))
    ax.add_patch(plt_circle((1.15, 2.35), 0.22, (220 / 255, 40 / 255, 40 / 255)))
    label(ax, 0.85, 1.2, "image", fontsize=9)
    box(ax, 2.4, 2.1, "CNN\n(conv, pool)", w=1.0, h=0.8, fontsize=10)
    arrow(ax, (1.5, 2.1), (1.9, 2.1))
    # the feature grid f_p: G x G regions, each a vector
    g, cell, gx, gy = 4, 0.22, 3.3, 1.66
    for i in range(g):
        for j in range(g):
            ax.add_patch(
                Rectangle(
                    (gx + i * cell, gy + j * cell),
                    cell,
                    cell,
                    facecolor=STATE,
                    edgecolor="black",
                    lw=0.6,
                )
            )
    label(ax, gx + g * cell / 2, 1.3, "features $f_p$\n(one per region)", fontsize=9)
    arrow(ax, (2.9, 2.1), (gx - 0.05, 2.1))
    dec = [5.6 + 1.15 * t for t in range(4)]
    words_in, words_out = ["<START>", "a", "red", "circle"], ["a", "red", "circle", "<END>"]
    y = 2.1
    for t, x in enumerate(dec):
        box(ax, x, y, "LSTM", w=0.75, h=0.5, fontsize=10)
        box(ax, x, 0.55, words_in[t], w=0.8, h=0.36, color=INPUT, fontsize=9)
        box(ax, x, 3.45, words_out[t], w=0.8, h=0.36, color=OUTPUT, fontsize=9)
        arrow(ax, (x, 0.73), (x, y - 0.25))
        arrow(ax, (x, y + 0.25), (x, 3.27))
        if t:
            arrow(ax, (dec[t - 1] + 0.375, y), (x - 0.375, y))
    # Show and Tell: the mean feature starts the decoder's state
    path(ax, [(gx + g * cell + 0.05, 2.1), (dec[0] - 0.375, 2.1)])
    label(ax, 4.85, 1.9, "mean → $h_0, c_0$", fontsize=9)
    if attention:
        for x in dec:
            arrow(
                ax,
                (gx + g * cell / 2, gy + g * cell + 0.05),
                (x - 0.2, y + 0.25),
                color="#b8860b",
                lw=1.0,
                ls="--",
                bend=-0.25,
            )
        label(
            ax,
            4.2,
            4.15,
            r"attention: $z_t = \sum_p \alpha_{tp} f_p$ enters every step",
            fontsize=10,
            color="#b8860b",
        )
    return fig


def plt_circle(centre, radius, colour):
    """A filled circle patch (the red circle of the drawn scene)."""
    from matplotlib.patches import Circle

    return Circle(centre, radius, color=colour)
