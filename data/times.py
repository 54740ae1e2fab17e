"""Times of day: «ساعت ۱۸», «۱۸:۳۰», «ساعت ۸ و ۳۰ دقیقه», «۸ صبح», «۸ شب».

A part of the day after the hour moves it to the 24-hour clock: «۸ شب» is
20, «۱۲ شب» is 0, «۲ شب» stays 2 (after midnight), «۱ ظهر» is 13, «۴ عصر»
16. «ساعت ۲۴» is midnight, hour 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from farsiner.data.numbers import Word, read_number

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
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
    if n is None or n.tail > 1:
        return None
    return n.end, n.value


def read_time(words: list[Word], i: int, *, bare: bool = False) -> TimeMatch | None:
    """A clock time at ``words[i]``, or None.

    Reads «ساعت» + hour [و minutes دقیقه | و نیم | و ربع] [part of day],
    «HH:MM» [part of day], and hour + part of day («۸ صبح»). ``bare``
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
    minute = 0
    m = _CLOCK.fullmatch(words[j].key)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
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
            if words[j + 1].key == "ربع":
                minute, j = 15, j + 2
            else:
                mn = _hour_number(words, j + 1)
                if mn and mn[0] < len(words) and words[mn[0]].key == "دقیقه" and mn[1].denominator == 1:
                    minute, j = int(mn[1]), mn[0] + 1
        elif j < len(words) and words[j].key == "ساعت" and not said_hour:
            return None  # «۲۴ ساعت» is a period, not a time of day
    part = _daypart(words, j)
    if part is None and not said_hour and not m and not bare:
        return None  # a lone number is no time
    if part:
        j = part[0]
    if not (0 <= hour <= 24 and 0 <= minute <= 59) or hour == 24 and minute:
        return None
    h24 = _on_24_hours(hour, part[1] if part else None)
    if h24 is None:
        return None
    return TimeMatch(i, j, h24 % 24, minute)
