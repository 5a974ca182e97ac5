"""Drawing primitives for the course's diagrams: boxes, operator circles and arrows on a canvas
measured in inches, so that a diagram's text stays the same size whatever its width."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

# One colour per kind of quantity, the same in every diagram (and close to the notebooks' plots).
INPUT = "#dbe9f6"  # x_t, tokens, images
STATE = "#fde2c4"  # h_t, s_t, c_t
OUTPUT = "#d9f0d3"  # y_t, predictions
OP = "#f2f2f2"  # weights, non-linearities
GATE = "#e8dcf3"  # gates (sigmoid)
MEMORY = "#d62728"  # the additive memory path of the LSTM and GRU
GRADIENT = "#c0392b"  # gradients flowing backwards
CARRIED = "#7f7f7f"  # a state carried without its gradient


def canvas(width: float, height: float):
    """A blank figure ``width`` x ``height`` inches whose data coordinates are inches."""
    fig, ax = plt.subplots(figsize=(width, height))
    fig.subplots_adjust(0, 0, 1, 1)
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax, x, y, text, w=0.9, h=0.5, color=OP, fontsize=12, edge="black", lw=1.2):
    """A rounded box centred on (x, y) holding ``text`` (mathtext allowed)."""
    patch = FancyBboxPatch(
        (x - w / 2, y - h / 2),
        w,
        h,
        boxstyle="round,pad=0.02,rounding_size=0.08",
        facecolor=color,
        edgecolor=edge,
        linewidth=lw,
        zorder=2,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)
    return patch


def op(ax, x, y, text, r=0.2, color="white", fontsize=12, edge="black"):
    """A circled point-wise operation (+, the element-wise product, 1 -) centred on (x, y)."""
    ax.add_patch(Circle((x, y), r, facecolor=color, edgecolor=edge, linewidth=1.2, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)


def arrow(ax, start, end, color="black", lw=1.4, ls="-", bend=0.0, head=True, zorder=1):
    """An arrow from ``start`` to ``end``; ``bend`` curves it (radians-ish, + is to the left)."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>,head_length=0.35,head_width=0.18" if head else "-",
            connectionstyle=f"arc3,rad={bend}",
            color=color,
            linewidth=lw,
            linestyle=ls,
            mutation_scale=20,
            shrinkA=0,
            shrinkB=0,
            zorder=zorder,
        )
    )


def path(ax, points, color="black", lw=1.4, ls="-", head=True, zorder=1):
    """A polyline through ``points`` with an arrow head on its last segment."""
    xs, ys = zip(*points)
    ax.plot(xs[:-1], ys[:-1], color=color, lw=lw, ls=ls, zorder=zorder, solid_capstyle="butt")
    arrow(ax, points[-2], points[-1], color=color, lw=lw, ls=ls, head=head, zorder=zorder)


def label(ax, x, y, text, fontsize=12, **kw):
    """Text centred on (x, y)."""
    kw = {"ha": "center", "va": "center", **kw}
    ax.text(x, y, text, fontsize=fontsize, zorder=3, **kw)
