"""The rules every hand-annotated span must keep (../shared/ANNOTATION.md's boundaries).

Used by the annotation tool while annotating and by the tests over the shipped files.
"""

from __future__ import annotations

import unicodedata

from farsiner.data.labels import ENTITY_TYPES

ZWNJ = "\u200c"
# a span may end in a percent or currency sign («۵۰٪», «۱۰۰$»), never in other punctuation
_END_SIGNS = set("%٪$€£﷼")
# leading prepositions stay out of spans (ANNOTATION.md: از، در، طی، ظرف، تا ...)
PREPOSITIONS = {"از", "در", "به", "با", "تا", "برای", "طی", "ظرف", "بر", "بین", "میان", "و", "که"}


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def span_problems(text: str, spans, types=ENTITY_TYPES) -> list[str]:
    """What is wrong with ``spans`` (``(start, end, label)``) over ``text``; empty if nothing.

    Checked: offsets inside the text, labels in the set, no overlaps, no span
    starting or ending in whitespace, ZWNJ or punctuation, none ending in «را»
    or starting with a preposition, none cutting a word.
    """
    problems = []
    last_end, last = -1, None
    for span in sorted(spans):
        start, end, label = span
        where = f"({start}, {end}, {label})"
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(f"{where}: outside the text of length {len(text)}")
            continue
        s = text[start:end]
        where = f"({start}, {end}, {label}) «{s}»"
        if label not in types:
            problems.append(f"{where}: label not in {', '.join(types)}")
        if start < last_end:
            problems.append(f"{where}: overlaps {last}")
        if s[0].isspace() or s[0] == ZWNJ or _is_punct(s[0]):
            problems.append(f"{where}: starts with whitespace, ZWNJ or punctuation")
        if s[-1].isspace() or s[-1] == ZWNJ or (_is_punct(s[-1]) and s[-1] not in _END_SIGNS):
            problems.append(f"{where}: ends with whitespace, ZWNJ or punctuation")
        words = s.split()
        if len(words) > 1 and words[-1] == "را":
            problems.append(f"{where}: ends with «را»")
        if len(words) > 1 and words[0] in PREPOSITIONS:
            problems.append(f"{where}: starts with the preposition «{words[0]}»")
        if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(s[0]):
            problems.append(f"{where}: starts inside a word")
        if end < len(text) and _is_word_char(text[end]) and _is_word_char(s[-1]):
            problems.append(f"{where}: ends inside a word")
        last_end, last = max(last_end, end), where
    return problems
