"""One reader per corpus format; each returns lists of `Sentence`."""

from farsiner.data.readers.arman import read_arman
from farsiner.data.readers.conll import read_conll, write_conll
from farsiner.data.readers.eghtesadonline import NewsRecord, read_eghtesadonline, read_eghtesadonline_gold, read_eghtesadonline_texts
from farsiner.data.readers.jsonl import read_jsonl_spans, write_jsonl_spans
from farsiner.data.readers.peyma import read_peyma_nsurl, read_peyma_split

__all__ = [
    "NewsRecord",
    "read_eghtesadonline",
    "read_eghtesadonline_gold",
    "read_eghtesadonline_texts",
    "read_arman",
    "read_conll",
    "write_conll",
    "read_jsonl_spans",
    "write_jsonl_spans",
    "read_peyma_nsurl",
    "read_peyma_split",
]
