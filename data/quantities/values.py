"""The value a tagger reports beside a MON, PCT, QTY, DAT or TIM span (ANNOTATION.md).

Read from the span's original text; a value the grammar cannot read is None,
never a guess and never an exception. A number word written onto its unit
(«سه‌برابر», «هزارتومان», «صددرصد») is read as if apart.
"""

from __future__ import annotations

import re

from farsiner.data.quantities.dates import QUALIFIERS, RELATIVE, WEEKDAYS, read_date, read_month
from farsiner.data.normalize import ZWNJ
from farsiner.data.quantities.numbers import Amount, Word, is_digits, looks_like_scale, plain, read_amount, read_number, words_of
from farsiner.data.quantities.times import DAYPARTS, read_time
from farsiner.data.quantities.units import read_currency, read_known_unit, read_percent, split_fused

QUANTITY_LABELS = ("MON", "PCT", "QTY", "DAT", "TIM")
CENT = "سنت"  # a hundredth of the currency before it; alone, of the US dollar, as the news uses it
_THOUSANDS_HEAD = re.compile(r"\d{1,3}(?:,\d{3})*")
_QUOTES = {"«", "»", '"', "(", ")", "[", "]", "'", "“", "”"}
_DAY_WORDS = {"روز", "تاریخ", "مورخ", "مورخه", "راس"}
_AFTER_WEEKDAY = {"،", ",", "-"}  # «دوشنبه، ۱۰ ژانویه ۲۰۲۲»
MINUS = "منفی"  # «منفی» stays in an amount (data/annotations/README.md): «منفی ۱۷ میلیارد دلار» is -17e9 USD
MINUS_SIGNS = {"-", "−", "–"}  # hyphen, minus, en dash: all three are typed as minus signs


def parse_value(label: str, text: str) -> dict | None:
    """The value of a ``label`` span whose text is ``text``, or None.

    MON {"amount", "currency"}, PCT {"percent"[, "points"]}, QTY {"amount",
    "unit"} (ranges: "min"/"max" for "amount"/"percent"), DAT {"calendar",
    "year", "month", "day", "start", "end"}, TIM {"hour", "minute"[, "second"]}
    ("second" only where the text gives it); other labels, relative dates and
    times, and unreadable text → None.
    """
    if label not in QUANTITY_LABELS or not isinstance(text, str):
        return None
    # a ZWNJ standing alone («۲۰‌ میلیون») is no word
    words = [w for w in split_fused(words_of([text])) if w.key not in _QUOTES and w.text.strip(ZWNJ)]
    if not words:
        return None
    read = {"MON": _money, "PCT": _percent, "QTY": _quantity, "DAT": _date, "TIM": _time}[label]
    if label in ("MON", "PCT", "QTY"):
        if words[0].key == MINUS or words[0].key in MINUS_SIGNS:
            return _negated(read(words[1:])) if len(words) > 1 else None
        if len(words) > 2 and is_digits(words[0].key) and words[1].key in MINUS_SIGNS and read_number(words, 2) is None:
            # «۴.۴- درصد»: the sign typed after the digits, as right-to-left text often has it
            # (a number after the sign makes a range instead: «۲-۳ درصد»)
            return _negated(read([words[0], *words[2:]]))
    return read(words)


def _negated(value: dict | None) -> dict | None:
    """``value`` below zero; None for a range, whose sign the text leaves open («منفی ۲ تا ۳ درصد»)."""
    if value is None or "min" in value:
        return None
    return {k: -v if k in ("amount", "percent") and v is not None else v for k, v in value.items()}


def _amount(a: Amount, name: str, factor: int = 1) -> dict:
    if a.is_range:
        return {"min": plain(a.low * factor), "max": plain(a.high * factor)}
    return {name: plain(a.low * factor)}


def _money(words: list[Word]) -> dict | None:
    words = _joined_thousands(words)
    a = read_amount(words, 0, fractions=False)
    if a is None:
        return None
    if not a.is_range:
        a = _ungrouped(words, a)
    currency, end, factor = None, a.end, 1
    c = read_currency(words, end)
    if c is not None:
        currency, end, factor = c[2], c[1], c[3]
    if not a.is_range and end < len(words) and words[-1].key == CENT:
        if c is None and end == len(words) - 1:  # «۳۰ سنت»
            return {"amount": plain(a.low / 100), "currency": "USD"}
        if c is not None and words[end].key == "و":  # «۱۱۲ دلار و ۶۷ سنت»
            n = read_number(words, end + 1, fractions=False)
            if n is not None and n.end == len(words) - 1 and n.value < 100:
                return {"amount": plain(a.low * factor + n.value / 100), "currency": currency}
    if end != len(words):
        return None
    return {**_amount(a, "amount", factor), "currency": currency}


