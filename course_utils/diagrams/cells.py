"""The recurrent cells drawn gate by gate: Elman (notebook 02), LSTM and GRU (notebook 05).

The symbols are the notebooks' (Elman 1990; Hochreiter & Schmidhuber 1997 with the forget gate
of Gers et al. 2000; Cho et al. 2014 with torch's placement of the reset gate). In the gated
cells the additive path (c_t in the LSTM, h_t in the GRU) is drawn thick and red: along it a
step multiplies by a gate and adds, with no matrix and no squashing, which is why gradients
survive it.
"""

from __future__ import annotations

from course_utils.diagrams._draw import (
    GATE,
    INPUT,
    MEMORY,
    OUTPUT,
    STATE,
    arrow,
    box,
    canvas,
    label,
    op,
    path,
)


def elman_cell():
    """One step of the Elman RNN: h_t = tanh(W_hh h_{t-1} + W_xh x_t + b), y_t = W_hy h_t + b_y."""
    fig, ax = canvas(6.6, 3.4)
    box(ax, 0.75, 1.6, "$h_{t-1}$", w=0.8, color=STATE)
    box(ax, 3.0, 0.35, "$x_t$", w=0.7, color=INPUT)
    box(ax, 1.75, 1.6, "$W_{hh}$")
    box(ax, 3.0, 0.95 + 0.1, "$W_{xh}$", h=0.42)
    op(ax, 3.0, 1.6, "+")
    box(ax, 4.1, 1.6, "tanh", w=0.8)
    box(ax, 5.95, 1.6, "$h_t$", w=0.7, color=STATE)
    box(ax, 4.95, 2.45, "$W_{hy}$", h=0.42)
    box(ax, 4.95, 3.1, "$y_t$", w=0.7, h=0.45, color=OUTPUT)
    arrow(ax, (1.15, 1.6), (1.3, 1.6))
    arrow(ax, (2.2, 1.6), (2.8, 1.6))
    arrow(ax, (3.0, 0.6), (3.0, 0.84))
    arrow(ax, (3.0, 1.26), (3.0, 1.4))
    label(ax, 2.72, 2.1, "$b$", fontsize=12)
    arrow(ax, (2.8, 2.0), (2.9, 1.78))
    arrow(ax, (3.2, 1.6), (3.7, 1.6))
    arrow(ax, (4.5, 1.6), (5.6, 1.6))
    path(ax, [(4.95, 1.6), (4.95, 2.24)])
    arrow(ax, (4.95, 2.66), (4.95, 2.875))
    label(ax, 5.95, 1.05, "to the next step", fontsize=9)
    label(ax, 0.75, 1.05, "from the last step", fontsize=9)
    return fig


def _memory_path(ax, y, start, end, end_x, ops, equation, eq_x):
    """The gated cells' additive path, thick and red: start -> each op in ``ops`` -> end."""
    box(ax, 0.5, y, start, w=0.75, color=STATE)
    box(ax, end_x, y, end, w=0.6, color=STATE)
    stops = [0.88, *[x for x, _ in ops], end_x - 0.32]
    for k, (a, b) in enumerate(zip(stops, stops[1:])):
        arrow(
            ax,
            (a + (0.2 if k else 0), y),
            (b - (0.2 if k < len(ops) else 0), y),
            color=MEMORY,
            lw=3.2,
        )
    for x, symbol in ops:
        op(ax, x, y, symbol)
    label(ax, eq_x, y + 0.55, equation, fontsize=10, color=MEMORY)


