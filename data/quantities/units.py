"""What follows a number: a currency, a percent sign, a unit or a counted noun.

Lexicon keys are written without ZWNJ and spaces («متر مربع», «مترمربع» and
«متر‌مربع» are one key); known units are reported in the canonical spelling
below, any other counted noun in its normalised written form.

The adjectival/ezafe «ی» («دلاری», «خودروی», «هفته‌ای») and the adjectival
«ه» of a few units («نفره», «ساله», «روزه») stay in the span but not in the
value, and only where the stem is a known unit or currency: «تیمی» reads as
«تیمی» unless «تیم» is known (it is).
"""

from __future__ import annotations

from farsiner.data.quantities.dates import NOT_COUNTED_DATE_WORDS
from farsiner.data.normalize import ZWNJ, normalize
from farsiner.data.quantities.numbers import (
    DENOMINATORS, SCALES, TENS, VAGUE, WORD_NUMBERS, Word, is_number_word, looks_like_scale, ordinal_value,
)


def _key(text: str) -> str:
    return text.replace("\u200c", "").replace(" ", "")


# ISO 4217 codes, and IRT for the toman (which stays toman); «همت» is هزار میلیارد تومان.
CURRENCIES = {
    "ریال": "IRR", "تومان": "IRT", "تومن": "IRT", "همت": "IRT", "دلار": "USD", "یورو": "EUR", "درهم": "AED",
    "یوان": "CNY", "یوآن": "CNY", "پوند": "GBP", "ین": "JPY", "روبل": "RUB", "لیر": "TRY", "لیره": "TRY",
    "روپیه": "INR", "دینار": "IQD", "فرانک": "CHF", "وون": "KRW", "بیت کوین": "BTC", "اتریوم": "ETH",
    "منات": "AZN", "رینگیت": "MYR", "پوند استرلینگ": "GBP", "درام": "AMD", "بات": "THB",
    "کرون سوئد": "SEK", "کرون نروژ": "NOK", "کرون دانمارک": "DKK", "لاری گرجستان": "GEL",
    "تنگه قزاقستان": "KZT",
    "دلار آمریکا": "USD", "دلار امریکا": "USD", "دلار کانادا": "CAD", "دلار استرالیا": "AUD",
    "دلار هنگ کنگ": "HKD", "دلار سنگاپور": "SGD", "دلار نیوزیلند": "NZD",
    "ریال ایران": "IRR", "ریال عربستان": "SAR", "ریال سعودی": "SAR", "ریال قطر": "QAR", "ریال عمان": "OMR",
    "ریال یمن": "YER", "دینار عراق": "IQD", "دینار کویت": "KWD", "دینار بحرین": "BHD", "دینار اردن": "JOD",
    "فرانک سوئیس": "CHF", "فرانک سوییس": "CHF", "لیر ترکیه": "TRY", "لیره ترکیه": "TRY",
    "لیره لبنان": "LBP", "لیره سوریه": "SYP", "پوند انگلیس": "GBP", "روبل روسیه": "RUB", "ین ژاپن": "JPY",
    "یوان چین": "CNY", "وون کره": "KRW", "درهم امارات": "AED", "روپیه هند": "INR", "روپیه پاکستان": "PKR",
    "منات آذربایجان": "AZN", "منات ترکمنستان": "TMT",
}
# Currency units that are a multiple of the currency they are reported in.
CURRENCY_FACTORS = {"همت": 10**12}
_CURRENCY_KEYS = {_key(k): v for k, v in CURRENCIES.items()}
_MULTI_CURRENCY = {_key(k) for k in CURRENCIES if " " in k}
# Two-word currencies whose second word is part of the name; in the others
# («دلار آمریکا») the second word is a country, a LOC outside the MON span.
_ONE_NAME = {"بیتکوین", "پونداسترلینگ"}

