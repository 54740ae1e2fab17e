"""Sentence and word splitting for Persian prose, with character offsets."""

from __future__ import annotations

import re

_SENTENCE_END = ".؟?!؛;…\n"
_CLOSERS = "»)]}\"'”’"

# A number keeps its decimal and thousands marks and date slashes: 1.8, ۱٫۸, ۳،۵۰۰, 1396/05/12.
_WORD = re.compile(r"\d+(?:[.,،٫٬/:]\d+)*|[\w\u200c]+|[^\w\s]", re.UNICODE)


def split_words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word spans ``(start, end)`` in ``text[start:end]``: words, numbers, and each punctuation mark."""
    end = len(text) if end is None else end
    return [m.span() for m in _WORD.finditer(text, start, end)]


def _is_boundary(text: str, i: int) -> bool:
    ch = text[i]
    if ch not in _SENTENCE_END:
        return False
    if ch != ".":
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isdigit() and after.isdigit():
        return False  # a decimal or a thousands mark
    if after.isalnum():
        return False  # U.S., ه.ش, a URL
    # an initial or a one-letter abbreviation: «ع. یزدانی», «Dr.» handled by length below
    word_start = i
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    word = text[word_start:i]
    if len(word) == 1 or word.lower() in _ABBREVIATIONS:
        return False
    return True


_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "vs", "etc", "jr", "sr", "no"}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``, trimmed of surrounding whitespace.

    «.» «؟» «!» «؛» and line breaks end a sentence (with any closing quote after
    them); a decimal point, a thousands mark and an abbreviation's dot do not.
    """
    spans: list[tuple[int, int]] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        if _is_boundary(text, i):
            j = i + 1
            while j < n and (text[j] in _SENTENCE_END and text[j] != "\n" or text[j] in _CLOSERS):
                j += 1
            _add_trimmed(text, start, j, spans)
            start = i = j
        else:
            i += 1
    _add_trimmed(text, start, n, spans)
    return spans


def last_sentence_end(text: str, lo: int, hi: int) -> int:
    """The end of the last sentence that ends, with the space after it, inside ``text[lo:hi]``
    (by split_sentences' rules: not after «ع.» or «1.»); -1 where none does."""
    for i in range(hi - 2, lo - 1, -1):
        if _is_boundary(text, i):
            j = i + 1
            while j < hi and text[j] in _CLOSERS:
                j += 1
            if j < hi and text[j].isspace():
                return j + 1
    return -1


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
