"""Interactive widgets that still do something useful when a notebook runs headless.

``ipywidgets.interact`` calls the function once with the default values when the cell
runs, so under nbval or in CI the cell prints/plots the default case; in JupyterLab the
same cell gives sliders.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets


def slider(fn: Callable, **controls):
    """Attach sliders to ``fn``: ``controls`` map argument names to ``(min, max, step, default)``.

    Returns the interactive widget; its output for the defaults is shown immediately.
    """
    built = {}
    for name, (low, high, step, default) in controls.items():
        cls = (
            widgets.IntSlider
            if all(isinstance(v, int) for v in (low, high, step, default))
            else widgets.FloatSlider
        )
        built[name] = cls(
            min=low, max=high, step=step, value=default, description=name, continuous_update=False
        )
    return widgets.interact(fn, **built)
