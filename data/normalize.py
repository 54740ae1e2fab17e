"""The one Persian text normaliser, used by training and inference alike.

It returns the normalised text together with, for every character of it, the
range of the original text it came from, so that a span found in the
normalised text maps back to exact offsets in what the caller passed.
"""

from __future__ import annotations

import unicodedata
from array import array
from dataclasses import dataclass
from typing import Literal

ZWNJ = "\u200c"

ZwnjMode = Literal["keep", "remove", "space"]
DigitMode = Literal["latin", "persian", "keep"]

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_LATIN_DIGITS = "0123456789"

# Letters unified to the Persian forms PEYMA is written in.
_LETTERS = {
    "ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ێ": "ی",
    "ك": "ک", "ڪ": "ک",
    # PEYMA writes neither ة nor ۀ: both are a plain heh there.
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ہ": "ه", "ھ": "ه",
    # PEYMA writes hamza-seated alef and waw without the hamza.
    "أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و",
}

# Zero-width and direction marks carry no letters; ZWNJ is handled apart.
_INVISIBLE = set("\u200b\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad\u061c")


def _is_diacritic(ch: str) -> bool:
    # Harakat, tanwin, shadda, sukun, superscript alef, hamza above/below, Quranic marks.
    o = ord(ch)
    return 0x064B <= o <= 0x065F or o == 0x0670 or 0x06D6 <= o <= 0x06ED or 0x0610 <= o <= 0x061A


def _is_presentation_form(ch: str) -> bool:
    o = ord(ch)
    return 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF


@dataclass(frozen=True, eq=False)
class Normalized:
    """Normalised text with its alignment to the original.

    ``starts[i]``/``ends[i]`` are the original offsets that normalised
    character ``i`` came from.
    """

    original: str
    text: str
    starts: array
    ends: array

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the span ``text[start:end]`` to offsets in ``original``."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the normalised text of length {len(self.text)}")
        if start == end:
            pos = self.starts[start] if start < len(self.text) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _char_table(zwnj: ZwnjMode, digits: DigitMode) -> dict[str, str]:
    table = dict(_LETTERS)
    if digits == "latin":
        table.update(zip(_PERSIAN_DIGITS, _LATIN_DIGITS))
        table.update(zip(_ARABIC_DIGITS, _LATIN_DIGITS))
        table.update({"٪": "%", "٫": ".", "٬": ","})
    elif digits == "persian":
        # ParsBERT's vocabulary has Persian digits and ٪ but no Latin digits or %.
        table.update(zip(_LATIN_DIGITS, _PERSIAN_DIGITS))
        table.update(zip(_ARABIC_DIGITS, _PERSIAN_DIGITS))
        table["%"] = "٪"
    table[ZWNJ] = {"keep": ZWNJ, "remove": "", "space": " "}[zwnj]
    table["\u0640"] = ""  # tatweel
    for ch in _INVISIBLE:
        table[ch] = ""
    return table


_TABLES: dict[tuple[str, str], dict[str, str]] = {}


def normalize(text: str, *, zwnj: ZwnjMode = "keep", digits: DigitMode = "latin") -> Normalized:
    """Normalise Persian text for the model and keep an alignment to ``text``.

    - Arabic letter variants become Persian (ي ى → ی, ك → ک, ة ۀ → ه, أ إ → ا, ؤ → و);
    - diacritics and tatweel are removed, presentation forms are folded;
    - digits become Latin with ٫ ٬ ٪ as . , % (``digits="latin"``: PEYMA and
      e5), or Persian with % as ٪ (``"persian"``: ParsBERT), or are kept;
    - ZWNJ is kept, removed (ParsBERT v1/v2) or made a space (XLM-R, e5);
    - odd spaces become a plain space and runs of spaces collapse to one;
      ``\\r\\n`` and ``\\r`` become ``\\n``; other control characters are removed;
      a lone surrogate becomes U+FFFD (one character for one, so offsets hold).
    """
    if zwnj not in ("keep", "remove", "space"):
        raise ValueError(f"zwnj must be 'keep', 'remove' or 'space', not {zwnj!r}")
    if digits not in ("latin", "persian", "keep"):
        raise ValueError(f"digits must be 'latin', 'persian' or 'keep', not {digits!r}")
    table = _TABLES.get((zwnj, digits))
    if table is None:
        table = _TABLES[(zwnj, digits)] = _char_table(zwnj, digits)

    out: list[str] = []
    starts = array("q")
    ends = array("q")
    n = len(text)
    for i, ch in enumerate(text):
        rep = table.get(ch)
        if rep is None:
            if ch.isascii() and ch.isprintable():
                rep = ch
            else:
                rep = _fold(ch, text, i, n, table)
        for r in rep:
            if r == " " or r == "\n":
                if not out:
                    pass
                elif r == " " and out[-1] in " \n":
                    continue
                elif r == "\n" and out[-1] == " ":
                    # a line break absorbs the space before it
                    out[-1] = "\n"
                    starts[-1], ends[-1] = i, i + 1
                    continue
            out.append(r)
            starts.append(i)
            ends.append(i + 1)
    return Normalized(text, "".join(out), starts, ends)


def _fold(ch: str, text: str, i: int, n: int, table: dict[str, str]) -> str:
    """Replacement for a character outside the table and printable ASCII."""
    if ch == "\r":
        return "" if i + 1 < n and text[i + 1] == "\n" else "\n"
    if ch == "\n":
        return "\n"
    if ch.isspace():
        return " "
    if _is_diacritic(ch):
        return ""
    cat = unicodedata.category(ch)
    if cat == "Cc" or cat == "Cf":
        return ""
    if cat == "Cs":
        return "\ufffd"  # a lone surrogate (surrogateescape, bad JSON): tokenizers refuse it
    if _is_presentation_form(ch):
        folded = unicodedata.normalize("NFKC", ch)
        return "".join(table.get(c, c) for c in folded if not _is_diacritic(c))
    return ch
