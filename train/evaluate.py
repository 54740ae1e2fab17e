"""Entity-level scores with seqeval, in its default and strict IOB2 modes, and their reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from farsiner.data.atomic import atomic_write
from farsiner.data.labels import bio_from_spans, repair_bio, spans_from_bio


def score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """Per type and micro/macro precision, recall, F1 and support, as seqeval computes them.

    ``default``: seqeval's default (conlleval-like) mode; ``strict``: strict IOB2,
    where an entity must start with B- to count.
    """
    result = {}
    for mode, kwargs in (("default", {}), ("strict", {"mode": "strict", "scheme": IOB2})):
        report = classification_report(list(map(list, gold)), list(map(list, pred)), output_dict=True, zero_division=0, **kwargs)
        result[mode] = {
            name: {
                "precision": float(v["precision"]),
                "recall": float(v["recall"]),
                "f1": float(v["f1-score"]),
                "support": int(v["support"]),
            }
            for name, v in report.items()
        }
    return result


def tags_from_char_spans(token_offsets: Sequence[tuple[int, int]], spans) -> list[str]:
    """IOB2 tags of pre-tokenised text from ``(start, end, label)`` character spans (a Tagger's entities, say).

    A token is inside a span if their characters overlap; a span that would
    share a token with one placed before it is dropped.
    """
    token_spans, taken = [], set()
    for start, end, label in spans:
        inside = [i for i, (a, b) in enumerate(token_offsets) if a < end and start < b]
        if inside and not taken & set(inside):
            taken |= set(inside)
            token_spans.append((inside[0], inside[-1] + 1, label))
    return bio_from_spans(len(token_offsets), token_spans)


def keep_types(tags: Sequence[Sequence[str]], types: Sequence[str] | None) -> list[list[str]]:
    """Tags with every type outside ``types`` made O (``None`` keeps all)."""
    if not types:
        return [list(t) for t in tags]
    keep = set(types)
    return [repair_bio([t if t == "O" or t[2:] in keep else "O" for t in seq]) for seq in tags]


def gold_types(tags: Sequence[Sequence[str]]) -> list[str]:
    """The types that occur in gold tags."""
    return sorted({t[2:] for seq in tags for t in seq if t != "O"})


def format_table(result: dict) -> str:
    """A plain-text table of both modes, F1 in percent."""
    lines = []
    for mode, rows in result.items():
        lines.append(f"{mode}:")
        lines.append(f"  {'type':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
        for name, v in rows.items():
            lines.append(
                f"  {name:<14}{100 * v['precision']:>10.2f}{100 * v['recall']:>10.2f}{100 * v['f1']:>10.2f}{v['support']:>10d}"
            )
    return "\n".join(lines)


def errors(sentences, gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> list[dict]:
    """Sentences whose predicted entities differ from the gold ones, with both span lists."""
    out = []
    for s, g, p in zip(sentences, gold, pred):
        gs, ps = spans_from_bio(g), spans_from_bio(p)
        if gs != ps:
            words = lambda spans: [{"text": " ".join(s.tokens[a:b]), "label": lab, "words": [a, b]} for a, b, lab in spans]  # noqa: E731
            out.append({"id": s.id, "text": s.text, "gold": words(gs), "predicted": words(ps)})
    return out


def write_report(result: dict, error_rows: list[dict], out_dir: str | Path, name: str) -> None:
    """``<name>.json`` (scores), ``<name>.txt`` (table) and ``<name>-errors.jsonl`` in ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_write(out_dir / f"{name}.json") as f:
        json.dump(result, f, indent=2)
    with atomic_write(out_dir / f"{name}.txt") as f:
        f.write(format_table(result) + "\n")
    with atomic_write(out_dir / f"{name}-errors.jsonl") as f:
        for row in error_rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
