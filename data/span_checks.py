"""The rules every span must keep (../shared/ANNOTATION.md's boundaries).

`span_problems` checks hand-annotated spans (the annotation tool, the tests over the
shipped files); `settle_spans` applies the rules to a model's decoded tags.
"""

from __future__ import annotations

import unicodedata

from farsiner.data.labels import ENTITY_TYPES, bio_from_spans, spans_from_bio

ZWNJ = "\u200c"
# a span may end in a percent or currency sign («۵۰٪», «۱۰۰$»), never in other punctuation
_END_SIGNS = set("%٪$€£﷼")
# leading prepositions stay out of spans (ANNOTATION.md: از، در، طی، ظرف، تا ...)
PREPOSITIONS = {"از", "در", "به", "با", "تا", "برای", "طی", "ظرف", "بر", "بین", "میان", "و", "که"}
# words that end no span: «را», and the particles that only lead or join («اواخر ۱۴۰۱ و»)
_NEVER_LAST = {"را", "و", "تا", "از", "به", "در", "که"}
# marks that start or end no span (brackets are left alone: «امام خمینی ( ره )» must keep both)
_EDGE_MARKS = {"،", ",", ".", ":", "؛", ";", "-", "«", "»", '"', "؟", "!"}
_NEVER_FIRST_WORDS = PREPOSITIONS | _EDGE_MARKS
_NEVER_LAST_WORDS = _NEVER_LAST | _EDGE_MARKS
# thousands separators that PEYMA's tokenisation writes as words of their own («32 , 390 ریال»)
_THOUSANDS_MARKS = {",", "\u066c"}


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


def settle_spans(words: list[str], tags: list[str]) -> list[str]:
    """A model's IOB2 ``tags`` over ``words`` with the guidelines' rules applied.

    The model learned its boundaries from PEYMA too, which starts date ranges with a
    preposition («از ابتدای سال ۱۴۰۳», «طی سه ماه اخیر»); ANNOTATION.md never does. And
    two rules have too few training examples: a QTY that reads as an amount in a currency
    is a MON (the model learned «همت» from two and tagged «N همت» as a count 10 times in
    105 in unannotated EghtesadOnline news); a «منفی» right before a MON, PCT or QTY
    belongs to it (data/annotations/README.md; none in training, left out of all 11 in
    unannotated news). So: leading prepositions, a trailing «را», «و», «تا»… and
    punctuation at either end leave the span (a span of nothing else goes), a QTY in a
    currency becomes a MON, and «منفی», untagged or a span of its own, joins an amount.
    And where the thousands separator is a word of its own («32 , 390 ریال», PEYMA's tokenisation), the model
    reads the bare «32» before it as a MON of its own; a bare number is no amount
    (ANNOTATION.md), so it joins the MON that the separator leads to (`_thousands_of`).
    """
    from farsiner.data.quantities.values import MINUS, parse_value

    spans = spans_from_bio(tags)
    settled = []
    for first, end, label in spans:
        while first < end and words[first] in _NEVER_FIRST_WORDS:
            first += 1
        while end > first and words[end - 1] in _NEVER_LAST_WORDS:
            end -= 1
        if first == end:
            continue
        if label == "QTY":
            value = parse_value("MON", " ".join(words[first:end]))
            if value is not None and value.get("currency"):
                label = "MON"
        if label in ("MON", "PCT", "QTY") and first > 0 and words[first - 1] == MINUS and tags[first - 1] == "O":
            first -= 1
        if label in ("MON", "PCT", "QTY") and settled and settled[-1][1] == first and words[settled[-1][0] : first] == [MINUS]:
            first = settled.pop()[0]  # «منفی» tagged as a span of its own is no amount either
        if settled and _thousands_of(words, settled[-1], (first, end, label)):
            first, label = settled.pop()[0], "MON"
        settled.append((first, end, label))
    return tags if settled == spans else bio_from_spans(len(tags), settled)


def _thousands_of(words: list[str], left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Whether ``left`` is a bare MON number, ending in a group of 1-3 digits, that a lone separator joins to the MON ``right``.

    The bare number may carry a sign or groups of its own («منفی 32», «1 , 234» before
    «, 567 ریال»). The group after the mark is not checked for three digits: PEYMA
    writes decimal commas the same way and tags them one MON («4 , 56 ریال»).
    """
    from farsiner.data.quantities.values import MINUS

    first, end, label = left
    body = words[first + 1 : end] if words[first] == MINUS else words[first:end]
    return (
        label == right[2] == "MON"
        and right[0] == end + 1
        and words[end] in _THOUSANDS_MARKS
        and words[right[0]].isdigit()
        and bool(body)
        and body[-1].isdigit()
        and len(body[-1]) <= 3
        and all(w.isdigit() or w in _THOUSANDS_MARKS for w in body)
    )
