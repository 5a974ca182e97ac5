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


class Screen:
    """Stands in for IPython's display: records what is shown and every in-place update."""

    def __init__(self):
        self.shown, self.updates = [], []

    def __call__(self, obj, raw=False, display_id=None):
        self.shown.append(obj)
        screen = self

        class Handle:
            def update(self, new):
                screen.updates.append(new)

        return Handle()


@pytest.fixture
def screen(monkeypatch):
    s = Screen()
    monkeypatch.setattr(widgets, "display", s)
    return s


def test_slider_draws_the_default_as_an_ordinary_output(screen):
    calls = []

    def fn(n, tau, smooth):
        calls.append((n, tau, smooth))
        print(f"n={n}")

    box = widgets.slider(fn, n=(1, 10, 1, 3), tau=(0.1, 2.0, 0.1, 0.7), smooth=False)
    assert calls == [(3, 0.7, False)]
    controls = {w.description: w for w in box.children}
    assert isinstance(controls["n"], ipywidgets.IntSlider)
    assert isinstance(controls["tau"], ipywidgets.FloatSlider)
    assert isinstance(controls["smooth"], ipywidgets.Checkbox)
    view, output = screen.shown
    assert "n = 3" in view["text/plain"]  # a static copy names the controls, not a repr
    assert output._repr_mimebundle_()["text/plain"] == "n=3"


def test_moving_a_control_replaces_the_output_in_place(screen):
    def fn(n):
        plt.plot(range(n))
        plt.show()  # held back: the figure joins the one output
        print("drawn")

    box = widgets.slider(fn, n=(1, 10, 1, 3))
    assert len(screen.shown) == 2 and screen.updates == []
    box.children[0].value = 5
    assert len(screen.shown) == 2 and len(screen.updates) == 1  # no second output under it
    bundle = screen.updates[0]._repr_mimebundle_()
    assert bundle["text/html"].count("<img") == 1 and "drawn" in bundle["text/plain"]
    assert plt.get_fignums() == []  # figures are closed once rendered


def test_plot_attention_labels_rows_and_columns():
    weights = np.full((2, 3), 1 / 3)
    fig = viz.plot_attention(weights, list("a b"), ["X", "Y"], title="t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "␣", "b"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["X", "Y"]
    with pytest.raises(ValueError, match="do not match"):
        viz.plot_attention(weights, list("ab"), ["X", "Y"])