MEASURES = [
    "تن", "کیلوگرم", "کیلو", "گرم", "میلی‌گرم", "میکروگرم", "بشکه", "لیتر", "میلی‌لیتر", "سی‌سی",
    "متر", "متر مربع", "متر مکعب", "کیلومتر", "کیلومتر مربع", "سانتی‌متر", "سانتی‌متر مکعب", "میلی‌متر",
    "هکتار", "جریب", "مگاوات", "کیلووات", "گیگاوات", "وات", "مگاوات ساعت", "کیلووات ساعت", "ولت",
    "کیلوولت", "اسب بخار", "فوت", "فوت مکعب", "اینچ", "مایل", "مایل مربع", "یارد", "اونس", "گالن",
    "درجه", "ریشتر", "نات", "بایت", "کیلوبایت", "مگابایت", "گیگابایت", "ترابایت", "مگاپیکسل", "کالری",
    "کیلوکالری", "هرتز", "مگاهرتز", "گیگاهرتز", "دسی‌بل", "قیراط", "مثقال", "کیلومتر مکعب", "الکترون ولت",
    "کیلومتر در ساعت", "مایل در ساعت", "متر بر ثانیه", "متر در ثانیه",
]
# Classifiers, multipliers, ratings and votes: always the unit after a number.
CLASSIFIERS = [
    "نفر", "واحد", "دستگاه", "قلم", "عدد", "باب", "رأس", "فروند", "قطعه", "جلد", "نسخه", "مورد",
    "فقره", "برابر", "ستاره", "رأی", "بار", "دفعه", "مرتبه", "نوبت", "تخته", "حلقه", "دست",
]
DURATIONS = ["ثانیه", "دقیقه", "ساعت", "روز", "شبانه‌روز", "هفته", "ماه", "سال", "دهه", "قرن", "سده"]
# Counted nouns common in economic news; knowing them lets their «ی» go
# and lets a spelled or year-like number count them.
COUNTED = [
    "خوشه", "کشور", "شرکت", "بنگاه", "کارخانه", "کارگاه", "پروژه", "طرح", "نقطه", "خودرو", "تاکسی",
    "اتوبوس", "واگن", "هواپیما", "کشتی", "شهر", "روستا", "استان", "شهرستان", "باشگاه", "تیم", "مدرسه",
    "کلاس", "بیمارستان", "تخت", "مرکز", "شعبه", "مدال", "اتحادیه", "کارگر", "کارمند", "شهید", "کودک",
    "دانش‌آموز", "دانشجو", "بیمار", "زائر", "مسافر", "سرنشین", "عضو", "نماینده", "هکتار", "صفحه", "مقاله",
    "کتاب", "عنوان", "فیلم", "اثر", "غرفه", "شبکه", "کانال", "موکب", "روحانی", "پرچم", "برنامه", "مصوبه",
    "کمیسیون", "گروه", "نوع", "منظور", "نماد", "سهم", "سکه", "تختخواب", "آپارتمان", "خانه", "مسکن",
    "رستوران", "هتل", "فروشگاه", "شغل", "فرصت", "وام", "چاه", "سد", "نیروگاه", "پالایشگاه", "پتروشیمی",
    "معدن", "خط", "مسیر", "فاز", "قرارداد", "تفاهم‌نامه", "مجوز", "پرونده", "متهم", "کشته", "زخمی",
    "مصدوم", "حادثه", "زلزله", "کیلومتر", "غیرنظامی", "دانشگاه", "آموزشگاه", "فعال",
]
ADJECTIVAL_E = {
    "نفره": "نفر", "ساله": "سال", "ماهه": "ماه", "روزه": "روز", "ساعته": "ساعت", "تنه": "تن", "هفته‌ای": "هفته",
}

# Units are reported as the normaliser writes them («رأی» → «رای»).
_KNOWN: dict[str, str] = {}
for _u in MEASURES + CLASSIFIERS + DURATIONS + COUNTED:
    _KNOWN[_key(normalize(_u).text)] = normalize(_u).text
_DURATION_KEYS = {_key(normalize(u).text) for u in DURATIONS}
_MEASURE_KEYS = {_key(normalize(u).text) for u in MEASURES}
_ADJECTIVAL_E = {_key(a): u for a, u in ADJECTIVAL_E.items()}
_ADJ = {"ی", "ای", "یی"}


def _stems(key: str) -> list[str]:
    """The key and what it is without an adjectival/ezafe «ی», «ای», «یی»."""
    out = [key]
    if key.endswith("ی"):
        out.append(key[:-1])
    if key.endswith(("ای", "یی")):
        out.append(key[:-2])
    return out


def read_currency(words: list[Word], i: int) -> tuple[int, int, str, int] | None:
    """A currency at ``words[i]``: (span end, full end, ISO code, factor).

    The span end leaves out a country after the currency («دلار» in «دلار
    آمریکا»), which is a LOC; the full end takes it, for the value. The
    factor turns the amount into the code's unit: 10¹² for «همت», else 1.
    """
    if i >= len(words):
        return None
    if i + 1 < len(words):
        for stem in _stems(words[i].key + words[i + 1].key):
            if stem in _MULTI_CURRENCY:
                end = _adjectival_end(words, i + 2)
                return (end if stem in _ONE_NAME else i + 1), end, _CURRENCY_KEYS[stem], 1
    for stem in _stems(words[i].key):
        if stem in _CURRENCY_KEYS:
            end = _adjectival_end(words, i + 1)
            return end, end, _CURRENCY_KEYS[stem], CURRENCY_FACTORS.get(stem, 1)
    return None


