"""More values of MON, PCT, QTY, DAT and TIM spans (issue 12), written from ANNOTATION.md.

One table per class of forms, with the forms that must read as None beside
it: decimals in words, hundreds in two words, «همت» and «تومن», clock times
with the minutes in words or with seconds, dates («می», a comma after the
weekday, spaced ordinals), mixed digit scripts and stray ZWNJ, number words
written onto their unit, and scale words the grammar does not know.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from farsiner.data import parse_number, parse_value
from farsiner.data.quantities.values import QUANTITY_LABELS

Z = "\u200c"  # ZWNJ
T = 10**12  # «همت»: هزار میلیارد تومان


def mon(amount, currency=None):
    return {"amount": amount, "currency": currency}


def pct(x, points=False):
    return {"percent": x, "points": True} if points else {"percent": x}


def qty(amount, unit):
    return {"amount": amount, "unit": unit}


def tim(hour, minute=0, second=None):
    return {"hour": hour, "minute": minute} if second is None else {"hour": hour, "minute": minute, "second": second}


def dat(calendar, year, month, day, start=None, end=None):
    return {"calendar": calendar, "year": year, "month": month, "day": day, "start": start, "end": end}


def day(calendar, year, month, d, iso):
    return dat(calendar, year, month, d, iso, iso)


# 1. Decimals written in words: tenths, hundredths, thousandths, «ممیز». Exact: 1.2 is 1.2.
DECIMALS = [
    ("N", "هفت دهم", 0.7),
    ("N", "دو دهم", 0.2),
    ("N", "نه دهم", 0.9),
    ("N", "پنج صدم", 0.05),
    ("N", "بیست صدم", 0.2),
    ("N", "سه هزارم", 0.003),
    ("N", "یک و دو دهم", 1.2),
    ("N", "صفر و پنج دهم", 0.5),
    ("N", "ده و سه دهم", 10.3),
    ("N", "سه و بیست و پنج صدم", 3.25),
    ("N", "دو و پنج هزارم", 2.005),
    ("N", "بیست و سه و یک دهم", 23.1),
    ("N", "صد و دو و هفت دهم", 102.7),
    ("N", "۹۸ و سه دهم", 98.3),
    ("N", "۲۰ و پنج صدم", 20.05),
    ("N", "۲۰ و بیست و پنج صدم", 20.25),
    ("N", "یک و دو دهم میلیارد", 1200000000),
    ("N", "سه ممیز پنج", 3.5),
    ("N", "سه ممیز صفر پنج", 3.05),
    ("N", "یک ممیز بیست و پنج", 1.25),
    ("N", "صفر ممیز هفت", 0.7),
    ("PCT", "یک و دو دهم درصد", pct(1.2)),
    ("PCT", "هفت دهم درصد", pct(0.7)),
    ("PCT", "سه و نیم درصد", pct(3.5)),
    ("PCT", "دو و پنج دهم درصدی", pct(2.5)),
    ("PCT", "۹۸ و سه دهم درصدی", pct(98.3)),
    ("PCT", "صفر و هفت دهم درصد", pct(0.7)),
    ("PCT", "یک ممیز پنج درصد", pct(1.5)),
    ("PCT", "هفت دهم واحد درصد", pct(0.7, points=True)),
    ("PCT", "یک و دو دهم تا یک و پنج دهم درصد", {"min": 1.2, "max": 1.5}),
    ("MON", "یک و دو دهم میلیارد دلار", mon(1200000000, "USD")),
    ("MON", "دو و پنج دهم میلیون تومان", mon(2500000, "IRT")),
    ("MON", "سه دهم میلیارد دلار", mon(300000000, "USD")),
    ("QTY", "یک و دو دهم میلیون نفر", qty(1200000, "نفر")),
    ("QTY", "دو و پنج دهم کیلوگرم", qty(2.5, "کیلوگرم")),
]
NOT_DECIMALS = [
    ("N", "بیست و پنج صدم"),  # 0.25 or 20.05
    ("N", "صد و بیست و پنج هزارم"),  # 0.125, 100.025 or 120.005
    ("N", "یازده دهم"),  # a decimal is below one
    ("N", "ده دهم"),
    ("N", "یک میلیون و دو دهم"),  # no decimal after a scale word
    ("N", "دو دهم و سه"),
    ("N", "یک و نیم دهم"),
    ("N", "ممیز پنج"),  # no whole number before the point
    ("N", "سه ممیز"),
    ("N", "سه ممیز صفر"),
    ("N", "۱ ممیز ۵"),  # digits are written «۱.۵»
    ("N", "دهم"),
    ("N", "یک و دهم"),
    ("PCT", "دو سوم درصد"),  # a fraction, not a decimal
    ("PCT", "یک چهارم درصد"),
    ("PCT", "بیست و پنج صدم درصد"),
    ("TIM", "ساعت یک و پنج دهم"),
    ("DAT", "سال یک و دو دهم هزار"),
]

# 2. Hundreds written as two words, as common as «پانصد».
HUNDREDS = [
    ("N", "پنج صد", 500),
    ("N", "چهار صد و بیست", 420),
    ("N", "یک صد", 100),
    ("N", "دو صد", 200),
    ("N", "سه صد", 300),
    ("N", "شش صد و شصت و شش", 666),
    ("N", "نه صد و نود و نه", 999),
    ("N", "هفت صد هزار", 700000),
    ("N", "پنج صد و بیست و پنج هزار", 525000),
    ("N", "دو هزار و پنج صد", 2500),
    ("N", f"سه{Z}صد", 300),
    ("N", f"پنج{Z}صد", 500),
    ("N", "پنجصد", 500),
    ("MON", "پنج صد میلیون تومان", mon(500000000, "IRT")),
    ("MON", "چهار صد و بیست هزار تومان", mon(420000, "IRT")),
    ("MON", "سه صد میلیارد ریال", mon(300000000000, "IRR")),
    ("MON", "هشت صد دلار", mon(800, "USD")),
    ("QTY", "پنج صد نفر", qty(500, "نفر")),
    ("QTY", "یک صد هکتار", qty(100, "هکتار")),
    ("QTY", "پنج صد تا شش صد نفر", {"min": 500, "max": 600, "unit": "نفر"}),
    ("PCT", "دو صد درصد", pct(200)),
]
NOT_HUNDREDS = [
    ("N", "بیست و پنج صد"),
    ("N", "ده صد"),
    ("N", "یازده صد"),
    ("N", "پنج صد صد"),
    ("N", "پنج و صد"),
    ("N", "۵ صد"),
    ("N", "پنج صد پانصد"),
    ("MON", "پنج صد صد تومان"),
]

# 3. «همت» is 10¹² toman; «تومن» is the toman.
HEMMAT = [
    ("MON", "۵۷ همت", mon(57 * T, "IRT")),
    ("MON", "۷.۵ همتی", mon(7500000000000, "IRT")),
    ("MON", "۱۰۰ همت", mon(100 * T, "IRT")),
    ("MON", "۳۳.۷ همت", mon(33700000000000, "IRT")),
    ("MON", "۱.۲ همت", mon(1200000000000, "IRT")),
    ("MON", "یک همت", mon(T, "IRT")),
    ("MON", "نیم همت", mon(T // 2, "IRT")),
    ("MON", "دو و نیم همت", mon(2500000000000, "IRT")),
    ("MON", "هزار همت", mon(1000 * T, "IRT")),
    ("MON", "۵ تا ۷ همت", {"min": 5 * T, "max": 7 * T, "currency": "IRT"}),
    ("MON", "٥٧ همت", mon(57 * T, "IRT")),
    ("MON", "57 همت", mon(57 * T, "IRT")),
    ("MON", "۱۰۰ تومن", mon(100, "IRT")),
    ("MON", "۵۰ هزار تومن", mon(50000, "IRT")),
    ("MON", "۲ میلیون تومنی", mon(2000000, "IRT")),
    ("MON", "سیصد تومن", mon(300, "IRT")),
]
NOT_HEMMAT = [
    ("MON", "همت"),
    ("MON", "همتی"),
    ("MON", "میلیارد همت"),
    ("MON", "۵ همت‌ها"),
    ("MON", "۱۲ همت و ۵۰۰ میلیارد تومان"),  # two units in one amount
    ("MON", "تومن"),
    ("PCT", "۵۷ همت"),
]

# 4. Clock times: minutes in words with no «دقیقه», seconds, one-digit minutes.
TIMES = [
    ("TIM", "ساعت نه و ربع", tim(9, 15)),
    ("TIM", "ساعت نه و یک ربع", tim(9, 15)),
    ("TIM", "ساعت نه و سه ربع", tim(9, 45)),
    ("TIM", "یازده و چهل و پنج صبح", tim(11, 45)),
    ("TIM", "ساعت یازده و چهل و پنج", tim(11, 45)),
    ("TIM", "ساعت هشت و نیم", tim(8, 30)),
    ("TIM", "ساعت ۹ و ۳۰", tim(9, 30)),
    ("TIM", "ساعت ده و سی", tim(10, 30)),
    ("TIM", "ساعت ۱۰ و ۴۵ صبح", tim(10, 45)),
    ("TIM", "هفت و چهل صبح", tim(7, 40)),
    ("TIM", "ساعت دو و پنجاه و پنج بعد از ظهر", tim(14, 55)),
    ("TIM", "ساعت هشت و بیست و پنج شب", tim(20, 25)),
    ("TIM", "۲۰:۳۲:۱۳", tim(20, 32, 13)),
    ("TIM", "20:32:13", tim(20, 32, 13)),
    ("TIM", "٢٠:٣٢:١٣", tim(20, 32, 13)),
    ("TIM", "ساعت ۰۸:۱۵:۰۰", tim(8, 15, 0)),
    ("TIM", "۲۳:۵۹:۵۹", tim(23, 59, 59)),
    ("TIM", "ساعت ۱۰:۳۰:۲۵ صبح", tim(10, 30, 25)),
    ("TIM", "ساعت ۲۰:۳۲:۱۳ امروز", tim(20, 32, 13)),
    ("TIM", "ساعت ۸ و ۳۰ دقیقه و ۱۵ ثانیه", tim(8, 30, 15)),
    ("TIM", "ساعت ۱۲:۵", tim(12, 5)),
    ("TIM", "ساعت ۸:۵ صبح", tim(8, 5)),
    ("TIM", "۸:۵ شب", tim(20, 5)),
    ("TIM", "ساعت ۹:۰۵", tim(9, 5)),
]
NOT_TIMES = [
    ("TIM", "ساعت ۲۱ و ۲۳"),  # two hours, not 21:23
    ("TIM", "ساعت نه و ده"),  # 9:10, or 9 and 10 o'clock
    ("TIM", "ساعت ۹ و ۶۰"),
    ("TIM", "ساعت نه و چهار ربع"),
    ("TIM", "۱۲:۵"),  # a one-digit minute needs «ساعت» or a part of the day
    ("TIM", "۳:۱"),
    ("TIM", "۲۰:۶۰:۱۳"),
    ("TIM", "۲۰:۳۲:۶۰"),
    ("TIM", "۲۴:۰۰:۰۱"),
    ("TIM", "۲۵:۰۰:۰۰"),
    ("TIM", "ساعت ۱۲:۵:۱۰"),
    ("TIM", "۲۰:۳۲:۱"),
    ("TIM", "ساعت ۸ و ۳۰ دقیقه و ۶۰ ثانیه"),
]

# 5. Dates: the month «می», a comma after the weekday, spaced ordinals.
DATES = [
    ("DAT", "۲۳ می ۲۰۲۲", day("gregorian", 2022, 5, 23, "2022-05-23")),
    ("DAT", "۲۳ مه ۲۰۲۲", day("gregorian", 2022, 5, 23, "2022-05-23")),
    ("DAT", "اول می ۲۰۲۳", day("gregorian", 2023, 5, 1, "2023-05-01")),
    ("DAT", "ماه می ۲۰۲۲", dat("gregorian", 2022, 5, None, "2022-05-01", "2022-05-31")),
    ("DAT", "می ۲۰۲۲", dat("gregorian", 2022, 5, None, "2022-05-01", "2022-05-31")),
    ("DAT", "ماه می سال ۲۰۱۶ میلادی", dat("gregorian", 2016, 5, None, "2016-05-01", "2016-05-31")),
    ("DAT", "۳۱ می", dat("gregorian", None, 5, 31)),
    ("DAT", "۲۳ می گذشته", dat("gregorian", None, 5, 23)),
    ("DAT", "دوشنبه، ۱۰ ژانویه ۲۰۲۲", day("gregorian", 2022, 1, 10, "2022-01-10")),
    ("DAT", "دوشنبه ۱۰ ژانویه ۲۰۲۲", day("gregorian", 2022, 1, 10, "2022-01-10")),
    ("DAT", "روز دوشنبه، ۱۰ ژانویه ۲۰۲۲", day("gregorian", 2022, 1, 10, "2022-01-10")),
    ("DAT", "شنبه, ۱ مهر ۱۴۰۲", day("jalali", 1402, 7, 1, "2023-09-23")),
    ("DAT", f"سه{Z}شنبه، ۵ مرداد ۱۴۰۰", day("jalali", 1400, 5, 5, "2021-07-27")),
    ("DAT", "سه شنبه، ۵ مرداد ۱۴۰۰", day("jalali", 1400, 5, 5, "2021-07-27")),
    ("DAT", "جمعه - ۱۴ آبان ۱۴۰۰", day("jalali", 1400, 8, 14, "2021-11-05")),
    ("DAT", "سی ام اسفند ۱۳۹۹", day("jalali", 1399, 12, 30, "2021-03-20")),
    ("DAT", f"سی{Z}ام اسفند ۱۳۹۹", day("jalali", 1399, 12, 30, "2021-03-20")),
    ("DAT", "سی ام اسفند", dat("jalali", None, 12, 30)),
    ("DAT", "بیست و یکم اسفند ۱۴۰۲", day("jalali", 1402, 12, 21, "2024-03-11")),
    ("DAT", "بیست و یک ام خرداد ۱۴۰۲", day("jalali", 1402, 3, 21, "2023-06-11")),
    ("DAT", "سی و یکم شهریور ۱۴۰۲", day("jalali", 1402, 6, 31, "2023-09-22")),
    ("DAT", "یکم فروردین ۱۴۰۳", day("jalali", 1403, 1, 1, "2024-03-20")),
    ("DAT", "سی ام دسامبر ۲۰۲۱", day("gregorian", 2021, 12, 30, "2021-12-30")),
    ("DAT", "سی ام دسامبر", dat("gregorian", None, 12, 30)),
    ("DAT", "بیست ام ژوئن ۲۰۲۳", day("gregorian", 2023, 6, 20, "2023-06-20")),
]
NOT_DATES = [
    ("DAT", "سی ام اسفند ۱۴۰۰"),  # 1400 is not a leap year
    ("DAT", "سی و یکم مهر ۱۴۰۲"),  # مهر has 30 days
    ("DAT", "سی ام فوریه ۲۰۲۰"),
    ("DAT", "۳۲ می ۲۰۲۲"),
    ("DAT", "۲۳ می رسد"),  # «می» the verb prefix
    ("DAT", "سی ام"),
    ("DAT", "دوشنبه،، ۱۰ ژانویه ۲۰۲۲"),
    ("DAT", "، ۱۰ ژانویه ۲۰۲۲"),
    ("DAT", "دوشنبه، امروز"),
]

# 6. One number in mixed Persian and Arabic-Indic digits (they look alike); a ZWNJ by a space.
SCRIPTS = [
    ("N", "۱٢۳", 123),
    ("N", "٢۵٠", 250),
    ("N", "۵٧.۴", 57.4),
    ("N", "۱٬٢۵٠", 1250),
    ("PCT", "۵٧.۴ درصد", pct(57.4)),
    ("PCT", "۵٠ درصد", pct(50)),
    ("MON", "٣۶ دلاری", mon(36, "USD")),
    ("MON", "٢۵ هزار و ۶۹۴ تومان", mon(25694, "IRT")),
    ("MON", "هفت میلیون و ٨۵٠ هزار تومان", mon(7850000, "IRT")),
    ("QTY", "۴٣ نفر", qty(43, "نفر")),
    ("QTY", "١۴ هزار مگاوات", qty(14000, "مگاوات")),
    ("DAT", "سال ١۴٠٣", dat("jalali", 1403, None, None, "2024-03-20", "2025-03-20")),
    ("DAT", "١۴٠٣/٠۵/۱۲", day("jalali", 1403, 5, 12, "2024-08-02")),
    ("TIM", "ساعت ١۸:۳٠", tim(18, 30)),
    ("MON", f"۲۰ میلیون{Z} تومان", mon(20000000, "IRT")),
    ("MON", f"۲۰{Z} میلیون تومان", mon(20000000, "IRT")),
    ("MON", f"۲۰ میلیون {Z} تومان", mon(20000000, "IRT")),
    ("MON", f"۲۴ میلیون{Z} و ۸۵۰ هزار{Z} تومان", mon(24850000, "IRT")),
    ("MON", f"۳ میلیارد{Z} ریال", mon(3000000000, "IRR")),
    ("MON", f"۳۰ میلیون{Z}تومانی", mon(30000000, "IRT")),
    ("PCT", f"۵۰{Z} درصد", pct(50)),
    ("QTY", f"۱۰۰ هزار{Z} نفر", qty(100000, "نفر")),
]
NOT_SCRIPTS = [
    ("N", "1۲3"),  # a Latin digit among Persian ones is seen: a typo or an identifier
    ("N", "۱2۳"),
    ("N", "1٢3"),
    ("MON", "۱2۳ تومان"),
    ("QTY", "1٢3 نفر"),
    ("PCT", "۵0 درصد"),
    ("MON", Z),
    ("MON", f"{Z} تومان"),
]

# 7. A number word written onto its unit: «دوبرابری», «سه‌برابر», «۳برابر».
FUSED = [
    ("QTY", "دوبرابری", qty(2, "برابر")),
    ("QTY", "دوبرابر", qty(2, "برابر")),
    ("QTY", f"سه{Z}برابر", qty(3, "برابر")),
    ("QTY", f"سه{Z}برابری", qty(3, "برابر")),
    ("QTY", "۳برابر", qty(3, "برابر")),
    ("QTY", f"۳{Z}برابر", qty(3, "برابر")),
    ("QTY", f"ده{Z}برابر", qty(10, "برابر")),
    ("QTY", "صدبرابر", qty(100, "برابر")),
    ("QTY", "چهاربرابر", qty(4, "برابر")),
    ("QTY", "دو و نیم برابر", qty(2.5, "برابر")),
    ("QTY", "یکبار", qty(1, "بار")),
    ("QTY", "دوبار", qty(2, "بار")),
    ("QTY", f"سه{Z}ماهه", qty(3, "ماه")),
    ("QTY", "دوماهه", qty(2, "ماه")),
    ("QTY", f"پنج{Z}ماهه", qty(5, "ماه")),
    ("QTY", "یکساله", qty(1, "سال")),
    ("QTY", f"ده{Z}ساله", qty(10, "سال")),
    ("QTY", "دونفره", qty(2, "نفر")),
    ("QTY", f"سه{Z}گانه", qty(3, "گانه")),
    ("QTY", "هزارتن", qty(1000, "تن")),
    ("QTY", "صدهزارتن", qty(100000, "تن")),
    ("QTY", "۲۰۰ هزارتن", qty(200000, "تن")),
    ("QTY", "۳ تا ۴ هزارتن", {"min": 3000, "max": 4000, "unit": "تن"}),
    ("MON", "هزارتومان", mon(1000, "IRT")),
    ("MON", "صدتومانی", mon(100, "IRT")),
    ("MON", "۱۰۰ هزارتومان", mon(100000, "IRT")),
    ("MON", "یک میلیون و ۲۰۰ هزارتومان", mon(1200000, "IRT")),
    ("MON", "۶۰ هزار میلیاردتومان", mon(60 * T, "IRT")),
    ("MON", "۳ هزارمیلیارد تومان", mon(3 * T, "IRT")),
    ("MON", "۳ هزارمیلیاردتومان", mon(3 * T, "IRT")),
    ("PCT", "صددرصد", pct(100)),
    ("PCT", "صددرصدی", pct(100)),
    ("PCT", f"پنجاه{Z}درصد", pct(50)),
]
NOT_FUSED = [
    ("QTY", "سهولت"),  # words that begin with a number word
    ("QTY", "یکدست"),
    ("QTY", "نیمروز"),
    ("QTY", "دوره"),
    ("QTY", "یکشنبه"),
    ("QTY", "برابر"),
    ("QTY", "سه‌برابرتر"),
    ("QTY", "دوبرابرها"),
    ("MON", "هزارتومانها"),
    ("PCT", "درصد"),
]

# 8. A scale word the grammar does not know is no unit: «یک بیلیارد نفر» is not 1 «بیلیارد نفر».
SCALES = [
    ("QTY", "یک میلیارد نفر", qty(1000000000, "نفر")),
    ("QTY", "۲ بیلیون نفر", qty(2000000000, "نفر")),
    ("QTY", "۵ تریلیون تن", qty(5 * T, "تن")),
    ("QTY", "۲ ملیون نفر", qty(2000000, "نفر")),
    ("QTY", "۳ یارد", qty(3, "یارد")),
]
NOT_SCALES = [
    ("QTY", "یک بیلیارد نفر"),
    ("QTY", "یک بیلیارد"),
    ("QTY", "۵ بیلیاردی"),
    ("QTY", "۵ تریلیارد تن"),
    ("QTY", "دو کوادریلیون نفر"),
    ("QTY", "۳ زیلیون نفر"),
    ("QTY", "۵ میلارد نفر"),  # a misspelt scale word
    ("QTY", "ده کرور نفر"),
    ("QTY", "۲ ملیاردها نفر"),
    ("QTY", "۲ میلیون بیلیارد نفر"),
    ("MON", "یک بیلیارد تومان"),
    ("MON", "۵ کوادریلیون دلار"),
    ("PCT", "۵ بیلیارد درصد"),
]

GOOD = [
    ("decimals", DECIMALS), ("hundreds", HUNDREDS), ("hemmat", HEMMAT), ("times", TIMES), ("dates", DATES),
    ("scripts", SCRIPTS), ("fused", FUSED), ("scales", SCALES),
]
BAD = [
    ("decimals", NOT_DECIMALS), ("hundreds", NOT_HUNDREDS), ("hemmat", NOT_HEMMAT), ("times", NOT_TIMES),
    ("dates", NOT_DATES), ("scripts", NOT_SCRIPTS), ("fused", NOT_FUSED), ("scales", NOT_SCALES),
]


_ALL_GOOD = [(group, *row) for group, rows in GOOD for row in rows]
_ALL_BAD = [(group, label, text) for group, rows in BAD for label, text in rows]


@pytest.mark.parametrize("group, label, text, expected", _ALL_GOOD, ids=[f"{g}-{l}-{t}" for g, l, t, _ in _ALL_GOOD])
def test_good_forms_read_exactly(group, label, text, expected):
    if label == "N":
        value = parse_number(text)
        assert value == expected and type(value) is type(expected)
    else:
        assert parse_value(label, text) == expected


@pytest.mark.parametrize("group, label, text", _ALL_BAD, ids=[f"{g}-{l}-{t}" for g, l, t in _ALL_BAD])
def test_bad_forms_are_none(group, label, text):
    value = parse_number(text) if label == "N" else parse_value(label, text)
    assert value is None


def test_enough_cases():
    assert sum(len(rows) for _, rows in GOOD + BAD) >= 150


def test_decimals_are_exact():
    assert parse_value("PCT", "یک و دو دهم درصد")["percent"] == 1.2
    assert repr(parse_number("سه و بیست و پنج صدم")) == "3.25"
    assert type(parse_value("MON", "یک و دو دهم میلیارد دلار")["amount"]) is int
    assert type(parse_value("MON", "۷.۵ همتی")["amount"]) is int


def test_seconds_only_where_written():
    assert "second" not in parse_value("TIM", "۲۰:۳۲")
    assert "second" not in parse_value("TIM", "ساعت ۸ و ۳۰ دقیقه")
    assert parse_value("TIM", "۲۰:۳۲:۰۰")["second"] == 0


_WORDS = [
    "۵۷", "۷.۵", "1.2", "٢٠:٣٢:١٣", "12:5", "۱۳۹۹/۱۲/۳۰", "۱٢۳", "1۲3", "یک", "دو", "سه", "پنج", "نه", "ده",
    "بیست", "سی", "صد", "پانصد", "هزار", "میلیون", "میلیارد", "بیلیارد", "نیم", "ربع", "دهم", "صدم", "هزارم",
    "ممیز", "صفر", "ام", "یکم", "و", "تا", "الی", "-", "،", ",", ":", "%", "درصد", "درصدی", "واحد", "همت", "همتی",
    "تومان", "تومن", "ریال", "دلار", "برابر", "دوبرابری", "سه\u200cبرابر", "صددرصد", "هزارتومان", "نفر", "تن",
    "ماهه", "ساعت", "دقیقه", "ثانیه", "صبح", "شب", "بعد", "از", "ظهر", "سال", "ماه", "می", "مه", "اسفند",
    "ژانویه", "دوشنبه", "سه", "شنبه", "روز", "امروز", "گذشته", "میلادی", "هجری", "قمری", "\u200c", "«", ")",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=9), st.sampled_from(QUANTITY_LABELS), st.booleans())
def test_never_raises_on_grammar_words(words, label, joined):
    text = ("" if joined else " ").join(words)
    value = parse_value(label, text)
    assert value is None or isinstance(value, dict)
    assert parse_number(text) is None or isinstance(parse_number(text), (int, float))


@pytest.mark.parametrize("label", QUANTITY_LABELS)
@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_never_raises_on_any_text(label, text):
    value = parse_value(label, text)
    assert value is None or isinstance(value, dict)
