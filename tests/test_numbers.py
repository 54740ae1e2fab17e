"""The Persian number grammar: digits in any script, number words, scale words, ranges."""

from fractions import Fraction

import pytest

from farsiner.data.quantities.numbers import ordinal_value, parse_number, read_amount, read_number, words_of

NUMBERS = [
    # digits, separators, scripts
    ("3", 3),
    ("۳", 3),
    ("٣", 3),
    ("389", 389),
    ("۳۸۹", 389),
    ("٣٨٩", 389),
    ("1.8", 1.8),
    ("۱٫۸", 1.8),
    ("١٫٨", 1.8),
    ("۱.۸", 1.8),
    ("0.25", 0.25),
    ("3,500", 3500),
    ("۳٬۵۰۰", 3500),
    ("۳،۵۰۰", 3500),
    ("3,500,000", 3500000),
    ("1,234.5", 1234.5),
    ("۰۵", 5),
    # words
    ("صفر", 0),
    ("یک", 1),
    ("نه", 9),
    ("ده", 10),
    ("یازده", 11),
    ("هجده", 18),
    ("هیجده", 18),
    ("بیست", 20),
    ("بیست و پنج", 25),
    ("صد", 100),
    ("یکصد", 100),
    ("صد و ده", 110),
    ("صد و بیست و سه", 123),
    ("سیصد و پنجاه", 350),
    ("نهصد و نود و نه", 999),
    ("هزار", 1000),
    ("یکهزار", 1000),
    ("یک‌هزار", 1000),
    ("یک هزار", 1000),
    ("دوهزار", 2000),
    ("سه هزار و 700", 3700),
    ("8 هزار و 6", 8006),
    ("نهصد و نود و نه هزار و نهصد و نود و نه", 999999),
    ("یک و نیم", 1.5),
    ("نیم", 0.5),
    ("دو سوم", 2 / 3),
    ("یک چهارم", 0.25),
    ("سه پنجم", 0.6),
    # scale words
    ("یک میلیون", 1000000),
    ("یک میلیون و ۲۰۰ هزار", 1200000),
    ("یک میلیون و نیم", 1500000),
    ("دو و نیم میلیون", 2500000),
    ("۲.۵ میلیارد", 2500000000),
    ("۲٫۵ میلیارد", 2500000000),
    ("1.16 میلیون", 1160000),
    ("۲۴ میلیون و ۸۵۰ هزار", 24850000),
    ("هزار میلیارد", 10**12),
    ("۳ هزار میلیارد", 3 * 10**12),
    ("هزار و 200 میلیارد", 1200 * 10**9),
    ("۱۵ تریلیون", 15 * 10**12),
    ("۲ بیلیون", 2 * 10**9),
    ("۲ ملیون", 2000000),
    ("120 میلیونی", 120000000),
    ("۲ میلیون و ۵۰۰", 2000500),
]

NOT_NUMBERS = [
    "", " ", "abc", "میلیارد", "میلیون", "تریلیون", "میلیاردها", "میلیون‌ها", "میلیون ها", "ده ها", "هزاران", "صدها",
    "1۲3", "۱2", "1" * 40, "۹" * 25, "بیست پنج", "پنج و بیست", "صد و صد", "۲ میلیون و ۳ میلیون", "میلیون هزار",
    "هزار هزار", "۲ هزار و ۵۰۰۰", "3.3 و 3.4", "1,5", "3,50", "1.5.6", "چند", "چندین", "یکی", "پنجم", "اول",
    "۵ نفر", "۱۳۹۶/۰۵/۱۲", "18:30",
]


@pytest.mark.parametrize("text, expected", NUMBERS, ids=[t for t, _ in NUMBERS])
def test_parse_number(text, expected):
    value = parse_number(text)
    assert value == pytest.approx(expected) and type(value) is type(expected)


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_a_number(text):
    assert parse_number(text) is None


def test_not_text():
    assert parse_number(None) is None


RANGES = [
    ("۱ تا ۲ میلیون", 1000000, 2000000),
    ("۱۰ الی ۱۲", 10, 12),
    ("۵-۶", 5, 6),
    ("5 - 6", 5, 6),
    ("۵ – ۶", 5, 6),
    ("۴ لغایت ۸", 4, 8),
    ("دو تا سه", 2, 3),
    ("هشت تا 9 هزار میلیارد", 8 * 10**12, 9 * 10**12),
    ("8 هزار تا 9 هزار میلیارد", 8 * 10**12, 9 * 10**12),
    ("هزار تا هزار و 200 میلیارد", 10**12, 1200 * 10**9),
    ("۵۰۰ هزار تا ۲ میلیون", 500000, 2000000),
    ("120 تا 250 میلیونی", 120000000, 250000000),
    ("4 تا 4.5", 4, 4.5),
]


@pytest.mark.parametrize("text, low, high", RANGES, ids=[t for t, _, _ in RANGES])
def test_read_amount_range(text, low, high):
    words = words_of([text])
    a = read_amount(words, 0)
    assert (a.start, a.end, a.is_range) == (0, len(words), True)
    assert (a.low, a.high) == (Fraction(low), Fraction(high)) or (float(a.low), float(a.high)) == (low, high)


@pytest.mark.parametrize("text", ["۳ تا ۲", "۳ تا ۲ میلیون", "۵ تا ۵"])
def test_range_in_the_wrong_order_is_none(text):
    assert read_amount(words_of([text]), 0) is None


def test_a_single_number_is_not_a_range():
    a = read_amount(words_of(["۳ میلیارد ریال"]), 0)
    assert (a.end, a.is_range, a.scaled, a.low) == (2, False, True, 3 * 10**9)


def test_read_number_stops_before_what_follows():
    words = words_of(["۳۸۹ خوشه صنعتی"])
    n = read_number(words, 0)
    assert (n.end, n.value) == (1, 389)
    # «و» that joins something other than a smaller group is not part of the number
    words = words_of(["9000 کشته و 16000 زخمی"])
    assert read_number(words, 0).end == 1


def test_vague_plurals_are_no_number():
    assert read_number(words_of(["میلیون ها نفر"]), 0) is None
    assert read_number(words_of(["ده ها سال"]), 0) is None


def test_fractions_can_be_turned_off():
    n = read_number(words_of(["یک سوم"]), 0, fractions=False)
    assert (n.end, n.value, n.fraction) == (1, 1, False)
    assert read_number(words_of(["یک سوم"]), 0).fraction


def test_words_keep_tokens_and_hide_mixed_digits():
    words = words_of(["۴نفر", "متر\u200cمربع", "1۲3"])
    assert [(w.text, w.key, w.token, w.first, w.last) for w in words] == [
        ("4", "4", 0, True, False),
        ("نفر", "نفر", 0, False, True),
        ("متر\u200cمربع", "مترمربع", 1, True, True),
        ("123", "", 2, True, True),
    ]


@pytest.mark.parametrize(
    "word, value",
    [("اول", 1), ("یکم", 1), ("نخست", 1), ("دوم", 2), ("سوم", 3), ("پنجم", 5), ("نهم", 9), ("دهم", 10), ("بیستم", 20),
     ("سی‌ام".replace("\u200c", ""), 30), ("چهار", None), ("کتاب", None)],
)
def test_ordinal_value(word, value):
    assert ordinal_value(word) == value
