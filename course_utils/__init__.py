"""course_utils: the shared code behind the recurrent neural network course.

Notebooks import what they need by name, e.g.::

    from course_utils import get_device, set_seed, load_corpus, CharTokenizer, RNNLM
"""

from course_utils.checkpoint import read_checkpoint, save_checkpoint
from course_utils.data import (
    BPETokenizer,
    CharTokenizer,
    Corpus,
    Vocab,
    WordTokenizer,
    default_corpus,
    lm_batches,
    load_corpus,
    load_tokenizer,
)
from course_utils.device import course_scale, get_device, set_seed
from course_utils.errors import (
    CheckpointError,
    CourseError,
    DatasetError,
    ShapeError,
    TrainingError,
    VocabError,
)
from course_utils.generate import generate
from course_utils.metrics import bits_per_char, cross_entropy_nats, perplexity
from course_utils.models import (
    RNNLM,
    ElmanCell,
    NGramLM,
    RNNLMConfig,
    WindowLM,
    WindowLMConfig,
    rnn_unroll,
    select_ngram,
)
from course_utils.train import History, TrainConfig, evaluate_lm, train_lm

__all__ = [
    "BPETokenizer",
    "CharTokenizer",
    "CheckpointError",
    "Corpus",
    "CourseError",
    "DatasetError",
    "ElmanCell",
    "History",
    "NGramLM",
    "RNNLM",
    "RNNLMConfig",
    "ShapeError",
    "TrainConfig",
    "TrainingError",
    "Vocab",
    "VocabError",
    "WindowLM",
    "WindowLMConfig",
    "WordTokenizer",
    "bits_per_char",
    "course_scale",
    "cross_entropy_nats",
    "default_corpus",
    "evaluate_lm",
    "generate",
    "get_device",
    "lm_batches",
    "load_corpus",
    "load_tokenizer",
    "perplexity",
    "read_checkpoint",
    "rnn_unroll",
    "save_checkpoint",
    "select_ngram",
    "set_seed",
    "train_lm",
]
