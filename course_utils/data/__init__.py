"""Data: corpora, vocabularies and tokenizers, minibatches for language modelling."""

from course_utils.data.batching import lm_batches, random_batches, sequential_batches
from course_utils.data.corpus import Corpus, default_corpus, load_corpus, pydoc_corpus, read_text
from course_utils.data.tokenizers import (
    BPETokenizer,
    CharTokenizer,
    Tokenizer,
    WordTokenizer,
    load_tokenizer,
)
from course_utils.data.vocab import Vocab

__all__ = [
    "BPETokenizer",
    "CharTokenizer",
    "Corpus",
    "Tokenizer",
    "Vocab",
    "WordTokenizer",
    "default_corpus",
    "load_corpus",
    "load_tokenizer",
    "lm_batches",
    "pydoc_corpus",
    "random_batches",
    "read_text",
    "sequential_batches",
]
