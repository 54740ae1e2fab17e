import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from farsiner.data.normalize import ZWNJ, normalize


@pytest.mark.parametrize(
    "text, expected",
    [
        ("علي", "علی"),
        ("ى", "ی"),
        ("كتاب", "کتاب"),
        ("مدرسة", "مدرسه"),
        ("خانۀ", "خانه"),
        ("خانهٔ", "خانه"),
        ("مسأله", "مساله"),
        ("مؤسسه", "موسسه"),
        ("إیران", "ایران"),
        ("كُتُبٌ", "کتب"),
        ("کاملاً", "کاملا"),
        ("محمّد", "محمد"),
        ("بـــزرگ", "بزرگ"),
        ("ﻻ", "لا"),
        ("ﻛﺘﺎﺏ", "کتاب"),
        ("۱۲۳۴۵۶۷۸۹۰", "1234567890"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۱٫۸", "1.8"),
        ("۳٬۵۰۰", "3,500"),
        ("۵۰٪", "50%"),
        ("a\u00a0b", "a b"),
        ("a  \t b", "a b"),
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a \n b", "a\nb"),
        ("\u200fسلام\u200e", "سلام"),
        ("a\u200bb", "ab"),
        ("a\x00b", "ab"),
        ("", ""),
        ("Hello, World! 42", "Hello, World! 42"),
    ],
)
def test_normalize_text(text, expected):
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "zwnj, expected",
    [("keep", "کتاب\u200cها"), ("remove", "کتابها"), ("space", "کتاب ها")],
)
def test_zwnj_setting(zwnj, expected):
    assert normalize("کتاب\u200cها", zwnj=zwnj).text == expected


def test_zwnj_space_does_not_double_spaces():
    assert normalize("می\u200c شود", zwnj="space").text == "می شود"


@pytest.mark.parametrize(
    "digits, text, expected",
    [
        ("persian", "12.5%", "۱۲.۵٪"),
        ("persian", "٣", "۳"),
        ("keep", "۱۲ و 12 و ١٢", "۱۲ و 12 و ١٢"),
        ("latin", "۱۲ و 12 و ١٢", "12 و 12 و 12"),
    ],
)
def test_digit_setting(digits, text, expected):
    assert normalize(text, digits=digits).text == expected


def test_bad_settings_raise():
    with pytest.raises(ValueError, match="zwnj"):
        normalize("x", zwnj="drop")
    with pytest.raises(ValueError, match="digits"):
        normalize("x", digits="roman")


def test_span_maps_back_to_original():
    original = "شركت  فولادِ مبارکه ۱۲۰ ميليارد ريال"
    norm = normalize(original)
    start = norm.text.index("120")
    end = norm.text.index("ریال") + len("ریال")
    a, b = norm.to_original(start, end)
    assert original[a:b] == "۱۲۰ ميليارد ريال"
    s = norm.text.index("فولاد")
    a, b = norm.to_original(s, s + len("فولاد"))
    assert original[a:b] == "فولادِ"[:-1]


def test_span_over_deleted_characters_keeps_them():
    original = "بـزرگ"
    norm = normalize(original)
    assert norm.to_original(0, len(norm.text)) == (0, len(original))


def test_to_original_rejects_spans_outside():
    with pytest.raises(ValueError):
        normalize("abc").to_original(1, 5)


def test_empty_span():
    norm = normalize("a\u200bb")
    assert norm.to_original(1, 1) == (2, 2)
    assert norm.to_original(2, 2) == (3, 3)


# Persian and Arabic letters and their variants, digits in three scripts,
# diacritics, ZWNJ and other invisible marks, odd spaces, presentation forms, Latin.
persian_text = st.lists(
    st.sampled_from(
        list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآئءيكةۀأإؤ")
        + list("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789٫٬٪.,،؛؟!«»")
        + ["\u064b", "\u064e", "\u0651", "\u0654", "\u0640", ZWNJ, "\u200d", "\u200f", "\ufeff"]
        + [" ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u2009"]
        + ["ﻻ", "ﷲ", "ﻛ", "ﺏ", "ﯽ"]
        + list("abcXYZ-_/")
    ),
    max_size=60,
).map("".join)
any_text = st.one_of(persian_text, st.text(max_size=40))


STABLE = set("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآئabcXYZ")


@settings(max_examples=300, deadline=None)
@given(any_text, st.sampled_from(["keep", "remove", "space"]), st.sampled_from(["latin", "persian", "keep"]))
def test_alignment_properties(text, zwnj, digits):
    norm = normalize(text, zwnj=zwnj, digits=digits)
    n = len(norm.text)
    assert len(norm.starts) == len(norm.ends) == n
    previous_end = 0
    for i in range(n):
        a, b = norm.to_original(i, i + 1)
        assert 0 <= a < b <= len(text)
        # order-preserving
        assert a >= (norm.starts[i - 1] if i else 0)
        assert b >= previous_end
        previous_end = b
        # characters the normaliser leaves alone come back as they were
        if text[a] in STABLE:
            assert (a, b) == (norm.starts[i], a + 1) and norm.text[i] == text[a]


@settings(max_examples=300, deadline=None)
@given(any_text, st.data())
def test_every_span_maps_inside_and_round_trips(text, data):
    norm = normalize(text)
    n = len(norm.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    a, b = norm.to_original(start, end)
    assert 0 <= a <= b <= len(text)
    # normalising the original slice gives back the normalised slice, up to
    # whitespace at the edges (a collapsed run may straddle the edge) and the
    # rest of a character that expanded («ﻻ» → «لا») and was cut inside
    assert norm.text[start:end].strip() in normalize(text[a:b]).text


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_unchanged_text_round_trips(text):
    """Text made only of characters the normaliser leaves alone comes back identical."""
    stable = "".join(ch for ch in text if ch in STABLE)
    norm = normalize(stable)
    assert norm.text == stable
    assert list(norm.starts) == list(range(len(stable)))


@settings(max_examples=200, deadline=None)
@given(any_text, st.sampled_from(["keep", "remove", "space"]))
def test_idempotent(text, zwnj):
    once = normalize(text, zwnj=zwnj).text
    assert normalize(once, zwnj=zwnj).text == once
