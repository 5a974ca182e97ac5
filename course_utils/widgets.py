"""Interactive widgets whose output is an ordinary cell output, updated in place.

A widget's own output area lives in the widget's state: a static copy of the notebook (the
course's site, GitHub, a saved HTML) cannot show it, and a default printed under the widget
stays there, stale, once the control moves. So here the controls are widgets, but what they
show is one ordinary output of the cell, drawn for the default values when the cell runs (a
static copy keeps it) and replaced in place (``display(..., display_id=True)``) each time a
control changes. Run headless (nbval, CI, the slides) the cell shows the default case.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
from collections.abc import Callable
from unittest import mock

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display


class Rendered:
    """What a function printed and drew, as one output: text and PNG figures, in order."""

    def __init__(self, text: str, pngs: list[bytes]):
        self.text, self.pngs = text, pngs

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        images = "".join(
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}">'
            for png in self.pngs
        )
        text = f"<pre>{html.escape(self.text)}</pre>" if self.text else ""
        plain = self.text + "".join("[figure]\n" for _ in self.pngs)
        return {"text/plain": plain.rstrip("\n"), "text/html": text + images}


def render(fn: Callable, **kwargs) -> Rendered:
    """Call ``fn(**kwargs)``, keeping what it prints and the figures it draws (then closed).

    ``plt.show()`` inside ``fn`` is held back, so its figures join the one output instead of
    being published on their own (from a widget's callback they would go nowhere).
    """
    before = set(plt.get_fignums())
    out = io.StringIO()
    with contextlib.redirect_stdout(out), mock.patch.object(plt, "show", lambda *a, **k: None):
        fn(**kwargs)
    pngs = []
    for number in [n for n in plt.get_fignums() if n not in before]:
        fig = plt.figure(number)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        pngs.append(buf.getvalue())
        plt.close(fig)
    return Rendered(out.getvalue(), pngs)


def live(fn: Callable, **controls: widgets.ValueWidget) -> widgets.Box:
    """Show ``fn(**values of controls)`` under the controls, redrawn in place when one changes.

    ``controls`` map ``fn``'s argument names to widgets (a slider, a text box). Returns the
    box of controls (e.g. to set a value from code).
    """
    box = widgets.HBox(list(controls.values()))
    view = box._repr_mimebundle_()  # the live widget, and what a static copy shows instead
    view["text/plain"] = (
        "controls: "
        + ", ".join(f"{w.description or name} = {w.value!r}" for name, w in controls.items())
        + " (run the notebook to move them)"
    )
    display(view, raw=True)
    values = lambda: {name: w.value for name, w in controls.items()}  # noqa: E731
    shown = display(render(fn, **values()), display_id=True)
    for w in controls.values():
        w.observe(lambda change: shown.update(render(fn, **values())), names="value")
    return box


def slider(fn: Callable, **controls) -> widgets.Box:
    """:func:`live` with sliders: ``controls`` map argument names to ``(min, max, step, default)``
    (all ints: an integer slider) or to a bool (a checkbox)."""
    built = {}
    for name, spec in controls.items():
        if isinstance(spec, bool):
            built[name] = widgets.Checkbox(value=spec, description=name)
            continue
        low, high, step, default = spec
        cls = (
            widgets.IntSlider
            if all(isinstance(v, int) for v in (low, high, step, default))
            else widgets.FloatSlider
        )
        built[name] = cls(
            min=low, max=high, step=step, value=default, description=name, continuous_update=False
        )
    return live(fn, **built)
