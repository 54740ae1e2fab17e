"""The label set (../shared/ANNOTATION.md) and the one BIO span decoder."""

from __future__ import annotations

from collections.abc import Sequence

# PEYMA's seven types plus QTY, in the order of the annotation guidelines.
ENTITY_TYPES = ("PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT", "QTY")
QUANTITY_TYPES = ("DAT", "TIM", "MON", "PCT", "QTY")


def bio_labels(types: Sequence[str] = ENTITY_TYPES) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for each type, the order label ids follow."""
    labels = ["O"]
    for t in types:
        labels += [f"B-{t}", f"I-{t}"]
    return labels


def check_label_order(found: Sequence[str], types: Sequence[str], where: str) -> None:
    """Labels a model (or its soft labels) was trained on must be ``types``' labels in the same order: a head
    of the same size with the labels in another order would load without a word and mean the wrong types."""
    if list(found) != bio_labels(types):
        tagged = [lab[2:] for lab in found if lab.startswith("B-")]
        raise ValueError(f"{where}: its labels are over {tagged}; set data.types to exactly that list, in that order")


def split_tag(tag: str) -> tuple[str, str | None]:
    """``"B-PER"`` → ``("B", "PER")``; ``"O"`` → ``("O", None)``."""
    if tag == "O":
        return "O", None
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in ("B", "I") or not label:
        raise ValueError(f"not a BIO tag: {tag!r}")
    return prefix, label


def spans_from_bio(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(first, end, label)`` over tag positions, end exclusive.

    Lenient like seqeval's default mode: an ``I-X`` that does not continue an
    ``X`` entity starts a new one.
    """
    spans: list[tuple[int, int, str]] = []
    start, label = -1, None
    for i, tag in enumerate(tags):
        prefix, lab = split_tag(tag)
        if prefix == "I" and lab == label:
            continue
        if label is not None:
            spans.append((start, i, label))
        start, label = (i, lab) if prefix != "O" else (-1, None)
    if label is not None:
        spans.append((start, len(tags), label))
    return spans


def bio_from_spans(length: int, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """Tags for ``length`` positions from non-overlapping ``(first, end, label)`` spans."""
    tags = ["O"] * length
    for start, end, label in sorted(spans):
        if not 0 <= start < end <= length:
            raise ValueError(f"span ({start}, {end}) is outside 0..{length}")
        if any(t != "O" for t in tags[start:end]):
            raise ValueError(f"span ({start}, {end}, {label}) overlaps another span")
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def repair_bio(tags: Sequence[str]) -> list[str]:
    """Make tags valid IOB2: an ``I-X`` that continues no ``X`` becomes ``B-X``."""
    return bio_from_spans(len(tags), spans_from_bio(tags))
