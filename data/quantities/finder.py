"""Find quantity spans in a tokenised sentence: QTY, and MON/PCT/DAT/TIM where recognised.

Built for precision: a number becomes a QTY only with the one counted noun
right after it, and not where the number is an identifier («ماده ۱۷»), a
year, an index level («شاخص … ۸۰۰ واحد»), a score, a fraction, the
indefinite «یک» (it counts only units, classifiers, periods after «به مدت»
and the like, and in a list of counts), part of a vague amount («چند هزار
نفر») or a period anchored to now («سه ماه گذشته», which is a DAT).
Anything unsure is left untagged.
"""

from __future__ import annotations

from dataclasses import replace

from farsiner.data.quantities.dates import read_date
from farsiner.data.quantities.numbers import (
    SCALES, VAGUE, Amount, Word, WORD_NUMBERS, is_digits, ordinal_value, read_amount, words_of,
)
from farsiner.data.quantities.times import read_time
from farsiner.data.quantities.units import (
    is_adjectival_period, is_duration, is_measure, read_counted_noun, read_currency, read_known_unit, read_percent,
)

# A number right after these names something rather than counting it.
IDENTIFIER_HEADS = set(
    """
    ماده بند تبصره اصل قطعنامه شماره دوره خط منطقه پلاک کد فاز بلوک طبقه اتاق سالن کانال شبکه
    جاده بزرگراه آزادراه اتوبان کوچه خیابان میدان ساختمان برج سکو ترمینال اسکله گیت پرواز بوئینگ
    ایرباس مدل سری نسخه درجه دسته رده صفحه جلسه فصل لیگ هفته دقیقه ساعت سال سالهای دهه قرن روز
    نمره رتبه مقام ردیف پایه ناحیه شعبه کلاس قانون بودجه برنامه یورو پژو پراید سمند رنو تیبا دنا
    کیلومتر تیپ لشکر گردان ناو جنگنده موشک اف سی تی ام پی جی ای بی دی آیفون گلکسی نوکیا سامسونگ
    عملیات کنوانسیون پروتکل گروه بسته نمایشگاه جشنواره المپیک نشست اجلاس همایش
    نوبت مرحله بخش قسمت سوره آیه حدیث باند فرکانس استاندارد ورژن اپیزود عدد رقم تندر
    """.split()
)
INDEX_WORDS = {"شاخص", "شاخصکل", "بورس", "فرابورس", "نماگر", "آیفکس", "تدپیکس", "هموزن", "داوجونز", "نزدک"}
# A period followed by these is anchored to now: a DAT (a TIM in hours).
NOW_ANCHORS = {"گذشته", "اخیر", "آینده", "آتی", "پیش", "قبل", "جاری"}
# «هفت ماه نخست امسال» is a DAT; «سه ماه اول بارداری» a stage name, left untagged.
ORDER_ANCHORS = {"نخست", "اول", "منتهی"}
RELATIVE_YEARS = {"امسال", "پارسال", "جاری", "گذشته"}
LIGHT_VERBS = set(
    """
    کرد کرده کند کنند کردند کردن کنیم کنید کردیم میکند میکنند نمود نموده نماید نمایند شد شده شود
    شوند شدند میشود میشوند گرفت گرفته میگیرد داد داده دهد دهند میدهد برسانیم رساند رسانده
    """.split()
)
# «یک» is a count, not the indefinite article, with a classifier or a unit
# of measure, as a period after «مدت», «در», «ظرف»…, or in a list of counts.
_ONE_UNITS = {"دستگاه", "قلم", "عدد", "باب", "راس", "فروند", "برابر", "فقره", "نفر"}
_PERIOD_CUES_BEFORE = {"مدت", "در", "طی", "ظرف", "برای", "تنها", "فقط", "تعطیلی", "توقف"}
_PERIOD_CUES_AFTER = {"پس", "بعد", "طول"}
_AMBIGUOUS_WORDS = {"یک", "نه", "ده", "سی", "صد", "صفر", "نیم"}  # also «no», «village», «thirty/CD»…
_LIST_GLUE = {"و", "،", ","}


