"""The course's drawn figures: cells gate by gate and computation graphs over time.

Drawn with matplotlib from code (not pictures pasted in), so they are reproducible, use the
notebooks' symbols and render the same in JupyterLab, the slides and the static site. Each
function returns its Figure; in a notebook, end the line with ``;`` so it is shown once.
"""

from course_utils.diagrams.cells import elman_cell, gru_cell, lstm_cell
from course_utils.diagrams.graphs import (
    captioning_model,
    encoder_decoder_attention,
    truncated_bptt,
    unrolled_rnn,
    usage_patterns,
)

__all__ = [
    "captioning_model",
    "elman_cell",
    "encoder_decoder_attention",
    "gru_cell",
    "lstm_cell",
    "truncated_bptt",
    "unrolled_rnn",
    "usage_patterns",
]
