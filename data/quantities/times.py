"""Times of day: «ساعت ۱۸», «۱۸:۳۰», «۲۰:۳۲:۱۳», «ساعت ۸ و ۳۰ دقیقه», «۸ صبح», «۸ شب».

A part of the day after the hour moves it to the 24-hour clock: «۸ شب» is
20, «۱۲ شب» is 0, «۲ شب» stays 2 (after midnight), «۱ ظهر» is 13, «۴ عصر»
16. «ساعت ۲۴» is midnight, hour 0.

Minutes after «و» need «دقیقه» unless they cannot be a second hour: «ساعت
۹ و ۳۰» is 9:30, «یازده و چهل و پنج صبح» 11:45, but «ساعت ۲۱ و ۲۳» is two
hours. A one-digit minute («۱۲:۵») is read only after «ساعت» or before a
part of the day, where it is no ratio or score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from farsiner.data.quantities.numbers import Word, read_number

_CLOCK = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{2}))?")
# The part of the day, and how it moves an hour written on a 12-hour clock.
DAYPARTS = {
    "صبح": "am", "بامداد": "am", "سحر": "am", "ظهر": "noon", "بعدازظهر": "pm", "عصر": "pm",
    "شب": "night", "شامگاه": "night", "نیمهشب": "midnight", "غروب": "pm",
}


@dataclass(frozen=True)
class TimeMatch:
    """A clock time read from ``words[start:end]``."""

    start: int
    end: int
    hour: int
    minute: int
    second: int | None = None  # only where the text gives it


def _daypart(words: list[Word], i: int) -> tuple[int, str] | None:
    if i >= len(words):
        return None
    k = words[i].key
    if k in DAYPARTS:
        return i + 1, DAYPARTS[k]
    if i + 2 < len(words) and k == "بعد" and words[i + 1].key == "از" and words[i + 2].key == "ظهر":
        return i + 3, "pm"
    if i + 1 < len(words) and k + words[i + 1].key in DAYPARTS:
        return i + 2, DAYPARTS[k + words[i + 1].key]
    return None


def _on_24_hours(hour: int, part: str | None) -> int | None:
    if part is None:
        return 0 if hour == 24 else hour
    if hour > 12:
        return hour if part in ("pm", "night") else None
    if part == "am":
        return hour
    if part == "noon":
        return 12 if hour == 12 else hour + 12 if hour <= 5 else None
    if part == "pm":
        return hour if hour == 12 else hour + 12
    if part == "night":
        return 0 if hour == 12 else hour + 12 if hour >= 6 else hour
    if part == "midnight":
        return 0 if hour == 12 else hour
    return None


def _hour_number(words: list[Word], i: int) -> tuple[int, Fraction] | None:
    n = read_number(words, i, fractions=False)
    if n is None or n.tail > 1 or n.decimal:
        return None
    return n.end, n.value


def _minutes(words: list[Word], j: int) -> tuple[int, int, int | None] | None:
    """What follows an hour and «و» at ``words[j]``: (end, minute, second or None).

    «ربع», «سه ربع», «N دقیقه» [و «M ثانیه»], or a bare N that cannot be an hour (25–59).
    """
    if j >= len(words):
        return None
    if words[j].key == "ربع":
        return j + 1, 15, None
    if j + 1 < len(words) and words[j + 1].key == "ربع" and words[j].key in ("یک", "سه"):
        return j + 2, 15 if words[j].key == "یک" else 45, None
    mn = _hour_number(words, j)
    if mn is None or mn[1].denominator != 1:
        return None
    end, minute = mn[0], int(mn[1])
    if end < len(words) and words[end].key == "دقیقه":
        end += 1
        if end + 1 < len(words) and words[end].key == "و":
            sec = _hour_number(words, end + 1)
            if sec and sec[0] < len(words) and words[sec[0]].key == "ثانیه" and sec[1].denominator == 1:
                return sec[0] + 1, minute, int(sec[1])
        return end, minute, None
    if 24 < minute < 60:
        return end, minute, None
    return None


def read_time(words: list[Word], i: int, *, bare: bool = False) -> TimeMatch | None:
    """A clock time at ``words[i]``, or None.

    Reads «ساعت» + hour [و minutes [دقیقه [و seconds ثانیه]] | و نیم | و ربع]
    [part of day], «HH:MM[:SS]» [part of day], and hour + part of day («۸ صبح»). ``bare``
    also takes a lone number as the hour, for a span that follows «ساعت».
    """
    if i >= len(words):
        return None
    j = i
    said_hour = words[j].key == "ساعت"
    if said_hour:
        j += 1
    if j >= len(words):
        return None
    minute, second = 0, None
    m = _CLOCK.fullmatch(words[j].key)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        second = int(m.group(3)) if m.group(3) else None
        if len(m.group(2)) == 1 and (second is not None or not said_hour and _daypart(words, j + 1) is None):
            return None  # «۳:۱» is a ratio or a score
        j += 1
    else:
        h = _hour_number(words, j)
        if h is None:
            return None
        j, value = h
        if value.denominator == 2:  # «ساعت ۱۰ و نیم»
            minute, value = 30, value - Fraction(1, 2)
        if value.denominator != 1:
            return None
        hour = int(value)
        if j + 1 < len(words) and words[j].key == "و" and minute == 0:
            mn = _minutes(words, j + 1)
            if mn is not None:
                j, minute, second = mn
        elif j < len(words) and words[j].key == "ساعت" and not said_hour:
            return None  # «۲۴ ساعت» is a period, not a time of day
    part = _daypart(words, j)
    if part is None and not said_hour and not m and not bare:
        return None  # a lone number is no time
    if part:
        j = part[0]
    if not (0 <= hour <= 24 and 0 <= minute <= 59) or hour == 24 and (minute or second):
        return None
    if second is not None and not 0 <= second <= 59:
        return None
    h24 = _on_24_hours(hour, part[1] if part else None)
    if h24 is None:
        return None
    return TimeMatch(i, j, h24 % 24, minute, second)
