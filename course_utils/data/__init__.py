"""Data: corpora, vocabularies and tokenizers, minibatches, and the notebook-04 data sets."""

from course_utils.data.batching import lm_batches, random_batches, sequential_batches
from course_utils.data.caption_files import (
    CaptionedImage,
    CaptionSet,
    load_image,
    load_images,
    read_coco_captions,
    read_flickr8k,
)
from course_utils.data.captions import caption_vocab, caption_words, decode_caption, encode_captions
from course_utils.data.corpus import Corpus, default_corpus, load_corpus, pydoc_corpus, read_text
from course_utils.data.dates import (
    DateExample,
    date_alphabet,
    every_style,
    sample_dates,
    split_dates,
)
from course_utils.data.names import (
    DEFAULT_LOCALES,
    NameDataset,
    encode_names,
    load_names,
    name_tokenizer,
)
from course_utils.data.padding import PAD, length_mask, pad_sequences
from course_utils.data.pairs import PairVocab
from course_utils.data.parallel import ParallelPair, load_parallel_tsv, split_pairs
from course_utils.data.pronunciations import load_g2p, read_cmudict
from course_utils.data.scenes import Scene, ScenesConfig, SceneSplit, load_scenes
from course_utils.data.synthetic import (
    ADDING_BASELINE_MSE,
    COPY_VOCAB_SIZE,
    adding_problem,
    copy_memory,
    copy_memory_baseline,
)
from course_utils.data.tagging import (
    TAGS,
    encode_tagged,
    make_tagging_data,
    spans,
    tagging_vocab,
)
from course_utils.data.tokenizers import (
    BPETokenizer,
    CharTokenizer,
    Tokenizer,
    WordTokenizer,
    load_tokenizer,
)
from course_utils.data.vocab import Vocab

__all__ = [
    "caption_vocab",
    "caption_words",
    "decode_caption",
    "encode_captions",
    "Scene",
    "SceneSplit",
    "ScenesConfig",
    "load_scenes",
    "DateExample",
    "date_alphabet",
    "every_style",
    "sample_dates",
    "split_dates",
    "PairVocab",
    "load_g2p",
    "read_cmudict",
    "ADDING_BASELINE_MSE",
    "BPETokenizer",
    "COPY_VOCAB_SIZE",
    "CaptionSet",
    "CaptionedImage",
    "CharTokenizer",
    "Corpus",
    "DEFAULT_LOCALES",
    "NameDataset",
    "PAD",
    "ParallelPair",
    "TAGS",
    "Tokenizer",
    "Vocab",
    "WordTokenizer",
    "adding_problem",
    "copy_memory",
    "copy_memory_baseline",
    "default_corpus",
    "encode_names",
    "encode_tagged",
    "length_mask",
    "lm_batches",
    "load_corpus",
    "load_image",
    "load_images",
    "load_names",
    "load_parallel_tsv",
    "load_tokenizer",
    "make_tagging_data",
    "name_tokenizer",
    "pad_sequences",
    "pydoc_corpus",
    "random_batches",
    "read_coco_captions",
    "read_flickr8k",
    "read_text",
    "sequential_batches",
    "spans",
    "split_pairs",
    "tagging_vocab",
]
