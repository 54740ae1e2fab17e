import pytest

from farsiner.data.segment import split_sentences, split_words


def sentences(text):
    return [text[a:b] for a, b in split_sentences(text)]


def words(text):
    return [text[a:b] for a, b in split_words(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("اول. دوم", ["اول.", "دوم"]),
        ("آیا آمد؟ بله!", ["آیا آمد؟", "بله!"]),
        ("اول؛ دوم", ["اول؛", "دوم"]),
        ("خط اول\nخط دوم", ["خط اول", "خط دوم"]),
        ("رشد 1.8 درصد بود. سپس", ["رشد 1.8 درصد بود.", "سپس"]),
        ("رشد ۱٫۸ درصد بود", ["رشد ۱٫۸ درصد بود"]),
        ("رشد ۱.۸ درصد بود", ["رشد ۱.۸ درصد بود"]),
        ("قیمت 3.500.000 ریال شد.", ["قیمت 3.500.000 ریال شد."]),
        ("سال 1400 ه.ش بود.", ["سال 1400 ه.ش بود."]),
        ("ع. یزدانی گفت.", ["ع. یزدانی گفت."]),
        ("Dr. Smith came. Then", ["Dr. Smith came.", "Then"]),
        ("او گفت: «خوب است.» بعد رفت.", ["او گفت: «خوب است.»", "بعد رفت."]),
        ("چه؟! واقعا", ["چه؟!", "واقعا"]),
        ("  \n ", []),
        ("", []),
        ("بدون پایان", ["بدون پایان"]),
        ("www.farsnews.ir گزارش داد.", ["www.farsnews.ir گزارش داد."]),
    ],
)
def test_split_sentences(text, expected):
    assert sentences(text) == expected


def test_sentence_offsets_point_into_text():
    text = " اول.  دوم؟\n\nسوم "
    for a, b in split_sentences(text):
        assert text[a:b].strip() == text[a:b] and text[a:b]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("به گزارش «قم‌نیوز»، امروز", ["به", "گزارش", "«", "قم\u200cنیوز", "»", "،", "امروز"]),
        ("رشد ۱٫۸ درصد", ["رشد", "۱٫۸", "درصد"]),
        ("۳،۵۰۰ تن", ["۳،۵۰۰", "تن"]),
        ("3,500 تن", ["3,500", "تن"]),
        ("تاریخ 1396/05/12 بود", ["تاریخ", "1396/05/12", "بود"]),
        ("ساعت 18:30", ["ساعت", "18:30"]),
        ("۵۰٪ و 50%", ["۵۰", "٪", "و", "50", "%"]),
        ("۱۲۰۰میلیارد", ["۱۲۰۰", "میلیارد"]),
        ("G20 و B2B", ["G20", "و", "B2B"]),
        ("پایان.", ["پایان", "."]),
        ("", []),
    ],
)
def test_split_words(text, expected):
    assert words(text) == expected


def test_split_words_in_a_range_keeps_offsets():
    text = "اول. دوم سوم"
    (s1, e1), (s2, e2) = split_sentences(text)
    assert [text[a:b] for a, b in split_words(text, s2, e2)] == ["دوم", "سوم"]
    assert split_words(text, s2, e2)[0][0] == s2
