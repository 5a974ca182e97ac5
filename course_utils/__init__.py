"""course_utils: the shared code behind the recurrent neural network course.

Notebooks import what they need by name, e.g.::

    from course_utils import get_device, set_seed, char_lm_data, RNNLM

Data sets' own types and loaders live in ``course_utils.data``, cells in ``course_utils.models``.
"""

from course_utils.caption import caption_attention, caption_images
from course_utils.checkpoint import read_checkpoint, save_checkpoint
from course_utils.data import (
    ADDING_BASELINE_MSE,
    COPY_VOCAB_SIZE,
    TAGS,
    BPETokenizer,
    CharTokenizer,
    PairVocab,
    ScenesConfig,
    WordTokenizer,
    adding_problem,
    caption_vocab,
    copy_memory,
    copy_memory_baseline,
    date_alphabet,
    decode_caption,
    default_corpus,
    encode_captions,
    encode_names,
    encode_tagged,
    every_style,
    lm_batches,
    load_g2p,
    load_images,
    load_names,
    load_parallel_tsv,
    load_scenes,
    make_tagging_data,
    name_tokenizer,
    read_flickr8k,
    sample_dates,
    spans,
    split_dates,
    tagging_vocab,
)
from course_utils.data.char_lm import char_lm_data
from course_utils.decoding import (
    GreedyResult,
    Hypothesis,
    beam_search,
    greedy_decode,
    select_state,
)
from course_utils.device import course_scale, float64_device, get_device, set_seed
from course_utils.errors import (
    CheckpointError,
    CourseError,
    DatasetError,
    ShapeError,
    TrainingError,
    VocabError,
)
from course_utils.fit import fit
from course_utils.generate import generate
from course_utils.metrics import (
    accuracy,
    bits_per_char,
    bleu,
    confusion_matrix,
    cross_entropy_nats,
    edit_distance,
    masked_cross_entropy,
    perplexity,
    sequence_cross_entropy,
    sequence_error_rate,
    span_f1,
    token_error_rate,
)
from course_utils.models import (
    RNNLM,
    AdditiveAttention,
    CaptionConfig,
    Captioner,
    ClassifierConfig,
    DotAttention,
    ElmanCell,
    NGramLM,
    RegressorConfig,
    RNNLMConfig,
    Seq2Seq,
    Seq2SeqConfig,
    SequenceClassifier,
    SequenceRegressor,
    SequenceTagger,
    StepwiseConfig,
    StepwiseModel,
    TaggerConfig,
    WindowLM,
    WindowLMConfig,
    rnn_unroll,
    select_ngram,
)
from course_utils.train import (
    Batches,
    History,
    TokenStream,
    TrainConfig,
    evaluate_lm,
    train,
    train_lm,
)
from course_utils.translate import Translation, attention_map, beam_translate, translate

__all__ = [
    "char_lm_data",
    "Batches",
    "TokenStream",
    "caption_vocab",
    "decode_caption",
    "encode_captions",
    "load_images",
    "load_scenes",
    "read_flickr8k",
    "ScenesConfig",
    "CaptionConfig",
    "Captioner",
    "Translation",
    "beam_translate",
    "translate",
    "attention_map",
    "caption_attention",
    "caption_images",
    "PairVocab",
    "date_alphabet",
    "every_style",
    "load_g2p",
    "sample_dates",
    "split_dates",
    "AdditiveAttention",
    "DotAttention",
    "Seq2Seq",
    "Seq2SeqConfig",
    "ADDING_BASELINE_MSE",
    "BPETokenizer",
    "COPY_VOCAB_SIZE",
    "CharTokenizer",
    "CheckpointError",
    "ClassifierConfig",
    "CourseError",
    "DatasetError",
    "ElmanCell",
    "GreedyResult",
    "History",
    "Hypothesis",
    "NGramLM",
    "RNNLM",
    "RNNLMConfig",
    "RegressorConfig",
    "SequenceClassifier",
    "SequenceRegressor",
    "SequenceTagger",
    "ShapeError",
    "StepwiseConfig",
    "StepwiseModel",
    "TAGS",
    "TaggerConfig",
    "TrainConfig",
    "TrainingError",
    "VocabError",
    "WindowLM",
    "WindowLMConfig",
    "WordTokenizer",
    "accuracy",
    "adding_problem",
    "beam_search",
    "bits_per_char",
    "bleu",
    "confusion_matrix",
    "copy_memory",
    "copy_memory_baseline",
    "course_scale",
    "cross_entropy_nats",
    "default_corpus",
    "edit_distance",
    "encode_names",
    "encode_tagged",
    "evaluate_lm",
    "fit",
    "generate",
    "float64_device",
    "get_device",
    "greedy_decode",
    "lm_batches",
    "load_names",
    "load_parallel_tsv",
    "make_tagging_data",
    "masked_cross_entropy",
    "sequence_cross_entropy",
    "name_tokenizer",
    "perplexity",
    "read_checkpoint",
    "rnn_unroll",
    "save_checkpoint",
    "select_ngram",
    "select_state",
    "sequence_error_rate",
    "set_seed",
    "span_f1",
    "spans",
    "tagging_vocab",
    "token_error_rate",
    "train",
    "train_lm",
]


# Names that left the top level (they live in course_utils.data): still importable from here
# for a term, for notebooks already handed out, with a warning that says where they went.
_MOVED_TO_DATA = {
    "CaptionSet",
    "CaptionedImage",
    "CharLMData",
    "Corpus",
    "DateExample",
    "NameDataset",
    "ParallelPair",
    "Vocab",
    "load_corpus",
    "load_image",
    "load_tokenizer",
    "pad_sequences",
    "read_coco_captions",
    "split_pairs",
}


def __getattr__(name: str):
    if name in _MOVED_TO_DATA:
        import warnings

        from course_utils import data

        warnings.warn(
            f"course_utils.{name} moved: import it from course_utils.data",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(data, name)
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")
