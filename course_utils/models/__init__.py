"""Models: the n-gram baseline, the sliding-window network, and recurrent networks."""

from course_utils.models.ngram import NGramLM, select_ngram
from course_utils.models.rnn import RNNLM, ElmanCell, RNNLMConfig, connectivity_mask, rnn_unroll
from course_utils.models.window import WindowLM, WindowLMConfig

__all__ = [
    "ElmanCell",
    "NGramLM",
    "RNNLM",
    "RNNLMConfig",
    "WindowLM",
    "WindowLMConfig",
    "connectivity_mask",
    "rnn_unroll",
    "select_ngram",
]
