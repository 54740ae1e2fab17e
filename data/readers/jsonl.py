"""JSONL with character spans, as doccano and Label Studio export it: read and write.

Accepted line shapes (one JSON object a line):
- ours and the tagger's: ``{"text": ..., "entities": [{"start", "end", "label"}]}``;
- doccano: ``{"text": ..., "label": [[start, end, "PER"], ...]}`` or
  ``"entities": [{"start_offset", "end_offset", "label"}]``;
- Label Studio: ``{"data": {"text": ...}, "annotations": [{"result": [{"value":
  {"start", "end", "labels": ["PER"]}}]}]}`` (the first annotation is used).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from farsiner.data.atomic import atomic_write
from farsiner.data.corpus import CorpusFormatError, Sentence
from farsiner.data.labels import bio_from_spans
from farsiner.data.readers.lines import open_text
from farsiner.data.segment import split_words


def _text_and_spans(record: dict) -> tuple[str, list[tuple[int, int, str]]]:
    if "data" in record and "annotations" in record:  # Label Studio
        text = record["data"].get("text")
        results = record["annotations"][0]["result"] if record["annotations"] else []
        spans = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in results if "value" in r]
    else:
        text = record.get("text")
        raw = record.get("entities", record.get("label", []))
        spans = []
        for e in raw:
            if isinstance(e, dict):
                start = e["start"] if "start" in e else e["start_offset"]
                end = e["end"] if "end" in e else e["end_offset"]
                spans.append((start, end, e["label"]))
            else:
                start, end, label = e
                spans.append((start, end, label))
    if not isinstance(text, str):
        raise ValueError("no text field")
    for start, end, label in spans:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise ValueError(f"span ({start}, {end}) is outside the text of length {len(text)}")
        if not isinstance(label, str) or not label or "-" in label:
            raise ValueError(f"bad label {label!r}")
    return text, sorted(spans)


def sentence_from_spans(text: str, spans: list[tuple[int, int, str]], id: str = "") -> Sentence:
    """Words of ``text`` with BIO tags from character spans.

    Words are split at span edges too, so a span that starts or ends inside a
    word keeps its exact characters.
    """
    cuts = {s for s, _, _ in spans} | {e for _, e, _ in spans}
    words: list[tuple[int, int]] = []
    for ws, we in split_words(text):
        inner = sorted(c for c in cuts if ws < c < we)
        edges = [ws, *inner, we]
        words += list(zip(edges, edges[1:]))
    token_spans = []
    for start, end, label in spans:
        inside = [i for i, (ws, we) in enumerate(words) if ws >= start and we <= end]
        if not inside:
            raise ValueError(f"span ({start}, {end}, {label}) holds no word")
        token_spans.append((inside[0], inside[-1] + 1, label))
    tags = bio_from_spans(len(words), token_spans)
    return Sentence([text[s:e] for s, e in words], tags, id=id)


def read_jsonl_spans(path: str | Path, text_field: str = "text") -> list[Sentence]:
    """One `Sentence` per line; ids are the record's ``id`` or ``<file stem>:<line>``."""
    path = Path(path)
    sentences = []
    for lineno, line in enumerate(open_text(path), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("a line must be a JSON object")
            if text_field != "text" and text_field in record:
                record = {**record, "text": record[text_field]}
            text, spans = _text_and_spans(record)
            sentences.append(sentence_from_spans(text, spans, id=str(record.get("id", f"{path.stem}:{lineno}"))))
        except (ValueError, KeyError, IndexError, TypeError) as err:
            reason = f"missing field {err}" if isinstance(err, KeyError) else str(err)
            raise CorpusFormatError(path, lineno, reason) from None
    return sentences


def write_jsonl_spans(sentences: Iterable[Sentence], path: str | Path) -> None:
    """Write ``{"id", "text", "entities": [{"start", "end", "label", "text"}]}`` lines."""
    with atomic_write(path) as f:
        for s in sentences:
            text = s.text
            entities = [{"start": a, "end": b, "label": lab, "text": text[a:b]} for a, b, lab in s.spans]
            f.write(json.dumps({"id": s.id, "text": text, "entities": entities}, ensure_ascii=False) + "\n")
