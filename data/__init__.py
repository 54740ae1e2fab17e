"""Turns text and corpora into examples: the normaliser, segmentation, readers, label alignment.

The label set and the normaliser live here and nowhere else.
"""

from farsiner.data.align import Window, align_labels, model_max_tokens
from farsiner.data.corpus import CorpusFormatError, Sentence, label_counts, to_dataset
from farsiner.data.labels import ENTITY_TYPES, bio_from_spans, bio_labels, repair_bio, spans_from_bio
from farsiner.data.normalize import Normalized, normalize
from farsiner.data.readers import (
    read_arman,
    read_conll,
    read_eghtesadonline,
    read_eghtesadonline_gold,
    read_jsonl_spans,
    read_peyma_nsurl,
    read_peyma_split,
    write_conll,
    write_jsonl_spans,
)
from farsiner.data.quantities import add_silver_qty, find_quantities, parse_number, parse_value
from farsiner.data.segment import split_sentences, split_words

__all__ = [
    "ENTITY_TYPES",
    "add_silver_qty",
    "find_quantities",
    "parse_number",
    "parse_value",
    "CorpusFormatError",
    "Normalized",
    "Sentence",
    "Window",
    "align_labels",
    "bio_from_spans",
    "bio_labels",
    "label_counts",
    "model_max_tokens",
    "normalize",
    "read_arman",
    "read_conll",
    "read_eghtesadonline",
    "read_eghtesadonline_gold",
    "read_jsonl_spans",
    "read_peyma_nsurl",
    "read_peyma_split",
    "repair_bio",
    "spans_from_bio",
    "split_sentences",
    "split_words",
    "to_dataset",
    "write_conll",
    "write_jsonl_spans",
]
