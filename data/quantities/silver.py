"""Silver QTY labels: add the quantities `find_quantities` is sure of to gold-tagged sentences.

Gold labels are never changed: a QTY span is added only where every one of
its tokens is ``O``, never where a gold entity continues into it, and right
after a name (PER, ORG, LOC) only with a known unit, since a number there
most likely belongs to the name («منطقه ۱۱»). Precision matters far more
than recall here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from farsiner.data.corpus import Sentence
from farsiner.data.labels import split_tag
from farsiner.data.quantities.finder import find_quantities
from farsiner.data.quantities.units import is_known_unit
from farsiner.data.quantities.values import parse_value

_NAMES = {"PER", "ORG", "LOC", "QTY"}


def _free(s: Sentence, start: int, end: int) -> bool:
    tags = s.tags
    if any(t != "O" for t in tags[start:end]):
        return False
    if end < len(tags) and split_tag(tags[end])[0] == "I":
        return False
    if start > 0 and split_tag(tags[start - 1])[1] in _NAMES:
        # Right after a name, a number may belong to it («منطقه ۱۱»):
        # only a known unit («رشت ۱۷ درجه», «مشهد ۱۷ پروژه») makes it a count.
        value = parse_value("QTY", " ".join(s.tokens[start:end]))
        return bool(value and value["unit"] and is_known_unit(value["unit"]))
    return True


def add_silver_qty(sentences: Iterable[Sentence]) -> list[Sentence]:
    """New sentences with B-QTY/I-QTY added where only ``O`` was; the input is not changed."""
    out = []
    for s in sentences:
        tags = list(s.tags)
        if s.meta.get("gold_qty"):  # hand-annotated QTY: nothing to add
            out.append(Sentence(list(s.tokens), tags, s.id, copy.deepcopy(s.meta)))
            continue
        for start, end, label in find_quantities(s.tokens):
            if label == "QTY" and _free(s, start, end):
                tags[start:end] = ["B-QTY"] + ["I-QTY"] * (end - start - 1)
        out.append(Sentence(list(s.tokens), tags, s.id, copy.deepcopy(s.meta)))
    return out
