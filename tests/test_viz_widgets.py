import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import History, viz, widgets

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_partitions():
    fig = viz.plot_partitions(n_tokens=30, batch_size=2, seq_len=4)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert len(fig.axes[1].patches) > 0  # one bar per row of each minibatch


def test_plot_histories():
    runs = {
        "short": History(train_loss=[3.0, 2.5, 2.0], eval_steps=[3], valid_nll=[2.2]),
        "long": History(
            train_loss=list(np.linspace(3, 1, 50)), eval_steps=[25, 50], valid_nll=[2.0, 1.5]
        ),
    }
    fig = viz.plot_histories(runs, smooth=10, title="tiny")
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 2


def test_show_matrix_with_ticks():
    fig = viz.show_matrix(np.eye(3), title="W", ticks=["x", "y", "z"])
    assert isinstance(fig, Figure)


def test_slider_runs_once_with_defaults():
    calls = []
    fn = widgets.slider(
        lambda n, tau: calls.append((n, tau)), n=(1, 10, 1, 3), tau=(0.1, 2.0, 0.1, 0.7)
    )
    assert calls == [(3, 0.7)]
    sliders = {w.description: w for w in fn.widget.children if hasattr(w, "description")}
    assert isinstance(sliders["n"], ipywidgets.IntSlider)
    assert isinstance(sliders["tau"], ipywidgets.FloatSlider)


def test_plot_attention_labels_rows_and_columns():
    weights = np.full((2, 3), 1 / 3)
    fig = viz.plot_attention(weights, list("a b"), ["X", "Y"], title="t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "␣", "b"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["X", "Y"]
    with pytest.raises(ValueError, match="do not match"):
        viz.plot_attention(weights, list("ab"), ["X", "Y"])