def _ungrouped(words: list[Word], a: Amount) -> Amount:
    """«۱۴ میلیون ۹۰۰ هزار تومان», «۱ میلیون ۲۷۰ هزار ۱۳۶ تومان»: groups written without «و»,
    each smaller than the scale word before it, are one amount."""
    n = read_number(words, 0, fractions=False)
    value = a.low
    while n.tail > 1 and not n.adjectival and n.end < len(words):
        nxt = read_number(words, n.end, fractions=False)
        if nxt is None or nxt.value >= n.tail:
            break
        value, n = value + nxt.value, nxt
    if n.end == a.end:
        return a
    return Amount(a.start, n.end, value, value, adjectival=n.adjectival, scaled=n.tail > 1)


def _joined_thousands(words: list[Word]) -> list[Word]:
    """«32 , 390 ریال»: thousands separators set apart, as PEYMA's tokens have them, joined back.

    Only inside a money span (the tagger has said it is one amount). A group after the
    separator must have three digits («24 , 92 ریال» stays unread), and a list that the
    grammar cannot read as one amount stays None («59 ، 107 و 142 میلیارد ریال»).
    """
    out: list[Word] = []
    for w in words:
        if (
            len(out) >= 2 and len(w.key) == 3 and w.key.isdigit()
            and out[-1].key in (",", "،") and _THOUSANDS_HEAD.fullmatch(out[-2].key)
        ):
            head = out[-2]
            out[-2:] = [Word(f"{head.text},{w.text}", f"{head.key},{w.key}", head.token, head.first, w.last)]
        else:
            out.append(w)
    return out


def _percent(words: list[Word]) -> dict | None:
    lead = words[0].key == "%"  # «%۵۰» as written in right-to-left text
    a = read_amount(words, 1 if lead else 0, fractions=False)
    if a is None:
        return None
    end, points = a.end, False
    if not lead:
        p = read_percent(words, end)
        if p is not None:
            end, points = p
    if end != len(words):
        return None
    value = _amount(a, "percent")
    if points:
        value["points"] = True
    return value


def _quantity(words: list[Word]) -> dict | None:
    a = read_amount(words, 0)
    if a is None:
        return None
    rest = words[a.end:]
    unit = None
    if rest:
        known = read_known_unit(words, a.end)
        if known is not None and known[0] == len(words):
            unit = known[1]
        elif len(rest) <= 2 and all(w.key.isalpha() and not w.key.isascii() and read_number(words, k) is None
                                    and not looks_like_scale(w.key) for k, w in enumerate(rest, a.end)):
            unit = " ".join(w.text for w in rest)
        else:
            return None
    return {**_amount(a, "amount"), "unit": unit}


def _skip_day_words(words: list[Word], j: int, extra: set[str]) -> int:
    """Past weekdays («سه شنبه» too, and a comma after one), «روز», and the ``extra`` words at ``words[j]``."""
    weekday = False
    while j < len(words):
        k = words[j].key
        if k in WEEKDAYS:
            j, weekday = j + 1, True
        elif j + 1 < len(words) and k + words[j + 1].key in WEEKDAYS:
            j, weekday = j + 2, True
        elif k in _DAY_WORDS or k in extra or weekday and k in _AFTER_WEEKDAY:
            j, weekday = j + 1, False
        else:
            break
    return j


def _date(words: list[Word]) -> dict | None:
    j = _skip_day_words(words, 0, QUALIFIERS | RELATIVE)
    if j < len(words) and words[j].key == "ماه" and read_month(words, j + 1):
        j += 1  # «ماه ژوئن»
    m = read_date(words, j, loose=True)
    if m is None or m.value is None:
        return None
    k = m.end
    if k < len(words):
        # «مرداد ماه امسال», «مهر ماه سال جاری»: a relative year adds no field.
        if m.value["year"] is not None or any(w.key not in RELATIVE | {"سال", "ماه"} for w in words[k:]):
            return None
    return m.value


def _time(words: list[Word]) -> dict | None:
    allowed = set(DAYPARTS) | RELATIVE | {"بعد", "از", "نیمه"}
    for p in range(len(words)):
        t = read_time(words, p, bare=p == 0)
        if t is None:
            continue
        if _skip_day_words(words, 0, allowed) < p or _skip_day_words(words, t.end, allowed) != len(words):
            return None
        value = {"hour": t.hour, "minute": t.minute}
        if t.second is not None:
            value["second"] = t.second
        return value
    return None