def lstm_cell():
    """One LSTM step: gates i, f, o and candidate g from (h_{t-1}, x_t); cell state c_t on top."""
    fig, ax = canvas(7.4, 4.4)
    top, bus, gates = 3.3, 0.95, 1.85
    # the memory path, thick: c_{t-1} -> (* f_t) -> (+ i_t g_t) -> c_t
    equation = r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t$: no matrix, no squashing"
    _memory_path(ax, top, "$c_{t-1}$", "$c_t$", 6.9, [(1.8, r"$\odot$"), (3.0, "+")], equation, 3.7)
    # the inputs: h_{t-1} from the left and x_t from below share one bus into the four gates
    box(ax, 0.5, bus, "$h_{t-1}$", w=0.75, color=STATE)
    box(ax, 1.15, 0.25, "$x_t$", w=0.6, h=0.38, color=INPUT)
    ax.plot([0.88, 4.4], [bus, bus], color="black", lw=1.4, zorder=1)
    ax.plot([1.15, 1.15], [0.44, bus], color="black", lw=1.4, zorder=1)
    for x, name, fn in [
        (1.8, "f", r"$\sigma$"),
        (2.6, "i", r"$\sigma$"),
        (3.4, "g", "tanh"),
        (4.4, "o", r"$\sigma$"),
    ]:
        box(ax, x, gates, fn, w=0.62, h=0.42, color=GATE if fn != "tanh" else "#f2f2f2")
        label(ax, x - 0.45, gates + 0.32, f"${name}_t$", fontsize=11)
        arrow(ax, (x, bus), (x, gates - 0.21))
    arrow(ax, (1.8, gates + 0.21), (1.8, top - 0.2))  # forget gate scales the old memory
    op(ax, 3.0, 2.6, r"$\odot$")
    arrow(ax, (2.6, gates + 0.21), (2.86, 2.46))
    arrow(ax, (3.4, gates + 0.21), (3.14, 2.46))
    arrow(ax, (3.0, 2.8), (3.0, top - 0.2))
    # the output: h_t = o_t * tanh(c_t)
    box(ax, 5.3, 2.55, "tanh", w=0.62, h=0.4)
    arrow(ax, (5.3, top), (5.3, 2.75))
    op(ax, 5.3, gates, r"$\odot$")
    arrow(ax, (5.3, 2.35), (5.3, gates + 0.2))
    arrow(ax, (4.71, gates), (5.1, gates))
    box(ax, 6.9, gates, "$h_t$", w=0.6, color=STATE)
    arrow(ax, (5.5, gates), (6.58, gates))
    label(ax, 6.35, 1.4, "to the output layer\nand the next step", fontsize=9)
    return fig


def gru_cell():
    """One GRU step: reset r_t and update z_t; h_t = (1 - z_t) n_t + z_t h_{t-1} on top."""
    fig, ax = canvas(7.0, 4.4)
    top, bus, gates = 3.3, 0.95, 1.85
    # the additive path, thick: h_{t-1} -> (* z_t) -> (+ (1 - z_t) n_t) -> h_t
    equation = r"$h_t = z_t \odot h_{t-1} + (1 - z_t) \odot n_t$"
    _memory_path(ax, top, "$h_{t-1}$", "$h_t$", 6.5, [(2.0, r"$\odot$"), (4.3, "+")], equation, 3.5)
    # h_{t-1} also feeds the gates, with x_t from below
    ax.plot([1.05, 1.05], [top, bus], color="black", lw=1.4, zorder=1)
    ax.plot([1.05, 4.3], [bus, bus], color="black", lw=1.4, zorder=1)
    box(ax, 1.5, 0.25, "$x_t$", w=0.6, h=0.38, color=INPUT)
    ax.plot([1.5, 1.5], [0.44, bus], color="black", lw=1.4, zorder=1)
    for x, name, fn in [(2.0, "z", r"$\sigma$"), (3.3, "r", r"$\sigma$"), (4.3, "n", "tanh")]:
        box(ax, x, gates, fn, w=0.62, h=0.42, color=GATE if fn != "tanh" else "#f2f2f2")
        label(ax, x - 0.45, gates + 0.32, f"${name}_t$", fontsize=11)
        arrow(ax, (x, bus), (x, gates - 0.21))
    arrow(ax, (2.0, gates + 0.21), (2.0, top - 0.2))  # z_t keeps that much of the old state
    # 1 - z_t lets that much of the candidate in
    op(ax, 3.1, 2.7, "1−", fontsize=10)
    arrow(ax, (2.0, 2.7), (2.9, 2.7))
    op(ax, 4.3, 2.7, r"$\odot$")
    arrow(ax, (3.3, 2.7), (4.1, 2.7))
    arrow(ax, (4.3, gates + 0.21), (4.3, 2.5))
    arrow(ax, (4.3, 2.9), (4.3, top - 0.2))
    # the reset gate scales the recurrent part of the candidate
    arrow(ax, (3.61, gates), (3.99, gates))
    label(
        ax,
        4.6,
        0.35,
        r"$n_t = \tanh(W_{xn} x_t + b_{xn} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))$",
        fontsize=9,
    )
    label(ax, 5.7, 2.2, "$h_t$ goes to the output layer\nand to the next step", fontsize=9)
    return fig
