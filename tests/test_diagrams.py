"""course_utils.diagrams: every figure draws, stays inside its canvas and shows its symbols."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course_utils import diagrams  # noqa: E402

FIGURES = {
    "unrolled_rnn": dict(),
    "unrolled_rnn_weights": dict(
        state="h", cell="tanh", readout=None, weights=True, loss=True, folded=False
    ),
    "elman_cell": dict(),
    "lstm_cell": dict(),
    "gru_cell": dict(),
    "truncated_bptt": dict(),
    "usage_patterns": dict(),
    "encoder_decoder_attention": dict(),
    "captioning_model": dict(),
}


def draw(name):
    fig = getattr(diagrams, name.removesuffix("_weights"))(**FIGURES[name])
    fig.canvas.draw()
    return fig


def texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


@pytest.mark.parametrize("name", FIGURES)
def test_nothing_is_drawn_outside_the_canvas(name):
    fig = draw(name)
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox.padded(1)  # one pixel of anti-aliasing
    for artist in [*fig.axes[0].texts, *fig.axes[0].patches]:
        extent = artist.get_window_extent(renderer)
        inside = frame.x0 <= extent.x0 and extent.x1 <= frame.x1
        inside &= frame.y0 <= extent.y0 and extent.y1 <= frame.y1
        assert inside, f"{name}: {artist} at {extent} is outside the figure {fig.bbox}"
    plt.close(fig)


def test_the_drawings_use_the_notebooks_symbols():
    assert {"$c_{t-1}$", "$c_t$", "$f_t$", "$i_t$", "$g_t$", "$o_t$"} <= set(
        texts(draw("lstm_cell"))
    )
    assert {"$r_t$", "$z_t$", "$n_t$", "$h_{t-1}$"} <= set(texts(draw("gru_cell")))
    assert {"$W_{hh}$", "$W_{xh}$", "$W_{hy}$", "tanh"} <= set(texts(draw("elman_cell")))
    unrolled = texts(draw("unrolled_rnn_weights"))
    assert unrolled.count("$W_{hh}$") == 4  # one label per copy of the shared matrix
    assert {"<START>", "<END>"} <= set(texts(draw("captioning_model")))
    plt.close("all")


def test_truncated_bptt_cuts_the_gradient_at_each_chunk_boundary():
    fig = diagrams.truncated_bptt(steps=12, seq_len=4)
    assert texts(fig).count("×") == 2  # between chunks 1-2 and 2-3
    assert sum("chunk" in t for t in texts(fig)) == 3
    with pytest.raises(ValueError, match="multiple of seq_len"):
        diagrams.truncated_bptt(steps=10, seq_len=4)
    plt.close("all")


def test_attention_weights_are_checked_and_drawn():
    fig = diagrams.encoder_decoder_attention((0.25, 0.25, 0.5))
    assert "$a_{33} = 0.50$" in texts(fig)
    with pytest.raises(ValueError, match="sum to 1"):
        diagrams.encoder_decoder_attention((0.5, 0.6))
    plt.close("all")
