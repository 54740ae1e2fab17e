"""Jalali, Gregorian and Hijri dates: month names, years, and the days they cover.

A date's value holds the fields the text gives and the Gregorian first and
last day they cover (`jdatetime` for Jalali, `hijridate`'s Umm al-Qura
tables for Hijri, which cover 1343–1500 AH; a Hijri year outside them reads
as None). Choices, where the text leaves room:

- A two-digit year is Jalali and the one nearer to 1400: 00–49 → 14yy,
  50–99 → 13yy («سال ۹۸» is 1398, «۰۲» 1402). A two-digit decade is in the
  1300s unless it is «۰۰» («دهه ۷۰» is the 1370s, «دهه چهل» the 1340s).
- A four-digit year with no era word is Jalali from 1200 to 1499 and
  Gregorian from 1500 to 2199; «هجری» alone (solar or lunar?) reads as None.
- A day-month-year written in digits is Y/M/D, or D/M/Y when only the last
  part can be the year; a Gregorian one that could be D/M or M/D is None.
- Qualifiers («اوایل», «ابتدای», «پایان») do not narrow the days covered;
  a season («پاییز ۱۳۹۴») covers its three Jalali months.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import jdatetime
from hijridate import Hijri

from farsiner.data.quantities.numbers import RANGE_WORDS, Word, is_digits, read_number, read_ordinal

JALALI, GREGORIAN, HIJRI = "jalali", "gregorian", "hijri"

JALALI_MONTHS = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5, "شهریور": 6,
    "مهر": 7, "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}
GREGORIAN_MONTHS = {
    "ژانویه": 1, "ژانویه": 1, "فوریه": 2, "مارس": 3, "مارچ": 3, "آوریل": 4, "آپریل": 4, "اپریل": 4,
    "مه": 5, "می": 5, "ژوئن": 6, "ژوین": 6, "جون": 6, "ژوئیه": 7, "ژوییه": 7, "جولای": 7, "اوت": 8,
    "آگوست": 8, "اگوست": 8, "اوگوست": 8, "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
}
HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربیع الاول": 3, "ربیع الاولی": 3, "ربیع الثانی": 4, "ربیع الآخر": 4,
    "ربیع الاخر": 4, "جمادی الاول": 5, "جمادی الاولی": 5, "جمادی الثانی": 6, "جمادی الثانیه": 6,
    "جمادی الآخر": 6, "جمادی الاخر": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذی القعده": 11, "ذیقعده": 11, "ذوالقعده": 11, "ذی الحجه": 12, "ذیحجه": 12, "ذوالحجه": 12,
}
_MONTHS: dict[str, tuple[str, int]] = {}
for _cal, _table in ((JALALI, JALALI_MONTHS), (GREGORIAN, GREGORIAN_MONTHS), (HIJRI, HIJRI_MONTHS)):
    for _name, _m in _table.items():
        _MONTHS[_name.replace(" ", "")] = (_cal, _m)
_MAX_DAY = {
    JALALI: [31] * 6 + [30] * 6,
    GREGORIAN: [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
    HIJRI: [30] * 12,
}

WEEKDAYS = {"شنبه", "یکشنبه", "دوشنبه", "سهشنبه", "چهارشنبه", "پنجشنبه", "پنچشنبه", "جمعه"}
SEASONS = {"بهار": 1, "تابستان": 4, "پاییز": 7, "پائیز": 7, "زمستان": 10}
QUALIFIERS = {"اوایل", "اوائل", "اواسط", "اواخر", "ابتدای", "ابتدا", "آغاز", "انتهای", "پایان"}
# Words that make a date relative to now: its value is null.
RELATIVE = {
    "امروز", "دیروز", "فردا", "پریروز", "پسفردا", "امسال", "پارسال", "گذشته", "قبل", "پیش", "آینده",
    "آتی", "جاری", "اخیر", "این", "همین", "جدید", "بعد", "امشب", "دیشب",
}
_YEAR_WORDS = {"سال", "سالهای", "سالها"}
_YEAR_KINDS = {"مالی", "تحصیلی", "زراعی", "آبی"}
_ERA_WORDS = {"هجری", "شمسی", "خورشیدی", "قمری", "میلادی", "ه", "ش", "ق", "م", "هش", "هق"}
_AFTER_MAY = {
    "سال", "ماه", "میلادی", "م", "تا", "الی", "و", "در", "از", "به", "با", "که", "را", "گذشته", "آینده", "امسال", "جاری",
}
_NUMERIC = re.compile(r"(\d{1,4})([/.])(\d{1,2})\2(\d{1,4})")

# Date words that can never be the noun a number counts («۱۵ خرداد» is a date).
NOT_COUNTED_DATE_WORDS = set(_MONTHS) | WEEKDAYS | set(SEASONS) | {"ماه" + m for m in JALALI_MONTHS}


@dataclass(frozen=True)
class DateMatch:
    """A date read from ``words[start:end]``: its value, or None where it has none."""

    start: int
    end: int
    value: dict | None


def _gregorian(d) -> dt.date:
    return dt.date(d.year, d.month, d.day)


def date_range(calendar: str, year: int, month: int | None = None, day: int | None = None,
               last_month: int | None = None) -> tuple[dt.date, dt.date] | None:
    """The Gregorian first and last day of a year, month (to ``last_month``) or day; None if invalid."""
    try:
        if calendar == JALALI:
            start = jdatetime.date(year, month or 1, day or 1)
            if day:
                end = start
            else:
                stop = last_month or month or 12
                after = jdatetime.date(year + 1, 1, 1) if stop == 12 else jdatetime.date(year, stop + 1, 1)
                end = after - dt.timedelta(1)
            return _gregorian(start.togregorian()), _gregorian(end.togregorian())
        if calendar == GREGORIAN:
            start = dt.date(year, month or 1, day or 1)
            if day:
                return start, start
            stop = last_month or month or 12
            end = (dt.date(year + 1, 1, 1) if stop == 12 else dt.date(year, stop + 1, 1)) - dt.timedelta(1)
            return start, end
        if calendar == HIJRI:
            first = Hijri(year, month or 1, day or 1)
            if day:
                last = first
            else:
                stop = last_month or month or 12
                last = Hijri(year, stop, Hijri(year, stop, 1).month_length())
            return _gregorian(first.to_gregorian()), _gregorian(last.to_gregorian())
    except (ValueError, OverflowError):
        return None
    return None


def date_value(calendar: str, year: int | None, month: int | None = None, day: int | None = None) -> dict | None:
    """The DAT value of ANNOTATION.md, or None when the fields are not a real date."""
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and (month is None or not 1 <= day <= _MAX_DAY[calendar][month - 1]):
        return None
    start = end = None
    if year is not None:
        covered = date_range(calendar, year, month, day)
        if covered is None:
            return None
        start, end = (d.isoformat() for d in covered)
    return {"calendar": calendar, "year": year, "month": month, "day": day, "start": start, "end": end}


def _resolve_year(value: int, digits: int, calendar: str | None, era: bool) -> tuple[str, int] | None:
    """The calendar and full year of a written year (see the module notes)."""
    if digits <= 2:
        if calendar not in (None, JALALI) or digits < 2:
            return None
        return JALALI, (1400 + value if value < 50 else 1300 + value)
    if calendar is None:
        if 1200 <= value <= 1499:
            return JALALI, value
        if 1500 <= value <= 2199:
            return GREGORIAN, value
        return None
    limits = {JALALI: (1 if era else 1200, 1600), GREGORIAN: (1 if era else 1500, 2199), HIJRI: (1343, 1500)}[calendar]
    if digits < 4 and not era:
        return None
    return (calendar, value) if limits[0] <= value <= limits[1] else None


def read_month(words: list[Word], i: int) -> tuple[int, str, int] | None:
    """A month name at ``words[i]``, with an optional «ماه» after it: (end, calendar, month)."""
    if i >= len(words):
        return None
    end = None
    if i + 1 < len(words) and words[i].key + words[i + 1].key in _MONTHS and words[i + 1].key.startswith("ال"):
        end, (cal, m) = i + 2, _MONTHS[words[i].key + words[i + 1].key]
    elif words[i].key in _MONTHS:
        end, (cal, m) = i + 1, _MONTHS[words[i].key]
        # «می» is May only before what no verb is («۲۳ می ۲۰۲۲», «می سال»), not
        # the prefix of «می رسد».
        if words[i].key == "می" and i + 1 < len(words) and not (
            is_digits(words[i + 1].key) or words[i + 1].key in _AFTER_MAY or not words[i + 1].key.isalnum()
        ):
            return None
    elif words[i].key.endswith("ماه") and words[i].key[:-3] in JALALI_MONTHS:
        return i + 1, JALALI, JALALI_MONTHS[words[i].key[:-3]]
    if end is None:
        return None
    if end < len(words) and words[end].key == "ماه":
        end += 1
    return end, cal, m


def _read_year(words: list[Word], i: int) -> tuple[int, int, int] | None:
    """A written year at ``words[i]``: (end, value, number of digits)."""
    if i >= len(words):
        return None
    k = words[i].key
    if is_digits(k):
        return (i + 1, int(k), len(k)) if k.isdigit() and len(k) <= 4 else None
    n = read_number(words, i, fractions=False)
    if n is None or not n.spelled or n.decimal or n.value.denominator != 1 or n.tail > 1 and n.value < 1000:
        return None
    v = int(n.value)
    return n.end, v, (4 if v >= 1000 else 2 if v >= 10 else 1)


def _read_era(words: list[Word], i: int) -> tuple[int, str | None] | None:
    """«میلادی», «شمسی», «هجری قمری», «ه.ش», «ق» after a year: (end, calendar or None if unclear)."""
    j, seen = i, []
    while j < len(words):
        k = words[j].key
        if k in _ERA_WORDS:
            seen.append(k)
        elif k == "." and seen and j + 1 < len(words) and words[j + 1].key in ("ش", "ق"):
            pass
        else:
            break
        j += 1
    if not seen:
        return None
    s = set(seen)
    if s & {"میلادی", "م"}:
        return j, GREGORIAN
    if s & {"شمسی", "خورشیدی", "ش", "هش"}:
        return j, JALALI
    if s & {"قمری", "ق", "هق"}:
        return j, HIJRI
    return j, None


def _read_day(words: list[Word], i: int) -> tuple[int, int] | None:
    if i >= len(words):
        return None
    k = words[i].key
    if is_digits(k):
        return (i + 1, int(k)) if k.isdigit() and len(k) <= 2 else None
    o = read_ordinal(words, i)
    if o:
        return o
    n = read_number(words, i, fractions=False)
    if n and n.spelled and not n.decimal and n.tail == 1 and n.value.denominator == 1 and n.value <= 31:
        return n.end, int(n.value)
    return None


@dataclass
class _Date:
    """A date before its range partner and era are known."""

    start: int
    end: int
    calendar: str | None
    year: tuple[int, int] | None  # (value, digits) as written
    month: int | None = None
    day: int | None = None
    first_month: int | None = None  # a season: its first month
    decade: bool = False
    year_last: bool = False  # a numeric date written D/M/Y


def _read_one(words: list[Word], i: int, *, loose: bool) -> _Date | None:
    """One date without its era: a numeric date, «سال ۹۸», «۱۵ خرداد ۱۴۰۲», «خرداد ماه ۹۸», «دهه ۷۰»…

    ``loose`` also takes a bare year and a bare month, which a span given as a
    DAT may be, but which the span finder must not guess at.
    """
    if i >= len(words):
        return None
    k = words[i].key
    m = _NUMERIC.fullmatch(k)
    if m:
        return _numeric_date(m, i)
    if k in _YEAR_WORDS or k == "دهه":
        j = i + 1
        if j < len(words) and words[j].key in ("ها", "های"):
            j += 1
        if j < len(words) and words[j].key in _YEAR_KINDS:
            j += 1
        y = _read_year(words, j)
        if y is None:
            return None
        return _Date(i, y[0], None, (y[1], y[2]), decade=k == "دهه")
    if k in SEASONS:
        j = i + 1
        if j < len(words) and words[j].key == "سال":
            j += 1
        y = _read_year(words, j)
        if y is None:
            return None
        return _Date(i, y[0], JALALI, (y[1], y[2]), first_month=SEASONS[k])
    day = _read_day(words, i)
    month_at = day[0] if day else i
    mo = read_month(words, month_at)
    if mo is None:
        if loose:
            y = _read_year(words, i)
            if y and y[2] in (2, 4):
                return _Date(i, y[0], None, (y[1], y[2]))
        return None
    j, cal, month = mo
    if j < len(words) and words[j].key == "سال":
        j += 1
    y = _read_year(words, j)
    if y is None:
        if words[j - 1].key == "سال":
            j -= 1
        if words[month_at].key == "صفر" or (not day and not loose):
            return None  # «صفر» alone is zero; a bare month name may be a word («مهر»)
        return _Date(i, j, cal, None, month, day[1] if day else None)
    return _Date(i, y[0], cal, (y[1], y[2]), month, day[1] if day else None)


def _numeric_date(m: re.Match, i: int) -> _Date | None:
    a, sep, b, c = m.group(1), m.group(2), m.group(3), m.group(4)
    if len(a) in (2, 4) and len(c) <= 2 and (sep == "/" or len(a) == 4):
        return _Date(i, i + 1, "numeric", (int(a), len(a)), int(b), int(c))
    if len(c) in (2, 4) and len(a) <= 2 and (sep == "/" or len(c) == 4):
        return _Date(i, i + 1, "numeric", (int(c), len(c)), int(b), int(a), year_last=True)
    return None


def _finish(d: _Date, calendar: str | None, era: bool) -> dict | None:
    """The value of one date once its calendar hint is known."""
    cal = calendar or (None if d.calendar in (None, "numeric") else d.calendar)
    if d.calendar not in (None, "numeric") and calendar and calendar != d.calendar:
        return None  # «خرداد ۲۰۱۸ میلادی»
    if d.year is None:
        return None if cal is None else date_value(cal, None, d.month, d.day)
    value, digits = d.year
    if d.decade:
        return _decade(value, digits, cal, era)
    resolved = _resolve_year(value, digits, cal, era)
    if resolved is None:
        return None
    cal, year = resolved
    if d.year_last and cal == GREGORIAN and d.day <= 12 and d.month <= 12 and d.day != d.month:
        return None  # «05/12/2018»: D/M or M/D?
    if d.first_month:
        if cal != JALALI:
            return None
        covered = date_range(cal, year, d.first_month, None, d.first_month + 2)
        if covered is None:
            return None
        return {"calendar": cal, "year": year, "month": None, "day": None,
                "start": covered[0].isoformat(), "end": covered[1].isoformat()}
    return date_value(cal, year, d.month, d.day)


def _decade(value: int, digits: int, calendar: str | None, era: bool) -> dict | None:
    if value % 10:
        return None
    if digits <= 2:
        if calendar not in (None, JALALI):
            return None
        cal, first = JALALI, (1400 if value == 0 else 1300 + value)
    else:
        resolved = _resolve_year(value, digits, calendar, era)
        if resolved is None:
            return None
        cal, first = resolved
    a, b = date_range(cal, first) or (None, None), date_range(cal, first + 9) or (None, None)
    if a[0] is None or b[1] is None:
        return None
    return {
        "calendar": cal, "year": None, "month": None, "day": None,
        "start": a[0].isoformat(), "end": b[1].isoformat(),
    }


def _merge(a: dict, b: dict) -> dict | None:
    """A range of two dates: the fields both ends share, and the days from the first to the last."""
    if (a["start"] is None) != (b["start"] is None) or a["calendar"] != b["calendar"]:
        return None
    out = {k: (a[k] if a[k] == b[k] else None) for k in ("calendar", "year", "month", "day")}
    out["start"] = min(a["start"], b["start"]) if a["start"] else None
    out["end"] = max(a["end"], b["end"]) if a["end"] else None
    return out


def _day_range(words: list[Word], i: int) -> _Date | None:
    """«۴ تا ۸ اردیبهشت ۱۳۹۵»: read as its first day, ending where the range does."""
    day = _read_day(words, i)
    if day is None or day[0] + 1 >= len(words) or words[day[0]].key not in RANGE_WORDS:
        return None
    last = _read_one(words, day[0] + 1, loose=False)
    if last is None or last.day is None or last.day <= day[1]:
        return None
    return _Date(i, day[0], last.calendar, last.year, last.month, day[1])


def read_date(words: list[Word], i: int, *, loose: bool = False) -> DateMatch | None:
    """An absolute date or date range at ``words[i]``, with its era word and value.

    The value is None where the written fields make no real date («۴۰
    خرداد», «۱۳۹۶/۱۳/۰۱») or an unclear one; the match still says where it is.
    """
    first = _day_range(words, i) or _read_one(words, i, loose=loose)
    if first is None:
        return None
    end = first.end
    second = None
    if end + 1 < len(words) and words[end].key in RANGE_WORDS | {"و"}:
        second = _read_one(words, end + 1, loose=True)
        if second is not None and (second.decade or first.decade):
            second = None
        if second is not None and second.month is None and first.year and second.year and second.year[1] != first.year[1]:
            second = None  # «سال ۹۵ تا ۱۰ درصد»: a bare year ends a range only written like the first
        if second is not None and words[end].key == "و":
            # «سال ۹۳ و ۹۴»: only consecutive years make one span.
            if not (first.year and second.year and second.month is None and first.month is None
                    and second.year[0] - first.year[0] in (1, -1)):
                second = None
        if second is not None:
            end = second.end
    calendar, era = None, False
    e = _read_era(words, end)
    if e is not None:
        end, calendar, era = e[0], e[1], True
        if calendar is None:
            return DateMatch(i, end, None)
    if second is not None and first.year is None and second.year and first.calendar == second.calendar:
        first.year = second.year  # «۱۵ خرداد تا ۲۰ تیر ۱۴۰۲»
    if second is not None and second.calendar is None and first.calendar not in (None, "numeric"):
        second.calendar = first.calendar
    if second is not None and first.calendar is None and second.calendar not in (None, "numeric"):
        calendar = calendar or second.calendar
    a = _finish(first, calendar or (None if first.calendar == "numeric" else first.calendar), era)
    if second is None:
        return DateMatch(i, end, a)
    b = _finish(second, calendar or (a["calendar"] if a else None), era)
    if a is None or b is None:
        return DateMatch(i, end, None)
    return DateMatch(i, end, _merge(a, b))