def _adjectival_end(words: list[Word], j: int) -> int:
    # «روپیه ای» written apart: the «ای» belongs to the word before it.
    return j + 1 if j < len(words) and words[j].key in _ADJ and not words[j].first else j


def read_percent(words: list[Word], i: int) -> tuple[int, bool] | None:
    """«درصد», «درصدی», «در صد», «%», «واحد درصد» at ``words[i]``: (end, points)."""
    if i >= len(words):
        return None
    k = words[i].key
    if k in ("درصد", "درصدی", "%"):
        return _adjectival_end(words, i + 1), False
    nxt = words[i + 1].key if i + 1 < len(words) else ""
    if k == "در" and nxt in ("صد", "صدی"):
        return i + 2, False
    if k == "واحد" and nxt in ("درصد", "درصدی"):
        return _adjectival_end(words, i + 2), True
    if k in ("واحددرصد", "واحددرصدی"):
        return i + 1, True
    return None


def read_known_unit(words: list[Word], i: int) -> tuple[int, str] | None:
    """A known unit, classifier, duration or counted noun at ``words[i]``: (end, canonical unit)."""
    if i >= len(words):
        return None
    for n in (3, 2):  # «مایل در ساعت», «متر مربع», «کیلو گرم», «شبانه روز»
        if i + n <= len(words) and words[i + n - 1].key not in _ADJ:
            for stem in _stems("".join(w.key for w in words[i:i + n])):
                if stem in _KNOWN and stem != words[i].key:
                    return _adjectival_end(words, i + n), _KNOWN[stem]
    k = words[i].key
    if k in _ADJECTIVAL_E:
        return _adjectival_end(words, i + 1), _ADJECTIVAL_E[k]
    for stem in _stems(k):
        if stem in _KNOWN:
            return _adjectival_end(words, i + 1), _KNOWN[stem]
    return None


def is_duration(unit: str) -> bool:
    return _key(unit) in _DURATION_KEYS


def is_known_unit(unit: str) -> bool:
    return _key(unit) in _KNOWN


def is_measure(unit: str) -> bool:
    return _key(unit) in _MEASURE_KEYS


def is_adjectival_period(word: Word) -> bool:
    """«روزه», «ساله», «هفته‌ای»: a period used as an adjective («سفر یک روزه»)."""
    return word.key in _ADJECTIVAL_E and is_duration(_ADJECTIVAL_E[word.key])


# Words that cannot be the counted noun right after a number: function
# words, verbs, adverbs, and the adjectives that make «دو» an idiom
# («دو جانبه», «سه بعدی», «دو ومیدانی»).
NOT_COUNTED = set(
    """
    از به با در بر برای تا بی بدون درباره روی زیر بالای پایین پس پیش قبل بعد بین میان نزد سوی طی ظرف
    طبق مانند مثل همچون جز غیر علیه توسط بنابر ضمن درون بیرون کنار نزدیک دور سر هنگام حین طول
    و یا اما ولی که چون اگر هم نیز یعنی سپس بلکه زیرا چرا چه چی را رو هر هیچ همه تمام کل بعضی برخی
    دیگر دیگری خود او وی آنها ایشان ما من تو شما آنان اینها این آن همین همان چنین چنان
    است هست نیست بود بوده باشد باشند اند ایم اید شد شده شود شوند شدند کرد کرده کند کنند کردند کردن
    نمود نموده نماید نمایند دارد دارند داشت داشته داشتند رسید رسیده رسد رسند خواهد خواهند گفت گفته
    گرفت گرفته داد داده دهد دهند می نمی ب ن
    حدود تقریبا حداقل حداکثر بیش بیشتر کمتر کم زیاد فقط تنها حتی هنوز اکنون تاکنون امروز دیروز فردا
    امسال پارسال اخیر گذشته آینده آتی جاری متوالی پیاپی نخست اول آخر معادل مجموع جمعا
    ها های هایی ی ای یی ام اند درصد درصدی صد واحددرصد
    جانبه گانه ومیدانی قطبی سویه طرفه بعدی خوان منظوره رگه تابعیتی لایه
    امتیاز بیشتری کمتری ربع چندم دهم ظرفیتی نخستین اولین آخرین قلو
    """.split()
)


