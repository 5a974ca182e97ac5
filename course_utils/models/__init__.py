"""Models: the n-gram baseline, the sliding-window network, and recurrent networks."""

from course_utils.models import minrnn, scan  # the modules: notebook 09 uses g and the scans
from course_utils.models.attention import AdditiveAttention, DotAttention
from course_utils.models.blocks import BlockLM, BlockLMConfig
from course_utils.models.bptt import relative_error, with_spectral_radius
from course_utils.models.captioning import CaptionConfig, Captioner, ConvEncoder
from course_utils.models.classify import (
    ClassifierConfig,
    RegressorConfig,
    SequenceClassifier,
    SequenceRegressor,
    SequenceTagger,
    StepwiseConfig,
    StepwiseModel,
    TaggerConfig,
)
from course_utils.models.gru import GRUCell
from course_utils.models.lru import LRU
from course_utils.models.lstm import LSTMCell
from course_utils.models.minrnn import MinGRU, MinLSTM
from course_utils.models.ngram import NGramLM, select_ngram
from course_utils.models.rnn import RNNLM, ElmanCell, RNNLMConfig, connectivity_mask, rnn_unroll
from course_utils.models.seq2seq import Seq2Seq, Seq2SeqConfig
from course_utils.models.window import WindowLM, WindowLMConfig

__all__ = [
    "BlockLM",
    "BlockLMConfig",
    "LRU",
    "MinGRU",
    "MinLSTM",
    "minrnn",
    "scan",
    "GRUCell",
    "LSTMCell",
    "relative_error",
    "with_spectral_radius",
    "CaptionConfig",
    "Captioner",
    "ConvEncoder",
    "AdditiveAttention",
    "DotAttention",
    "Seq2Seq",
    "Seq2SeqConfig",
    "ClassifierConfig",
    "ElmanCell",
    "NGramLM",
    "RNNLM",
    "RNNLMConfig",
    "RegressorConfig",
    "SequenceClassifier",
    "SequenceRegressor",
    "SequenceTagger",
    "StepwiseConfig",
    "StepwiseModel",
    "TaggerConfig",
    "WindowLM",
    "WindowLMConfig",
    "connectivity_mask",
    "rnn_unroll",
    "select_ngram",
]