def _is_numberish(w: Word) -> bool:
    return is_digits(w.key) or w.key in WORD_NUMBERS or w.key in SCALES or w.key in VAGUE


def _is_latin(w: Word) -> bool:
    return any("a" <= c.lower() <= "z" for c in w.key)


def _blocked_before(words: list[Word], i: int, strong: bool) -> bool:
    """Whether what precedes ``words[i]`` makes the number there no count.

    ``strong``: the number has a scale word or a known unit after it, which
    an identifier («ماده ۱۷ منشور», «دقیقه ۶۰ بازی») does not.
    """
    if i == 0:
        return False
    prev = words[i - 1]
    if prev.key in IDENTIFIER_HEADS and not strong or _is_latin(prev):
        return True
    if prev.key in ("/", "*", "#", "+", "×", "ـ"):
        return True
    if _is_numberish(prev):
        return True  # a fragment of a longer or vague number
    if prev.key in ("و", "،", ",", "بر", "-", "ها", "های") and i >= 2 and _is_numberish(words[i - 2]):
        return True  # «بیست و پنج»'s tail, a list «اصول ۴۳ ، ۴۴», a score «۳ بر صفر», «ده ها هزار»
    if prev.key == "یکی":
        return True  # «یکی دو نفر»: one or two, a vague amount
    if prev.key == "و" and any(
        words[k].key in IDENTIFIER_HEADS and is_digits(words[k + 1].key) for k in range(max(0, i - 6), i - 1)
    ):
        return True  # «دقیقه ۶۰ بازی … و ۷۰ بازی»: the same identifier again
    return False


def _year_like(a: Amount, words: list[Word]) -> bool:
    k = words[a.start].key
    return a.end - a.start == 1 and k.isdigit() and len(k) == 4 and (1300 <= int(k) <= 1450 or 1950 <= int(k) <= 2050)


def _period(words: list[Word], unit_end: int, unit: str) -> tuple[int, str | None]:
    """A number of days, months…: a DAT/TIM when anchored to now, untagged when a stage name, else QTY."""
    j = unit_end
    nxt = words[j].key if j < len(words) else ""
    if nxt in NOW_ANCHORS:
        return j + 1, "TIM" if unit in ("ساعت", "دقیقه", "ثانیه") else "DAT"
    if nxt in ORDER_ANCHORS or ordinal_value(nxt) is not None:
        if j + 1 < len(words) and words[j + 1].key in RELATIVE_YEARS:
            return j + 2, "DAT"
        return j + 1, None
    if nxt in ("ابتدایی", "پایانی", "آخر") and j + 1 < len(words) and words[j + 1].key in RELATIVE_YEARS:
        return j + 2, "DAT"
    return unit_end, "QTY"


def _coordinated(words: list[Word], a: Amount) -> Amount:
    """«۳.۳ و ۳.۴ ریشتر»: numbers sharing the unit after the last are one span."""
    j = a.end
    if j + 1 < len(words) and words[j].key in ("و", "یا") and not a.fraction:
        b = read_amount(words, j + 1, fractions=False)
        if b is not None and not b.adjectival:
            return replace(b, start=a.start, is_range=True)
    return a


def _match(words: list[Word], i: int, after_qty: bool) -> tuple[int, str | None] | None:
    """What starts at ``words[i]``: (end, label), label None where it is read but not tagged.

    ``after_qty``: a QTY ends just before, with only «و» or «،» between.
    """
    t = read_time(words, i)
    if t is not None and not (t.end < len(words) and read_known_unit(words, t.end)):  # «ساعت پنج درجه»
        return t.end, "TIM"
    d = read_date(words, i)
    if d is not None:
        return d.end, "DAT"
    a = read_amount(words, i)
    if a is None:
        return None
    j = a.end
    if a.fraction:
        return j, None  # fractions are not tagged
    p = read_percent(words, j)
    if p is not None:
        return p[0], "PCT"
    c = read_currency(words, j)
    if c is not None:
        weight = c[2] == "GBP" and _near(words, i, {"وزن"})  # «وزن … ۳۱ میلیون پوند» is pounds of weight
        return c[0], "QTY" if weight else "MON"
    if a.adjectival or a.scaled and j < len(words) and words[j].key in ("ها", "های"):
        return j, None
    if read_counted_noun(words, j) is None:
        a = _coordinated(words, a)
        j = a.end
    u = read_counted_noun(words, j)
    if u is None:
        return j, None
    end, unit = u
    if not words[end - 1].last and read_known_unit(words, j) is None:
        end = _token_end(words, end)  # «۹ کنترل کننده»: PEYMA's token is the noun
    if not _is_qty(words, a, j, end, unit, after_qty):
        return end, None
    if is_duration(unit) and not is_adjectival_period(words[j]) and end - j == 1:
        return _period(words, end, unit)
    return end, "QTY"


