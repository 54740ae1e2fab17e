"""Values of MON, PCT, QTY, DAT and TIM spans, written from ANNOTATION.md's value schema."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from farsiner.data.quantities.values import QUANTITY_LABELS, parse_value

_TO_PERSIAN = str.maketrans("0123456789.,", "۰۱۲۳۴۵۶۷۸۹٫٬")
_TO_ARABIC = str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬")


def mon(amount, currency=None):
    return {"amount": amount, "currency": currency}


def mon_range(low, high, currency=None):
    return {"min": low, "max": high, "currency": currency}


def pct(x, points=False):
    return {"percent": x, "points": True} if points else {"percent": x}


def qty(amount, unit):
    return {"amount": amount, "unit": unit}


def qty_range(low, high, unit):
    return {"min": low, "max": high, "unit": unit}


def dat(calendar, year, month, day, start, end):
    return {"calendar": calendar, "year": year, "month": month, "day": day, "start": start, "end": end}


def jal(year, month=None, day=None, start=None, end=None):
    return dat("jalali", year, month, day, start, end)


def gre(year, month=None, day=None, start=None, end=None):
    return dat("gregorian", year, month, day, start, end)


def hij(year, month=None, day=None, start=None, end=None):
    return dat("hijri", year, month, day, start, end)


def tim(hour, minute=0):
    return {"hour": hour, "minute": minute}


MONEY = [
    # the guidelines and the sample article
    ("۳ میلیارد ریال", mon(3000000000, "IRR")),
    ("۱۶۰ میلیارد ریال", mon(160000000000, "IRR")),
    ("۲۴ میلیون و ۸۵۰ هزار تومان", mon(24850000, "IRT")),
    ("۱.۸ میلیارد دلاری", mon(1800000000, "USD")),
    ("۱ تا ۲ میلیون تومان", mon_range(1000000, 2000000, "IRT")),
    ("۱۶۰ میلیون تومانی", mon(160000000, "IRT")),
    ("۹۰ میلیون", mon(90000000)),
    ("۱۶۰ میلیونی", mon(160000000)),
    ("۷۰ هزار تومان", mon(70000, "IRT")),
    # PEYMA's own MON spans
    ("هشت تا 9 هزار میلیارد تومان", mon_range(8000000000000, 9000000000000, "IRT")),
    ("500 میلیارد تومان", mon(500000000000, "IRT")),
    ("700 میلیون دلار", mon(700000000, "USD")),
    ("50 تا 60 هزار میلیارد دلار", mon_range(50000000000000, 60000000000000, "USD")),
    ("100 هزار میلیارد", mon(100000000000000)),
    ("8 هزار میلیاردی", mon(8000000000000)),
    ("1200 میلیارد تومانی", mon(1200000000000, "IRT")),
    ("120 تا 250 میلیون تومان", mon_range(120000000, 250000000, "IRT")),
    ("هزار تا هزار و 200 میلیارد تومان", mon_range(1000000000000, 1200000000000, "IRT")),
    ("120 تا 250 میلیونی", mon_range(120000000, 250000000)),
    ("یک دلار", mon(1, "USD")),
    ("9 دلار", mon(9, "USD")),
    # currencies
    ("۵۰۰ یورو", mon(500, "EUR")),
    ("۲۰ درهم", mon(20, "AED")),
    ("۱۰۰ یوان", mon(100, "CNY")),
    ("۱۰۰ یوآن", mon(100, "CNY")),
    ("۵ پوند", mon(5, "GBP")),
    ("۱۰ پوند استرلینگ", mon(10, "GBP")),
    ("۱۰۰۰ ین", mon(1000, "JPY")),
    ("۵۰ روبل", mon(50, "RUB")),
    ("۲۰ لیر", mon(20, "TRY")),
    ("۲۰ لیر ترکیه", mon(20, "TRY")),
    ("۱۰۰ روپیه", mon(100, "INR")),
    ("۱۰۰۰ دینار", mon(1000, "IQD")),
    ("۱۰۰۰ دینار عراق", mon(1000, "IQD")),
    ("۵ دینار کویت", mon(5, "KWD")),
    ("۱۰ ریال سعودی", mon(10, "SAR")),
    ("۱۰ ریال عربستان", mon(10, "SAR")),
    ("۵ فرانک سوئیس", mon(5, "CHF")),
    ("۱۰۰ وون", mon(100, "KRW")),
    ("۲ بیت کوین", mon(2, "BTC")),
    ("۲ بیت‌کوین", mon(2, "BTC")),
    ("۱۰۰ دلار آمریکا", mon(100, "USD")),
    ("۱۰ دلار آمریکایی", mon(10, "USD")),
    ("۱۰ دلار کانادا", mon(10, "CAD")),
    # adjectival ی, written joined, with ZWNJ or apart
    ("۵ میلیارد دلاری", mon(5000000000, "USD")),
    ("۵۰ هزار تومانی", mon(50000, "IRT")),
    ("۳۰ هزار ریالی", mon(30000, "IRR")),
    ("۱۰ میلیون یورویی", mon(10000000, "EUR")),
    ("۳ میلیون روپیه‌ای", mon(3000000, "INR")),
    ("۳ میلیون روپیه ای", mon(3000000, "INR")),
    ("۲۰ میلیون درهمی", mon(20000000, "AED")),
    # number words, scale words, separators
    ("یک میلیارد دلار", mon(1000000000, "USD")),
    ("نیم میلیون تومان", mon(500000, "IRT")),
    ("۲ و نیم میلیارد تومان", mon(2500000000, "IRT")),
    ("دو و نیم میلیارد تومان", mon(2500000000, "IRT")),
    ("بیست و پنج هزار تومان", mon(25000, "IRT")),
    ("یکصد میلیون ریال", mon(100000000, "IRR")),
    ("یک میلیون و ۲۰۰ هزار تومان", mon(1200000, "IRT")),
    ("۳,۵۰۰ تومان", mon(3500, "IRT")),
    ("3,500 تومان", mon(3500, "IRT")),
    ("۳٬۵۰۰ تومان", mon(3500, "IRT")),
    ("۳،۵۰۰ تومان", mon(3500, "IRT")),
    ("۱٫۵ میلیون دلار", mon(1500000, "USD")),
    ("۲.۵ میلیارد دلار", mon(2500000000, "USD")),
    ("1.16 میلیون دلار", mon(1160000, "USD")),
    ("۱۵ تریلیون ریال", mon(15000000000000, "IRR")),
    ("۲ بیلیون دلار", mon(2000000000, "USD")),
    ("هزار میلیارد تومان", mon(1000000000000, "IRT")),
    ("۱۰ الی ۱۲ میلیون تومان", mon_range(10000000, 12000000, "IRT")),
    ("۵۰۰ هزار تا ۲ میلیون تومان", mon_range(500000, 2000000, "IRT")),
    # Arabic letters, as the 600K part of PEYMA writes them
    ("3 ميليارد ريال", mon(3000000000, "IRR")),
    ("٣ مليار ريال", mon(3000000000, "IRR")),
    # «منفی» stays in an amount (data/annotations/README.md) and makes it negative
    ("منفی ۱۷ میلیارد دلاری", mon(-17000000000, "USD")),
    ("منفی ۶ میلیارد و ۸۱۵ میلیون دلار", mon(-6815000000, "USD")),
    ("۱۲- میلیارد دلار", mon(-12000000000, "USD")),
    # groups written without «و», each smaller than the scale word before it
    ("۱۴ میلیون ۹۰۰ هزار تومان", mon(14900000, "IRT")),
    ("۱ میلیون ۲۷۰ هزار ۱۳۶ تومان", mon(1270136, "IRT")),
    ("۱ میلیون و ۶۹۳ هزار ۵۱۴ تومان", mon(1693514, "IRT")),
    # cents: of the currency before them; alone, of the US dollar
    ("۱۱۲ دلار و ۶۷ سنت", mon(112.67, "USD")),
    ("چهار دلار و 22 سنت", mon(4.22, "USD")),
    ("۵ یورو و ۲۰ سنت", mon(5.2, "EUR")),
    ("۳۰ سنت", mon(0.3, "USD")),
    # thousands grouped by dots, or set apart by PEYMA's tokenisation
    ("63.000.000 ریال", mon(63000000, "IRR")),
    ("32 , 390 ریال", mon(32390, "IRR")),
    ("1,200 , 500 ریال", mon(1200500, "IRR")),
]

PERCENT = [
    ("۵۰ درصد", pct(50)),
    ("۷۰ درصد", pct(70)),
    ("پنج درصدی", pct(5)),
    ("۳۰ درصدی", pct(30)),
    ("۰.۲۵ واحد درصد", pct(0.25, points=True)),
    ("۰.۲۵ واحد درصدی", pct(0.25, points=True)),
    ("منفی ۲.۵ درصد", pct(-2.5)),
    ("منفی ۰.۵ واحد درصد", pct(-0.5, points=True)),
    # a minus sign before the digits, or typed after them as right-to-left text often has it
    ("۴.۴- درصد", pct(-4.4)),
    ("٤.٩-درصد", pct(-4.9)),
    ("-۲.۱ درصد", pct(-2.1)),
    ("−۰.۵ درصد", pct(-0.5)),
    ("۲ واحد درصد", pct(2, points=True)),
    ("3.7 درصد", pct(3.7)),
    ("72.8 درصد", pct(72.8)),
    ("100 درصد", pct(100)),
    ("شش درصد", pct(6)),
    ("ده درصد", pct(10)),
    ("بیست و پنج درصد", pct(25)),
    ("نیم درصد", pct(0.5)),
    ("۱٫۵ درصد", pct(1.5)),
    ("۱۲۰ درصدی", pct(120)),
    ("50 در صد", pct(50)),
    ("۱۰٪", pct(10)),
    ("۵۰%", pct(50)),
    ("٪۱۰", pct(10)),
    ("%50", pct(50)),
    ("4 تا 4.5 درصد", {"min": 4, "max": 4.5}),
    ("5 تا 7 درصد", {"min": 5, "max": 7}),
    ("۱۰ الی ۱۲ درصد", {"min": 10, "max": 12}),
    ("۲-۳ درصد", {"min": 2, "max": 3}),  # a number after the sign: a range, not a minus
    ("۵-۶ درصد", {"min": 5, "max": 6}),
    ("۵ – ۶ درصد", {"min": 5, "max": 6}),
    ("یک تا دو واحد درصد", {"min": 1, "max": 2, "points": True}),
    ("۹۰", pct(90)),
]

QUANTITY = [
    # the guidelines
    ("۳۸۹ خوشه", qty(389, "خوشه")),
    ("۱۰۰ هزار نفر", qty(100000, "نفر")),
    ("یکهزار واحد", qty(1000, "واحد")),
    ("یک‌هزار واحد", qty(1000, "واحد")),
    ("۱۷ کشور", qty(17, "کشور")),
    ("۵۰۰ هزار تن", qty(500000, "تن")),
    ("۳ میلیون بشکه", qty(3000000, "بشکه")),
    ("سه ماه", qty(3, "ماه")),
    ("یک روزه", qty(1, "روز")),
    ("چهار خودروی", qty(4, "خودرو")),
    ("۴ نفره", qty(4, "نفر")),
    ("۲۷۵۱ فعال", qty(2751, "فعال")),
    ("۸۰ دستگاه", qty(80, "دستگاه")),
    ("۱۷ قلم", qty(17, "قلم")),
    ("۸ برابر", qty(8, "برابر")),
    ("دو ستاره", qty(2, "ستاره")),
    ("۸۴ رأی", qty(84, "رای")),
    ("۸۴ رای", qty(84, "رای")),
    ("یک دستگاه", qty(1, "دستگاه")),
    # the sample article
    ("۶۸ خوشه", qty(68, "خوشه")),
    ("۶۰ اتحادیه", qty(60, "اتحادیه")),
    ("۶ خوشه", qty(6, "خوشه")),
    ("۲۵ بنگاه", qty(25, "بنگاه")),
    ("۸۹ بنگاه", qty(89, "بنگاه")),
    ("هشت واحد", qty(8, "واحد")),
    ("۹ پروژه", qty(9, "پروژه")),
    # units of measure
    ("۵ متر مکعب", qty(5, "متر مکعب")),
    ("۱۲ متر مربع", qty(12, "متر مربع")),
    ("۱۲ متر مربعی", qty(12, "متر مربع")),
    ("۴۲۱۲۳ مترمربع", qty(42123, "متر مربع")),
    ("۴۲۱۲۳ متر‌مربع", qty(42123, "متر مربع")),
    ("60 هزار کیلومتر مربعی", qty(60000, "کیلومتر مربع")),
    ("۳ کیلوگرم", qty(3, "کیلوگرم")),
    ("۱۰ لیتر", qty(10, "لیتر")),
    ("۲۰۰ مگاوات", qty(200, "مگاوات")),
    ("۵۰ هکتار", qty(50, "هکتار")),
    ("۱۰ کیلومتری", qty(10, "کیلومتر")),
    ("۱۵ متری", qty(15, "متر")),
    ("۲ لیتری", qty(2, "لیتر")),
    ("140 اسب بخار", qty(140, "اسب بخار")),
    ("14 تریلیون الکترون ولت", qty(14000000000000, "الکترون ولت")),
    ("دو مایل در ساعت", qty(2, "مایل در ساعت")),
    ("۲۰ کیلومتر در ساعت", qty(20, "کیلومتر در ساعت")),
    ("۵۰۰ تنی", qty(500, "تن")),
    ("۱۰ میلیون بشکه‌ای", qty(10000000, "بشکه")),
    ("15 هزار متر مکعب", qty(15000, "متر مکعب")),
    ("۱۷ درجه", qty(17, "درجه")),
    ("منفی ۵ درجه", qty(-5, "درجه")),
    ("۱۲- درجه", qty(-12, "درجه")),
    ("3.4 ریشتر", qty(3.4, "ریشتر")),
    ("315 فوت", qty(315, "فوت")),
    # classifiers and counted nouns
    ("۲۰ دستگاه", qty(20, "دستگاه")),
    ("۵ قلم", qty(5, "قلم")),
    ("۳۸ واحدی", qty(38, "واحد")),
    ("۵۲ باب", qty(52, "باب")),
    ("۸ مورد", qty(8, "مورد")),
    ("دو برابری", qty(2, "برابر")),
    ("3.5 برابری", qty(3.5, "برابر")),
    ("دو بار", qty(2, "بار")),
    ("۱۰۸ فروند", qty(108, "فروند")),
    ("2768 خودرویی", qty(2768, "خودرو")),
    ("۳ تیمی", qty(3, "تیم")),
    ("361 تختخوابی", qty(361, "تختخواب")),
    ("۲۳۹ سرنشین", qty(239, "سرنشین")),
    ("9000 کشته", qty(9000, "کشته")),
    ("16000 زخمی", qty(16000, "زخمی")),
    ("۲۸ صفحه", qty(28, "صفحه")),
    ("۱۷۵ استخر", qty(175, "استخر")),
    ("هزار روحانی", qty(1000, "روحانی")),
    ("1 میلیون و 600 هزار ایرانی", qty(1600000, "ایرانی")),
    ("سه هزار و 700 کیلومتری", qty(3700, "کیلومتر")),
    ("8 هزار و 6 کیلومتر", qty(8006, "کیلومتر")),
    ("67 هزار و 883 مورد", qty(67883, "مورد")),
    ("بیست و پنج نفر", qty(25, "نفر")),
    ("صد و بیست و سه نفر", qty(123, "نفر")),
    ("یکصد نفر", qty(100, "نفر")),
    ("دو زمین لرزه", qty(2, "زمین لرزه")),
    ("5.8 میلیون خودرو", qty(5800000, "خودرو")),
    # periods and adjectival periods
    ("۲ روز", qty(2, "روز")),
    ("۴ سال", qty(4, "سال")),
    ("۲۴ ساعت", qty(24, "ساعت")),
    ("2 ماهه", qty(2, "ماه")),
    ("2500 ساله", qty(2500, "سال")),
    ("سه روزه", qty(3, "روز")),
    ("یک هفته ای", qty(1, "هفته")),
    ("یک هفته‌ای", qty(1, "هفته")),
    ("سه جلسه ای", qty(3, "جلسه ای")),
    # ranges
    ("دو تا سه ماه", qty_range(2, 3, "ماه")),
    ("8 تا 13 سال", qty_range(8, 13, "سال")),
    ("40 تا 41 درجه", qty_range(40, 41, "درجه")),
    ("سه الی چهار سال", qty_range(3, 4, "سال")),
    ("۱ تا ۲ میلیون نفر", qty_range(1000000, 2000000, "نفر")),
    # no unit written: the amount still reads
    ("۵۰۰", qty(500, None)),
    ("دو سوم", qty(2 / 3, None)),
]

DATES = [
    ("سال ۱۳۹۶", jal(1396, start="2017-03-21", end="2018-03-20")),
    ("۱۵ خرداد ۱۴۰۲", jal(1402, 3, 15, "2023-06-05", "2023-06-05")),
    ("۱۳۹۶/۰۵/۱۲", jal(1396, 5, 12, "2017-08-03", "2017-08-03")),
    ("1396/5/12", jal(1396, 5, 12, "2017-08-03", "2017-08-03")),
    ("12/05/1396", jal(1396, 5, 12, "2017-08-03", "2017-08-03")),
    ("۱۳۹۶.۰۵.۱۲", jal(1396, 5, 12, "2017-08-03", "2017-08-03")),
    ("96/05/12", jal(1396, 5, 12, "2017-08-03", "2017-08-03")),
    ("خرداد ماه ۹۸", jal(1398, 3, None, "2019-05-22", "2019-06-21")),
    ("خردادماه ۹۸", jal(1398, 3, None, "2019-05-22", "2019-06-21")),
    ("سال ۹۸", jal(1398, start="2019-03-21", end="2020-03-19")),
    ("سال ۰۲", jal(1402, start="2023-03-21", end="2024-03-19")),
    ("سال ۵۰", jal(1350, start="1971-03-21", end="1972-03-20")),
    ("سال 95", jal(1395, start="2016-03-20", end="2017-03-20")),
    ("سال ۲۰۱۸ میلادی", gre(2018, start="2018-01-01", end="2018-12-31")),
    ("سال 2008 میلادی", gre(2008, start="2008-01-01", end="2008-12-31")),
    ("سال 1995", gre(1995, start="1995-01-01", end="1995-12-31")),
    ("2016", gre(2016, start="2016-01-01", end="2016-12-31")),
    ("96", jal(1396, start="2017-03-21", end="2018-03-20")),
    ("۱۰ محرم ۱۴۴۰", hij(1440, 1, 10, "2018-09-20", "2018-09-20")),
    ("۱ رمضان ۱۴۴۴", hij(1444, 9, 1, "2023-03-23", "2023-03-23")),
    ("شوال ۱۴۴۰", hij(1440, 10, None, "2019-06-04", "2019-07-03")),
    ("ربیع‌الاول ۱۴۴۵", hij(1445, 3, None, "2023-09-16", "2023-10-15")),
    ("ربیع الاول ۱۴۴۵", hij(1445, 3, None, "2023-09-16", "2023-10-15")),
    ("ذی‌الحجه ۱۴۴۰", hij(1440, 12, None, "2019-08-02", "2019-08-30")),
    ("ذی الحجه ۱۴۴۰", hij(1440, 12, None, "2019-08-02", "2019-08-30")),
    ("سال ۱۴۴۰ قمری", hij(1440, start="2018-09-11", end="2019-08-30")),
    ("سال ۱۴۴۰ هجری قمری", hij(1440, start="2018-09-11", end="2019-08-30")),
    ("۱۰ صفر ۱۴۴۰", hij(1440, 2, 10, "2018-10-19", "2018-10-19")),
    ("۱۰ محرم", hij(None, 1, 10)),
    ("سال ۱۳۹۶ هجری شمسی", jal(1396, start="2017-03-21", end="2018-03-20")),
    ("سال ۱۳۹۶ ه.ش", jal(1396, start="2017-03-21", end="2018-03-20")),
    ("15 خرداد 1342 ش", jal(1342, 3, 15, "1963-06-05", "1963-06-05")),
    ("سال ۱۳۹۳ تا ۱۳۹۶", jal(None, start="2014-03-21", end="2018-03-20")),
    ("سال ۱۳۹۶ تا ۱۳۹۳", jal(None, start="2014-03-21", end="2018-03-20")),
    ("سال های 1347-1340 ش", jal(None, start="1961-03-21", end="1969-03-20")),
    ("سال 93 و 94", jal(None, start="2014-03-21", end="2016-03-19")),
    ("سال 2006 تا دسامبر سال 2014", gre(None, start="2006-01-01", end="2014-12-31")),
    ("سال مالی 2014 - 2015", gre(None, start="2014-01-01", end="2015-12-31")),
    ("4 تا 8 اردیبهشت 1395", jal(1395, 2, None, "2016-04-23", "2016-04-27")),
    ("۱۵ خرداد تا ۲۰ تیر ۱۴۰۲", jal(1402, None, None, "2023-06-05", "2023-07-11")),
    ("29 دی 94", jal(1394, 10, 29, "2016-01-19", "2016-01-19")),
    ("پنجشنبه 27 خرداد 1395", jal(1395, 3, 27, "2016-06-16", "2016-06-16")),
    ("سه شنبه پنجم مرداد ماه", jal(None, 5, 5)),
    ("پانزدهم شهریورماه", jal(None, 6, 15)),
    ("اول مهر", jal(None, 7, 1)),
    ("بیست و هفتم خرداد", jal(None, 3, 27)),
    ("روز ۱۵ خرداد", jal(None, 3, 15)),
    ("اسفندماه", jal(None, 12)),
    ("مرداد ماه امسال", jal(None, 5)),
    ("مهر ماه سال جاری", jal(None, 7)),
    ("فروردین ۱۳۹۶", jal(1396, 1, None, "2017-03-21", "2017-04-20")),
    ("اسفند ۱۳۹۹", jal(1399, 12, None, "2021-02-19", "2021-03-20")),
    ("اسفند ۱۴۰۰", jal(1400, 12, None, "2022-02-20", "2022-03-20")),
    ("۳۰ اسفند ۱۳۹۹", jal(1399, 12, 30, "2021-03-20", "2021-03-20")),
    ("دی‌ماه ۹۸", jal(1398, 10, None, "2019-12-22", "2020-01-20")),
    ("ژانویه سال 2015", gre(2015, 1, None, "2015-01-01", "2015-01-31")),
    ("10 سپتامبر 2008", gre(2008, 9, 10, "2008-09-10", "2008-09-10")),
    ("۲۹ فوریه ۲۰۲۰", gre(2020, 2, 29, "2020-02-29", "2020-02-29")),
    ("۱ ژانویه ۲۰۱۹", gre(2019, 1, 1, "2019-01-01", "2019-01-01")),
    ("ژوئیه ۲۰۱۹", gre(2019, 7, None, "2019-07-01", "2019-07-31")),
    ("جولای 2019", gre(2019, 7, None, "2019-07-01", "2019-07-31")),
    ("اوت 2019", gre(2019, 8, None, "2019-08-01", "2019-08-31")),
    ("آگوست 2019", gre(2019, 8, None, "2019-08-01", "2019-08-31")),
    ("ماه مه 2000", gre(2000, 5, None, "2000-05-01", "2000-05-31")),
    ("۲۰۱۸/۰۵/۱۲", gre(2018, 5, 12, "2018-05-12", "2018-05-12")),
    ("25/12/2018", gre(2018, 12, 25, "2018-12-25", "2018-12-25")),
    ("23 می", gre(None, 5, 23)),
    ("ماه ژوئن", gre(None, 6)),
    ("پاییز 1394", jal(1394, start="2015-09-23", end="2015-12-21")),
    ("زمستان ۹۸", jal(1398, start="2019-12-22", end="2020-03-19")),
    ("بهار ۱۴۰۰", jal(1400, start="2021-03-21", end="2021-06-21")),
    ("دهه 1970", gre(None, start="1970-01-01", end="1979-12-31")),
    ("دهه ۷۰", jal(None, start="1991-03-21", end="2001-03-20")),
    ("دهه ۱۳۶۰", jal(None, start="1981-03-21", end="1991-03-20")),
    ("دهه چهل شمسی", jal(None, start="1961-03-21", end="1971-03-20")),
    ("ابتدای سال 94", jal(1394, start="2015-03-21", end="2016-03-19")),
    ("اوایل سال ۹۷", jal(1397, start="2018-03-21", end="2019-03-20")),
    ("پایان سال 2018", gre(2018, start="2018-01-01", end="2018-12-31")),
]

TIMES = [
    ("ساعت ۱۸", tim(18)),
    ("۱۸:۳۰", tim(18, 30)),
    ("11:47", tim(11, 47)),
    ("ساعت ۲۳:۵۹", tim(23, 59)),
    ("ساعت ۸ و ۳۰ دقیقه", tim(8, 30)),
    ("ساعت ۸:۳۰ صبح", tim(8, 30)),
    ("۸ صبح", tim(8)),
    ("۸ شب", tim(20)),
    ("ساعت ۱۲ شب", tim(0)),
    ("ساعت ۲ بامداد", tim(2)),
    ("۱ ظهر", tim(13)),
    ("۴ بعد از ظهر", tim(16)),
    ("۴ بعدازظهر", tim(16)),
    ("ساعت ۵ عصر", tim(17)),
    ("ساعت ۱۶ عصر", tim(16)),
    ("ساعت ۱۰ و نیم", tim(10, 30)),
    ("ساعت ۸ و ربع", tim(8, 15)),
    ("ساعت ۲۴", tim(0)),
    ("ساعت نه", tim(9)),
    ("ساعت شش و 16 دقیقه صبح جمعه", tim(6, 16)),
    ("ساعت هفت و 57 دقیقه صبح امروز", tim(7, 57)),
    ("ساعت ۹ صبح روز شنبه", tim(9)),
    ("ساعت بیست و سه", tim(23)),
    ("۱۸", tim(18)),
]

# Relative, vague or broken: no value, and no exception.
NO_VALUE = [
    ("MON", "منفی"),
    ("MON", "59 ، 107 و 142 میلیارد ریال"),  # a list of three amounts, not 59,107
    ("MON", "24 , 92 ریال"),  # a group of two digits is no thousands group
    ("MON", "۵۰۰ هزار ۲ میلیون تومان"),  # a group bigger than the scale before it
    ("MON", "۵ دلار و ۱۲۰ سنت"),
    ("MON", "۱۲ سنت و ۵ دلار"),
    ("PCT", "منفی ۲ تا ۳ درصد"),  # which of the two is below zero, the text leaves open
    ("PCT", "-"),
    ("DAT", "امروز"),
    ("DAT", "سال گذشته"),
    ("DAT", "امسال"),
    ("DAT", "روز یکشنبه"),
    ("DAT", "هفته آینده"),
    ("DAT", "شب یلدا"),
    ("DAT", "پاییز"),
    ("DAT", "۴۰ خرداد ۱۳۹۶"),
    ("DAT", "۳۱ مهر ۱۳۹۹"),
    ("DAT", "۳۰ اسفند ۱۴۰۰"),
    ("DAT", "۲۹ فوریه ۲۰۲۱"),
    ("DAT", "۱۳۹۶/۱۳/۰۱"),
    ("DAT", "۱۳۹۶/۰۵/۴۰"),
    ("DAT", "05/12/2018"),
    ("DAT", "خرداد ۲۰۱۸"),
    ("DAT", "سال ۲۰۱۸ شمسی"),
    ("DAT", "سال ۱۳۹۶ هجری"),
    ("DAT", "سال ۵۰۰۰"),
    ("DAT", "سال 700"),
    ("DAT", "۱ محرم ۱۳۰۰"),
    ("DAT", "دهه ۹۰ میلادی"),
    ("DAT", "5"),
    ("DAT", "از تاریخ 4 اردیبهشت لغایت 8 اردیبهشت"),
    ("TIM", "صبح امروز"),
    ("TIM", "۲۴ ساعت گذشته"),
    ("TIM", "امشب"),
    ("TIM", "شامگاه یکشنبه"),
    ("TIM", "ساعت ۲۵"),
    ("TIM", "۲۵:۰۰"),
    ("TIM", "ساعت ۱۸ و ۶۰ دقیقه"),
    ("TIM", "ساعت ۱۶ صبح"),
    ("TIM", "ساعت"),
    ("MON", "میلارد"),
    ("MON", "میلیارد"),
    ("MON", "میلیارد ریال"),
    ("MON", "میلیاردها دلار"),
    ("MON", "آمریکا"),
    ("MON", "دلار"),
    ("MON", "یورویی"),
    ("MON", "1۲3 تومان"),
    ("MON", "۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹۰ ریال"),
    ("MON", "۳ تا ۲ میلیون تومان"),
    ("MON", "۲ میلیون و ۳ میلیون تومان"),
    ("PCT", "درصد"),
    ("PCT", "03-Feb درصد"),
    ("PCT", "چند درصد"),
    ("PCT", "1,5 درصد"),
    ("QTY", "ده‌ها نفر"),
    ("QTY", "ده ها نفر"),
    ("QTY", "میلیاردها"),
    ("QTY", "هزاران نفر"),
    ("QTY", "چند هزار نفر"),
    ("QTY", "1۲3 نفر"),
    ("QTY", "1" * 40 + " نفر"),
    ("QTY", "بیست پنج نفر"),
    ("QTY", "نفر"),
    ("QTY", "Latin text"),
    ("QTY", "۵ نفر (۳)"),
    ("PER", "علی یزدانی"),
    ("ORG", "۳ میلیارد ریال"),
    ("LOC", "قم"),
    ("O", "۵۰ درصد"),
    ("qty", "۵۰ نفر"),
]

# Every label on input that is not text, empty, or noise.
ODD_INPUTS = ["", " ", "\u200c", "؟", "،", "-", "تا", "و", "۵ تا", "تا ۵", "- ۵", "1e9", "NaN", "inf", "٫٫", "۰٫",
              "1/2/3/4", "۱۳۹۶/۰۰/۰۰", "00:00:00", "::", "🙂", "\x00", "a" * 1000, "۹" * 500, "و " * 50]


def _in_other_scripts(label, rows):
    """Each row with Latin digits again in Persian and in Arabic-Indic digits: the value is the same."""
    out = []
    for text, value in rows:
        if any("0" <= c <= "9" for c in text):
            out += [(label, text.translate(_TO_PERSIAN), value), (label, text.translate(_TO_ARABIC), value)]
    return out


def _ids(rows):
    return [r[0] for r in rows]


OTHER_SCRIPTS = (
    _in_other_scripts("MON", MONEY) + _in_other_scripts("PCT", PERCENT) + _in_other_scripts("QTY", QUANTITY)
    + _in_other_scripts("DAT", DATES) + _in_other_scripts("TIM", TIMES)
)


@pytest.mark.parametrize("text, expected", MONEY, ids=_ids(MONEY))
def test_money(text, expected):
    assert parse_value("MON", text) == expected


@pytest.mark.parametrize("text, expected", PERCENT, ids=_ids(PERCENT))
def test_percent(text, expected):
    assert parse_value("PCT", text) == expected


@pytest.mark.parametrize("text, expected", QUANTITY, ids=_ids(QUANTITY))
def test_quantity(text, expected):
    assert parse_value("QTY", text) == expected


@pytest.mark.parametrize("text, expected", DATES, ids=_ids(DATES))
def test_date(text, expected):
    assert parse_value("DAT", text) == expected


@pytest.mark.parametrize("text, expected", TIMES, ids=_ids(TIMES))
def test_time(text, expected):
    assert parse_value("TIM", text) == expected


@pytest.mark.parametrize("label, text", NO_VALUE, ids=[f"{l}-{t[:20]}" for l, t in NO_VALUE])
def test_no_value(label, text):
    assert parse_value(label, text) is None


@pytest.mark.parametrize("label, text, expected", OTHER_SCRIPTS, ids=[f"{r[0]}-{r[1]}" for r in OTHER_SCRIPTS])
def test_any_digit_script(label, text, expected):
    assert parse_value(label, text) == expected


@pytest.mark.parametrize("text", ODD_INPUTS)
@pytest.mark.parametrize("label", QUANTITY_LABELS)
def test_odd_input_never_raises(label, text):
    value = parse_value(label, text)
    assert value is None or isinstance(value, dict)


def test_not_text_is_none():
    assert parse_value("MON", None) is None
    assert parse_value(None, "۵ نفر") is None


def test_integral_amounts_are_ints():
    value = parse_value("MON", "۳ میلیارد ریال")
    assert type(value["amount"]) is int and value["amount"] == 3000000000
    assert type(parse_value("MON", "۱.۸ میلیارد دلار")["amount"]) is int
    assert type(parse_value("PCT", "۳.۷ درصد")["percent"]) is float


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="۰۱۲۳۴۵۶۷۸۹0123456789٫.,،/:-٪% وتاالیدرصدهزارمیلیونمیلیاردریالتومانسالخردادساعتنفر", max_size=30),
       st.sampled_from(QUANTITY_LABELS))
def test_never_raises(text, label):
    value = parse_value(label, text)
    assert value is None or isinstance(value, dict)

