"""Persian numbers: digits in any script, number words, scale words and ranges.

Everything is read from `Word`s (`words_of`), so that the span finder and the
value parser share one grammar. Values are exact `Fraction`s until `plain`
turns them into an int (when integral) or a float: «۱.۱۶ میلیون» is 1160000,
not 1159999.9999999998, and «یک و دو دهم» is 1.2.

Decimals may be written in words: «هفت دهم» 0.7, «یک و دو دهم» 1.2, «سه و
بیست و پنج صدم» 3.25 (tenths, hundredths, thousandths), «سه ممیز پنج» 3.5.
Hundreds may be written as two words: «پنج صد» is «پانصد».

Scale words use the short scale of the news they translate: هزار 10³,
میلیون 10⁶, میلیارد and بیلیون 10⁹, تریلیون 10¹².
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from farsiner.data.normalize import ZWNJ, normalize
from farsiner.data.segment import split_words

ONES = {"صفر": 0, "یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "شیش": 6, "هفت": 7, "هشت": 8, "نه": 9}
TEENS = {
    "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15, "پونزده": 15,
    "شانزده": 16, "شونزده": 16, "هفده": 17, "هیفده": 17, "هجده": 18, "هیجده": 18, "نوزده": 19,
}
TENS = {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90}
HUNDREDS = {
    "صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300, "چهارصد": 400, "پانصد": 500,
    "ششصد": 600, "هفتصد": 700, "هشتصد": 800, "نهصد": 900,
    # «سه‌صد», «پنج‌صد»: «پنج صد» written with ZWNJ or joined
    "دوصد": 200, "سهصد": 300, "پنجصد": 500,
}
SCALES = {
    "هزار": 10**3, "میلیون": 10**6, "ملیون": 10**6, "میلیارد": 10**9, "ملیارد": 10**9, "ملیار": 10**9,
    "بیلیون": 10**9, "تریلیون": 10**12,
}
# «دو سوم», «یک چهارم»: the denominators of a fraction.
DENOMINATORS = {
    "دوم": 2, "سوم": 3, "چهارم": 4, "پنجم": 5, "ششم": 6, "هفتم": 7, "هشتم": 8, "نهم": 9, "دهم": 10,
    "صدم": 100, "هزارم": 1000,
}
# The decimal places of a decimal written in words: «دو دهم», «بیست و پنج صدم».
DECIMAL_PLACES = {"دهم": 10, "صدم": 100, "هزارم": 1000}
DECIMAL_POINT = "ممیز"  # «سه ممیز پنج» is 3.5
# Words shaped like a scale word that the grammar does not know («بیلیارد»,
# «کوادریلیون», «میلارد», the old «کرور»): never a number, a unit or a counted noun.
_SCALE_LIKE = re.compile(r"(?:لیون|لیارد|لارد|کرور)(?:ی|ها|های|هایی)?$")
# Plural quantity words: vague amounts, never a number («میلیاردها», «ده‌ها»).
VAGUE = {"چند", "چندین", "دهها", "صدها", "هزاران", "هزارها", "میلیونها", "میلیاردها", "بیلیونها", "تریلیونها"}
RANGE_WORDS = {"تا", "الی", "-", "–", "—", "لغایت"}

WORD_NUMBERS: dict[str, tuple[int, int]] = {}  # key → (value, place)
for _table, _place in ((ONES, 1), (TEENS, 1), (TENS, 10), (HUNDREDS, 100)):
    for _w, _v in _table.items():
        WORD_NUMBERS[_w] = (_v, _place)

_DIGITS_RUN = re.compile(r"[0-9۰-۹٠-٩](?:[.,،٫٬/:]?[0-9۰-۹٠-٩])*")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:،\d{3})+")
_DOTTED = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")  # «63.000.000»: two dots or more group thousands, never a decimal
MAX_DIGITS = 18  # longer digit strings are identifiers or noise, never amounts
MAX_VALUE = 10**18


@dataclass(frozen=True)
class Word:
    """A word of the normalised text, and where it came from.

    ``key`` is the word without ZWNJ, what the lexicons are looked up by
    («یک‌هزار» and «یکهزار» are one key); ``token`` is the index of the
    input token it belongs to, ``first``/``last`` whether it starts/ends it.
    """

    text: str
    key: str
    token: int
    first: bool
    last: bool


def _mixes_scripts(run: str) -> bool:
    # Persian and Arabic-Indic digits are one script: ۰۱۲۳۷۸۹ and ٠١٢٣٧٨٩ look the same,
    # so a writer mixes them unseen («۱٢۳»); a Latin digit among them is seen.
    scripts = {c <= "9" for c in run if c.isdigit()}
    return len(scripts) > 1


def words_of(tokens: list[str]) -> list[Word]:
    """Normalise each token and split it into words, numbers and punctuation.

    A digit string that mixes Latin with Persian or Arabic-Indic digits
    («1۲3») gets an empty key, so it reads as nothing: it is a typo or an
    identifier, not a number to guess at. Persian and Arabic-Indic digits
    mixed («۱٢۳») are one number.
    """
    words: list[Word] = []
    for t, token in enumerate(tokens):
        norm = normalize(token, zwnj="keep", digits="latin")
        spans = split_words(norm.text)
        for k, (a, b) in enumerate(spans):
            text = norm.text[a:b]
            key = text.replace(ZWNJ, "")
            if any(c.isdigit() for c in text):
                o_start, o_end = norm.to_original(a, b)
                if any(_mixes_scripts(m.group()) for m in _DIGITS_RUN.finditer(token[o_start:o_end])):
                    key = ""
            words.append(Word(text, key, t, k == 0, k == len(spans) - 1))
    return words


def digits_value(key: str) -> Fraction | None:
    """``"3,500"``, ``"3،500"``, ``"63.000.000"``, ``"1.8"``, ``"12"`` → the number; anything else → None."""
    if _DOTTED.fullmatch(key):
        key = key.replace(".", "")
    elif not (_PLAIN.fullmatch(key) or _GROUPED.fullmatch(key)):
        return None
    plain = key.replace(",", "").replace("،", "")
    if len(plain.split(".")[0]) > MAX_DIGITS or len(plain) > MAX_DIGITS + 6:
        return None
    return Fraction(plain)


def is_digits(key: str) -> bool:
    return bool(key) and "0" <= key[0] <= "9"


def looks_like_scale(key: str) -> bool:
    """«بیلیارد», «تریلیارد», «کوادریلیون», «میلارد»: a scale word, known or not (see ``_SCALE_LIKE``)."""
    return bool(_SCALE_LIKE.search(key))


def is_number_word(key: str) -> bool:
    """A number word or scale word, alone or fused («سه», «سیصد», «یکهزار», «میلیارد», «نیم»)."""
    return not is_digits(key) and _atoms(key) is not None


# An atom is one piece of a number: a word number, a digit string, a scale, «نیم».
def _atoms(key: str) -> list[tuple] | None:
    if key in WORD_NUMBERS:
        v, place = WORD_NUMBERS[key]
        return [("num", Fraction(v), place)]
    if key in SCALES:
        return [("scale", SCALES[key], False)]
    if key.endswith("ی") and key[:-1] in SCALES:  # «میلیونی», «میلیاردی»: adjectival, ends the number
        return [("scale", SCALES[key[:-1]], True)]
    if key == "نیم":
        return [("num", Fraction(1, 2), 0)]
    if is_digits(key):
        v = digits_value(key)
        return None if v is None else [("num", v, 1)]
    # Fused forms: «یکهزار», «دوهزار», «سیصدهزار», «یکمیلیون».
    for cut in range(2, len(key) - 2):
        head, tail = key[:cut], key[cut:]
        if head in WORD_NUMBERS and tail in SCALES:
            v, place = WORD_NUMBERS[head]
            return [("num", Fraction(v), place), ("scale", SCALES[tail], False)]
    return None


@dataclass(frozen=True)
class Number:
    """A number read from ``words[start:end]``.

    ``tail`` is the product of the scale words it ends with (10⁹ for «۲
    میلیارد», 1 for «۲ میلیون و ۵۰۰»), which a range shares with its lower
    end; ``adjectival`` marks a number ending in «میلیونی» and the like;
    ``spelled`` a number written only in words; ``fraction`` one like «دو سوم»;
    ``decimal`` one with a decimal written in words («یک و دو دهم»).
    """

    start: int
    end: int
    value: Fraction
    tail: int = 1
    adjectival: bool = False
    spelled: bool = False
    fraction: bool = False
    decimal: bool = False


def _decimal_places(words: list[Word], i: int) -> tuple[int, Fraction] | None:
    """«دو دهم», «بیست و پنج صدم», «سه هزارم» at ``words[i]``: (end, the value, below 1)."""
    n = read_number(words, i, fractions=False, decimals=False)
    if n is None or n.end >= len(words) or n.tail > 1 or n.value.denominator != 1:
        return None
    places = DECIMAL_PLACES.get(words[n.end].key)
    if places is None or not 0 < n.value < places:
        return None
    return n.end + 1, n.value / places


def _after_point(words: list[Word], i: int) -> tuple[int, Fraction] | None:
    """What follows «ممیز», read as written: «پنج» .5, «بیست و پنج» .25, «صفر پنج» .05."""
    zeros = 0
    while i < len(words) and words[i].key == "صفر":
        zeros, i = zeros + 1, i + 1
    n = read_number(words, i, fractions=False, decimals=False)
    if n is None or not n.spelled or n.tail > 1 or n.value.denominator != 1 or n.value == 0:
        return None
    return n.end, n.value / 10 ** (zeros + len(str(n.value)))


def read_number(words: list[Word], i: int, *, fractions: bool = True, decimals: bool = True) -> Number | None:
    """The longest number starting at ``words[i]``, or None.

    Groups join with «و» and get smaller («یک میلیون و ۲۰۰ هزار»); a scale
    word after a smaller one takes everything before it that is smaller
    («هزار و ۲۰۰ میلیارد» is 1.2 × 10¹², «هزار میلیارد» 10¹²). A decimal in
    words follows a whole number with «و» or «ممیز», or stands alone, before
    any scale word («یک و دو دهم میلیارد» is 1.2 × 10⁹); ``decimals=False``
    reads none (the numerator of one).
    """
    pending: list[tuple[Fraction, int]] = []  # (value, scale) of the groups read so far
    cur: Fraction | None = None  # the group being read, before its scale word
    place = 0  # what follows «و» inside a group must be smaller than this
    tail = 1
    last_scale = False
    after_and = False
    spelled = True
    decimal = False
    lone_one = False  # the group so far is one word from «یک» to «نه»: «پنج» of «پنج صد»
    best: Number | None = None
    pos = i
    while pos < len(words):
        key = words[pos].key
        if key == "و" and best is not None and not after_and:
            after_and = True
            pos += 1
            continue
        if decimals:
            whole = cur is not None and cur.denominator == 1 and place >= 1
            dec = None
            if key == DECIMAL_POINT and whole and not after_and:
                dec = _after_point(words, pos + 1)
            elif pos == i or after_and and whole:
                dec = _decimal_places(words, pos)
            if dec is not None:
                if key != DECIMAL_POINT and any(w.key == "و" for w in words[pos:dec[0]]):
                    # «بیست و پنج صدم» is 0.25 or 20.05: ambiguous unless the whole
                    # number before it could not have taken the first word («سه و بیست و پنج صدم»).
                    head = _atoms(key)
                    if cur is None or head and head[0][0] == "num" and head[0][1] < place:
                        return None
                spelled = spelled and not any(is_digits(w.key) for w in words[pos:dec[0]])
                cur, place, pos = (cur or 0) + dec[1], 0, dec[0]
                after_and = last_scale = lone_one = False
                decimal = True
                value = sum((p[0] for p in pending), Fraction(0)) + cur
                best = Number(i, pos, value, 1, False, spelled, decimal=True)
                continue
        atoms = _atoms(key)
        if atoms is None:
            break
        ok, adjectival, closed = True, False, False
        for kind, v, extra in atoms:
            if kind == "num":
                starts_group = cur is None
                if cur is None and not pending:
                    cur, place = v, extra
                elif cur is None:  # a new group after a scale word
                    if not after_and or v >= pending[-1][1]:
                        ok = False
                    elif extra == 0:  # «یک میلیون و نیم»: half of the last scale
                        pending.append((pending[-1][1] * v, 1))
                        closed = True
                    else:
                        cur, place = v, extra
                elif lone_one and not after_and and key == "صد":  # «پنج صد», «چهار صد و بیست»
                    cur, place = cur * 100, 100
                elif after_and and v < place:
                    cur, place = cur + v, extra
                else:
                    ok = False
                lone_one = starts_group and len(atoms) == 1 and key in ONES and v >= 1
                after_and = last_scale = False
            else:
                if after_and:
                    ok = False
                    break
                if cur is None and not pending and v > 1000:
                    ok = False  # a lone «میلیارد» is no number; a lone «هزار» is
                    break
                x, absorbed = cur, False
                while pending and pending[-1][1] < v:
                    x = (x or 0) + pending.pop()[0]
                    absorbed = True
                if (pending and pending[-1][1] <= v) or (cur is None and pending and not absorbed):
                    ok = False  # «۲ میلیون و ۳ میلیون», «میلیون هزار»
                    break
                pending.append(((x if x is not None else Fraction(1)) * v, v))
                cur, place, lone_one = None, 0, False
                tail = tail * v if last_scale else v
                last_scale, adjectival, closed = True, extra, extra
            if not ok:
                break
        if not ok:
            break
        if is_digits(key):
            spelled = False
        if cur is not None and pending and cur >= pending[-1][1]:
            break
        value = sum((p[0] for p in pending), Fraction(0)) + (cur or 0)
        if value > MAX_VALUE:
            return None
        pos += 1
        best = Number(i, pos, value, tail if last_scale else 1, adjectival, spelled, decimal=decimal)
        # «میلیون‌ها», «ده ها»: a vague plural, not a number at all.
        if pos < len(words) and words[pos].key in ("ها", "های", "هایی") and not is_digits(key):
            return None
        if closed:
            break
    if best is None:
        return None
    if fractions and best.spelled and not best.decimal and best.end == i + 1 and best.end < len(words):
        den = DENOMINATORS.get(words[best.end].key)
        if den and 0 < best.value < den:
            return Number(i, best.end + 1, best.value / den, spelled=True, fraction=True)
    return best


@dataclass(frozen=True)
class Amount:
    """A number or a range («۱ تا ۲ میلیون») read from ``words[start:end]``."""

    start: int
    end: int
    low: Fraction
    high: Fraction
    is_range: bool = False
    adjectival: bool = False  # ends in «میلیونی» and the like
    spelled: bool = False  # written in words only
    fraction: bool = False
    scaled: bool = False  # ends in a scale word («۳ میلیارد»)
    decimal: bool = False  # a decimal written in words («یک و دو دهم»)


def read_amount(words: list[Word], i: int, *, fractions: bool = True) -> Amount | None:
    """A number, or a range of two (``تا``, ``الی``, ``-``, ``لغایت``), at ``words[i]``.

    The lower end of a range shares the upper end's scale when it is no bigger
    than what precedes that scale: «۱ تا ۲ میلیون» is 1–2 million, «هزار تا
    هزار و ۲۰۰ میلیارد» 1000–1200 billion, but «۵۰۰ هزار تا ۲ میلیون» stays.
    A range whose ends are in the wrong order reads as None.
    """
    first = read_number(words, i, fractions=fractions)
    if first is None:
        return None
    j = first.end
    single = Amount(
        i, j, first.value, first.value, False, first.adjectival, first.spelled, first.fraction, first.tail > 1,
        first.decimal,
    )
    if first.adjectival or first.fraction or j + 1 >= len(words) or words[j].key not in RANGE_WORDS:
        return single
    second = read_number(words, j + 1, fractions=False)
    if second is None:
        return single
    low = first.value
    if first.tail == 1 or first.end - i == 1:  # «۱ تا ۲ میلیون», «هزار تا هزار و ۲۰۰ میلیارد»
        shared = second.tail
    elif second.tail % first.tail == 0:  # «۸ هزار تا ۹ هزار میلیارد»
        shared = second.tail // first.tail
    else:
        shared = 1
    if low * shared <= second.value:
        low *= shared
    elif first.tail == 1:
        return None  # «۳ تا ۲ میلیون»
    if low >= second.value:
        return None
    return Amount(
        i, second.end, low, second.value, True, second.adjectival,
        first.spelled and second.spelled, False, second.tail > 1, first.decimal or second.decimal,
    )


def plain(value: Fraction) -> int | float:
    """An int when integral (3000000000, not 3e9), else a float."""
    return int(value) if value.denominator == 1 else float(value)


def parse_number(text: str) -> int | float | None:
    """The number written in ``text`` («۲۴ میلیون و ۸۵۰ هزار», «1.8», «دو سوم»), or None."""
    if not isinstance(text, str):
        return None
    words = words_of([text])
    if not words:
        return None
    n = read_number(words, 0)
    if n is None or n.end != len(words):
        return None
    return plain(n.value)


_ORDINAL_SPECIAL = {"اول": 1, "یکم": 1, "نخست": 1, "سوم": 3, "سیام": 30}


def ordinal_value(key: str) -> int | None:
    """«پنجم» → 5, «بیستم» → 20, «سوم» → 3, «اول» → 1 (one word); else None."""
    if key in _ORDINAL_SPECIAL:
        return _ORDINAL_SPECIAL[key]
    for suffix in ("ام", "م"):
        if key.endswith(suffix):
            stem = key[: -len(suffix)]
            if stem in WORD_NUMBERS and WORD_NUMBERS[stem][0] > 0:
                return WORD_NUMBERS[stem][0]
    return None


def _one_ordinal(words: list[Word], i: int) -> tuple[int, int] | None:
    """«پنجم», «سی‌ام», or «سی ام» with its «ام» written apart, at ``words[i]``: (end, value)."""
    if i >= len(words):
        return None
    if i + 1 < len(words) and words[i + 1].key == "ام" and words[i].key in WORD_NUMBERS:
        v = ordinal_value(words[i].key + "ام")
        return None if v is None else (i + 2, v)
    v = ordinal_value(words[i].key)
    return None if v is None else (i + 1, v)


def read_ordinal(words: list[Word], i: int) -> tuple[int, int] | None:
    """An ordinal day such as «پنجم», «بیست و هفتم», «سی و یکم», «سی ام» at ``words[i]``: (end, value)."""
    if i >= len(words):
        return None
    if words[i].key in TENS and i + 2 < len(words) and words[i + 1].key == "و":
        u = _one_ordinal(words, i + 2)
        if u is not None and u[1] < 10 and words[i + 2].key not in ("نخست",):
            return u[0], TENS[words[i].key] + u[1]
    return _one_ordinal(words, i)