def _near(words: list[Word], i: int, keys: set[str], before: int = 6) -> bool:
    return any(w.key in keys for w in words[max(0, i - before): i])


def _token_end(words: list[Word], end: int) -> int:
    while end < len(words) and not words[end - 1].last and words[end].key.isalpha():
        end += 1
    return end


def _is_qty(words: list[Word], a: Amount, j: int, end: int, unit: str, after_qty: bool) -> bool:
    """The precision rules for a number ``words[a.start:j]`` and its noun ``words[j:end]``."""
    known = read_known_unit(words, j) is not None
    if _blocked_before(words, a.start, a.scaled or known):
        return False
    single = a.end - a.start == 1 and not a.is_range
    first = words[a.start].key
    prev = words[a.start - 1].key if a.start else ""
    nxt = words[end].key if end < len(words) else ""
    if prev == "هر" and a.spelled:
        return False  # «هر یک هکتار» per unit, «هر سه کشور» all three
    if prev in ("این", "همین") and is_duration(unit):
        return False  # «در این دو ماه»: a period anchored to a time already named
    if single and first == "یک":
        period = is_duration(unit) and (
            is_adjectival_period(words[j]) or end - j == 2 or prev in _PERIOD_CUES_BEFORE or nxt in _PERIOD_CUES_AFTER
        )
        if not (unit in _ONE_UNITS or is_measure(unit) or period or after_qty):
            return False
    elif single and first in _AMBIGUOUS_WORDS and not known:
        return False
    if _year_like(a, words) and not known:
        return False
    if a.decimal and not a.scaled and not is_measure(unit):
        return False  # «دو دهم جمعیت» is a fraction of it, «دو و پنج دهم کیلوگرم» a measure
    if first.isdigit() and len(first) > 9 and not a.scaled:
        return False  # a phone number or an identifier, not a count
    if nxt in ("ها", "های", "هایی", "ام", "امین", "مین"):
        return False
    if not known and nxt in LIGHT_VERBS:
        return False  # «۵ استفاده کند»: a verb, not a counted noun
    if unit == "واحد" and _near(words, a.start, INDEX_WORDS, 10):
        return False  # index points
    if unit == "درجه" and (_near(words, a.start, {"جغرافیایی"}, 8) or len(first.partition(".")[2]) >= 3):
        return False  # coordinates are positions, not measures
    if is_adjectival_period(words[j]) and (nxt in ORDER_ANCHORS or ordinal_value(nxt) is not None):
        return False  # «سه ماهه دوم»: a quarter or a trimester, a stage name
    return True


def find_quantities(tokens: list[str]) -> list[tuple[int, int, str]]:
    """Quantity spans ``(first token, end token, label)`` in ``tokens``, end exclusive.

    Labels are QTY, and MON, PCT, DAT, TIM where recognised. A token may hold
    several words (PEYMA's «متر مربع»); a span starts and ends on token
    boundaries or is not reported.
    """
    words = words_of(tokens)
    spans: list[tuple[int, int, str]] = []
    i, last_qty = 0, -10
    while i < len(words):
        between = words[last_qty:i] if 0 <= i - last_qty <= 3 else None
        after_qty = between is not None and all(w.key in _LIST_GLUE or _is_latin(w) for w in between)
        found = _match(words, i, after_qty)
        if found is None:
            i += 1
            continue
        end, label = found
        if label and words[i].first and words[end - 1].last:
            spans.append((words[i].token, words[end - 1].token + 1, label))
            if label == "QTY":
                last_qty = end
        i = max(end, i + 1)
    return spans
