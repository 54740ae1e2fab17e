"""Our own span annotations over a corpus we may not copy: ids and offsets, merged in at read time."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from farsiner.data.corpus import CorpusFormatError, Sentence
from farsiner.data.labels import split_tag
from farsiner.data.readers.lines import split_lines


def peyma_test_qty_path() -> Path:
    """The hand-annotated QTY spans of the PEYMA test split this package ships."""
    return Path(str(resources.files("farsiner.data").joinpath("annotations/peyma_test_qty.jsonl")))


def read_span_annotations(path: str | Path) -> dict[str, list[tuple[int, int, str]]]:
    """``{sentence id: [(start, end, label), ...]}`` from ``{"id", "spans"}`` lines."""
    path = Path(path)
    out = {}
    for lineno, line in enumerate(split_lines(path.read_text(encoding="utf-8")), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out[str(row["id"])] = [(int(a), int(b), str(lab)) for a, b, lab in row["spans"]]
        except (ValueError, KeyError, TypeError) as err:
            raise CorpusFormatError(path, lineno, f"expected {{'id', 'spans': [[start, end, label]]}}: {err}") from None
    return out


def add_span_annotations(sentences: list[Sentence], annotations: dict[str, list[tuple[int, int, str]]]) -> list[Sentence]:
    """Sentences with the annotated spans added over their O tokens.

    Offsets are into ``Sentence.text``; a span must cover whole tokens that are
    all O (it never overrides another type).
    """
    out = []
    for s in sentences:
        spans = annotations.get(s.id)
        if not spans:
            out.append(s)
            continue
        tags = list(s.tags)
        starts = {a: i for i, (a, _) in enumerate(s.token_offsets)}
        ends = {b: i for i, (_, b) in enumerate(s.token_offsets)}
        for a, b, label in spans:
            if a not in starts or b not in ends or ends[b] < starts[a]:
                raise ValueError(f"sentence {s.id}: span ({a}, {b}) is not on token boundaries")
            first, last = starts[a], ends[b]
            if any(split_tag(t)[0] != "O" for t in tags[first : last + 1]):
                raise ValueError(f"sentence {s.id}: span ({a}, {b}, {label}) overlaps a gold entity")
            tags[first] = f"B-{label}"
            for i in range(first + 1, last + 1):
                tags[i] = f"I-{label}"
        out.append(Sentence(s.tokens, tags, id=s.id, meta=s.meta))
    return out