def read_counted_noun(words: list[Word], i: int) -> tuple[int, str] | None:
    """The one counted noun right after a number, if ``words[i]`` can be one.

    Known units first; any other word of Persian letters that is not a
    function word, a verb, a plural, a number, an ordinal, a month or a
    weekday (those make dates) counts. It is reported as written, normalised.
    """
    known = read_known_unit(words, i)
    if known:
        return known
    if i >= len(words):
        return None
    w = words[i]
    k = w.key
    if len(k) < 2 or not all("\u0621" <= c <= "\u06cc" for c in k):
        return None
    if any(stem in NOT_COUNTED or stem in NOT_COUNTED_DATE_WORDS for stem in _stems(k)):
        return None
    if k in _CURRENCY_KEYS or k in VAGUE:
        return None
    if k in WORD_NUMBERS or k in SCALES or k in TENS or k in DENOMINATORS or ordinal_value(k) is not None:
        return None
    if k.endswith("ترین") or w.text.startswith(("می\u200c", "نمی\u200c")):
        return None  # superlatives, verbs
    if k.endswith("مین") and (k[:-3] in WORD_NUMBERS or k[:-3] in SCALES or ordinal_value(k[:-2]) is not None):
        return None  # ordinals: «چهارمین», «سومین», «هزارمین»
    if k.startswith("و") and ordinal_value(k[1:]) is not None:
        return None  # «بیست ودوم»: an ordinal written without its space
    if k.startswith("بر") and k[2:] in WORD_NUMBERS:
        return None  # «۲ برصفر»: a score
    if k.endswith(("ها", "های", "هایی")):
        return None  # a number does not count a plural
    if k[:-1] in SCALES or looks_like_scale(k) or any(k.startswith(s) for s in ("درصد",)):
        return None
    return _adjectival_end(words, i + 1), w.text


# What a number word may be written onto, with no space: «سه‌برابر», «دوماهه»,
# «هزارتومان», «صددرصد», «هزارمیلیارد»; and «گانه» of «سه‌گانه» (as «۱۱ گانه»).
# Not the counted nouns, «دست» or «ولت»: «یکدست», «سهولت» are words.
_FUSED_TAILS = (
    {_key(normalize(u).text) for u in MEASURES + CLASSIFIERS + DURATIONS} - {"دست", "ولت"}
) | set(_ADJECTIVAL_E) | set(_CURRENCY_KEYS) | set(SCALES) | {"درصد", "گانه"}
_WHOLE = set(_KNOWN) | set(_ADJECTIVAL_E) | set(_CURRENCY_KEYS)
_MAX_FUSED = 24  # letters: «هزارمیلیاردتومانی» has 17; longer words are not tried


def _fused_cuts(key: str, start: int = 0) -> list[int] | None:
    """Where to cut ``key[start:]`` into number words and one known tail: «هزارمیلیاردتومان» → [4, 12]."""
    for cut in range(start + 1, len(key)):
        if key[start:cut] == "نیم" or not is_number_word(key[start:cut]):
            continue  # «نیمروز», «نیم‌تنه» are words
        if any(stem in _FUSED_TAILS for stem in _stems(key[cut:])):
            return [cut]
        rest = _fused_cuts(key, cut)
        if rest:
            return [cut, *rest]
    return None


def split_fused(words: list[Word]) -> list[Word]:
    """``words`` with each number word written onto its unit split off: «سه‌برابر» → «سه», «برابر».

    Only a word that is nothing by itself is split, and only into number or
    scale words and one known unit, currency, scale or «درصد»: «یکشنبه»,
    «هفته», «دوره» and «سهام» stay whole.
    """
    out: list[Word] = []
    for w in words:
        k = w.key
        cuts = None
        if 2 < len(k) <= _MAX_FUSED and all("\u0621" <= c <= "\u06cc" for c in k) and not is_number_word(k):
            if not any(stem in _WHOLE for stem in _stems(k)):
                cuts = _fused_cuts(k)
        if not cuts:
            out.append(w)
            continue
        # the cuts count letters of the key; the text may hold ZWNJ between them
        bounds, seen = [], 0
        for pos, c in enumerate(w.text):
            if c != ZWNJ:
                if seen in cuts:
                    bounds.append(pos)
                seen += 1
        edges = [0] + bounds + [len(w.text)]
        parts = [w.text[a:b].strip(ZWNJ) for a, b in zip(edges, edges[1:])]
        for n, text in enumerate(parts):
            out.append(Word(text, text.replace(ZWNJ, ""), w.token, w.first and n == 0, w.last and n == len(parts) - 1))
    return out
