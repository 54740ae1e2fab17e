"""The silver QTY labeller and the span finder it uses."""

import importlib.util
from pathlib import Path

import pytest

from farsiner.data.corpus import Sentence
from farsiner.data.labels import spans_from_bio
from farsiner.data.quantities.finder import find_quantities
from farsiner.data.segment import split_words
from farsiner.data.quantities.silver import add_silver_qty

REPO = Path(__file__).resolve().parents[1]
GOLD_QTY = REPO / "data" / "annotations" / "peyma_test_qty.jsonl"
SAMPLE = REPO.parent / "shared" / "data" / "samples" / "qom-industrial-clusters.txt"


def _sentence(text: str, tags: dict[int, str] | None = None, sid: str = "s") -> Sentence:
    tokens = text.split(" ")
    all_tags = ["O"] * len(tokens)
    for i, tag in (tags or {}).items():
        all_tags[i] = tag
    return Sentence(tokens, all_tags, sid, {"source": "test"})


def _silver_spans(text: str, tags: dict[int, str] | None = None) -> list[str]:
    s = add_silver_qty([_sentence(text, tags)])[0]
    return [" ".join(s.tokens[a:b]) for a, b, label in spans_from_bio(s.tags) if label == "QTY"]


TAGGED = [
    ("اظهار کرد : ۳۸۹ خوشه صنعتی در کشور شناسایی شده", ["۳۸۹ خوشه"]),
    ("بیش از یکهزار واحد صنعتی فعال هستند", ["یکهزار واحد"]),
    ("آموزش ۱۰۰ هزار نفر برنامه ریزی شده", ["۱۰۰ هزار نفر"]),
    ("با ۱۷ کشور تفاهم نامه امضا شده", ["۱۷ کشور"]),
    ("و هشت واحد دیگر نیز مراحل نهایی را طی کرده", ["هشت واحد"]),
    ("در سفر یک روزه معاون وزیر", ["یک روزه"]),
    ("تولید ۵۰۰ هزار تن فولاد", ["۵۰۰ هزار تن"]),
    ("صادرات ۳ میلیون بشکه نفت", ["۳ میلیون بشکه"]),
    ("ظرف سه ماه تکمیل می شود", ["سه ماه"]),
    ("۸۰ دستگاه و ۱۷ قلم تجهیزات", ["۸۰ دستگاه", "۱۷ قلم"]),
    ("قیمت ۸ برابر شد", ["۸ برابر"]),
    ("هتل دو ستاره با ۸۴ رأی", ["دو ستاره", "۸۴ رأی"]),
    ("۲۷۵۱ فعال اقتصادی", ["۲۷۵۱ فعال"]),
    ("مساحت ۴۲۱۲۳ متر مربع است", ["۴۲۱۲۳ متر مربع"]),
    ("چهار خودروی سواری", ["چهار خودروی"]),
    ("تیم ۴ نفره", ["۴ نفره"]),
    ("دو تا سه ماه زمان", ["دو تا سه ماه"]),
    ("بیست و پنج نفر را", ["بیست و پنج نفر"]),
    ("یک میلیون و 150 هزار سپرده گذار", ["یک میلیون و 150 هزار سپرده"]),
    ("به مدت یک هفته تعطیل بود", ["یک هفته"]),
    ("9000 کشته و 16000 زخمی", ["9000 کشته", "16000 زخمی"]),
    ("به بزرگی 3.3 و 3.4 ریشتر", ["3.3 و 3.4 ریشتر"]),
    ("9 روز بعد به علت نقص", ["9 روز"]),
    ("روابط این دو کشور", ["دو کشور"]),
    ("۲۰۰ نفر عرب زبان و ۸۰۰ نفر فارسی زبان", ["۲۰۰ نفر", "۸۰۰ نفر"]),
    ("مساحت پنج صد هکتار است", ["پنج صد هکتار"]),  # hundreds in two words
    ("وزن دو و پنج دهم کیلوگرم", ["دو و پنج دهم کیلوگرم"]),  # a decimal in words
]

NOT_TAGGED = [
    "چهارمین نمایشگاه بین المللی",  # ordinal
    "برای نخستین بار",  # ordinal
    "شاخص کل بورس ۸۰۰ واحد افت کرد",  # index points
    "شاخص بورس به 79 هزار و 390 واحد رسید",  # index level
    "بر اساس قطعنامه ۲۲۳۱ شورای امنیت",  # identifier
    "مطابق ماده 17 منشور سازمان ملل",  # identifier
    "خط ۷ مترو",  # identifier
    "انتهای پیام / ۱۳۶",  # code
    "در سال ۱۳۹۶ تمام اختیارات",  # year: a DAT
    "از 1395 تاکنون",  # year
    "با ایجاد یک نشان تجاری معتبر",  # indefinite article
    "یک زنجیره به هم تنیده",  # indefinite article
    "قیمت به 70 میلیون می رسد",  # bare number, no counted noun
    "میلیاردها دلار سرمایه",  # vague
    "چند هزار نفر",  # vague
    "ده ها هزار نفر",  # vague
    "سه ماه گذشته",  # anchored to now: DAT
    "در ۲۴ ساعت گذشته",  # anchored to now: TIM
    "دو سال پیش",  # anchored: DAT
    "هفت ماه نخست امسال",  # DAT
    "سه ماهه چهارم",  # a quarter
    "با پیروزی 3 بر صفر",  # score
    "یک سوم تلفات",  # fraction
    "هر یک هکتار آن",  # per unit
    "نشست دو جانبه",  # adjective
    "۵۰ درصد تخفیف",  # PCT
    "۳ میلیارد ریال بودجه",  # MON
    "ساعت ۱۸ امروز",  # TIM
    "۱۵ خرداد ۱۴۰۲",  # DAT
    "عرض جغرافیایی 28.194 درجه",  # coordinates
    "با استاندارد یورو 4 و 5 استفاده کند",  # identifiers, then a light verb
    "بوئینگ 777 این کشور",  # model
    "جمعیت یک بیلیارد نفر است",  # a scale word we do not know
    "دو دهم جمعیت",  # a fraction written as a decimal
    "۲۳ می شود",  # «می» the verb prefix, not May
]


@pytest.mark.parametrize("text, expected", TAGGED, ids=[t for t, _ in TAGGED])
def test_tags_quantities(text, expected):
    assert _silver_spans(text) == expected


@pytest.mark.parametrize("text", NOT_TAGGED)
def test_leaves_non_quantities_alone(text):
    assert _silver_spans(text) == []


def test_never_touches_gold():
    # «۳ میلیارد ریال» is gold MON; «۱۷ کشور» has a gold LOC inside; «منطقه ۱۱» is an ORG with its number outside.
    text = "۳ میلیارد ریال برای ۱۷ کشور در منطقه ۱۱ با ۲۰ نفر"
    gold = {0: "B-MON", 1: "I-MON", 2: "I-MON", 5: "B-LOC", 7: "B-ORG"}
    s = _sentence(text, gold)
    out = add_silver_qty([s])[0]
    for i, tag in gold.items():
        assert out.tags[i] == tag
    assert [" ".join(out.tokens[a:b]) for a, b, lab in spans_from_bio(out.tags) if lab == "QTY"] == ["۲۰ نفر"]


def test_not_next_to_a_name():
    # right after a gold ORG, only a known unit makes a count of the number
    assert _silver_spans("منطقه ۱۱ شهرداری", {0: "B-ORG"}) == []
    assert _silver_spans("رشت ۱۷ درجه", {0: "B-LOC"}) == ["۱۷ درجه"]


def test_not_into_a_continuing_entity():
    assert _silver_spans("۲۰ نفر بانک", {2: "I-ORG"}) == []


def test_returns_new_sentences():
    s = _sentence("آموزش ۱۰۰ هزار نفر", sid="test:7")
    out = add_silver_qty([s])[0]
    assert out is not s and out.tokens is not s.tokens and out.meta is not s.meta
    assert (out.id, out.meta, out.tokens) == ("test:7", {"source": "test"}, s.tokens)
    assert s.tags == ["O"] * 4 and out.tags == ["O", "B-QTY", "I-QTY", "I-QTY"]


def test_tokens_with_spaces():
    # PEYMA tokens may hold spaces: a span must fall on token boundaries
    s = Sentence(["مساحت", "60", "هزار", "کیلومتر مربع", "است"], ["O"] * 5)
    assert find_quantities(s.tokens) == [(1, 4, "QTY")]
    assert find_quantities(["پرواز", "ام. اچ 370", "خطوط"]) == []
    assert find_quantities(["دو", "زمین لرزه", "در"]) == [(0, 2, "QTY")]


FOUND = [
    ("۳ میلیارد ریال", "MON"),
    ("۲۴ میلیون و ۸۵۰ هزار تومان", "MON"),
    ("۱۶۰ میلیون تومانی", "MON"),
    ("۵۰ درصد", "PCT"),
    ("۰.۲۵ واحد درصد", "PCT"),
    ("۱۰٪", "PCT"),
    ("سال ۱۳۹۶", "DAT"),
    ("۱۵ خرداد ۱۴۰۲", "DAT"),
    ("۱۳۹۶/۰۵/۱۲", "DAT"),
    ("سال ۱۳۹۳ تا ۱۳۹۶", "DAT"),
    ("سه ماه گذشته", "DAT"),
    ("ساعت ۱۸", "TIM"),
    ("۱۸:۳۰", "TIM"),
    ("۲۴ ساعت گذشته", "TIM"),
    ("۳۸۹ خوشه", "QTY"),
    ("۵۷ همت", "MON"),
    ("یک و دو دهم درصد", "PCT"),
    ("ساعت ۹ و ۳۰ صبح", "TIM"),
]


@pytest.mark.parametrize("text, label", FOUND, ids=[t for t, _ in FOUND])
def test_find_quantities_labels(text, label):
    tokens = text.split(" ")
    assert find_quantities(tokens) == [(0, len(tokens), label)]


def test_sample_article():
    if not SAMPLE.is_file():
        pytest.skip(f"the sample article {SAMPLE} is not here")
    found = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        tokens = [line[a:b] for a, b in split_words(line)]
        found += [(label, " ".join(tokens[a:b])) for a, b, label in find_quantities(tokens)]
    assert found == [
        ("QTY", "۳۸۹ خوشه"), ("QTY", "۶۸ خوشه"), ("QTY", "۶۰ اتحادیه"), ("QTY", "یکهزار واحد"),
        ("QTY", "۳۸۹ خوشه"), ("QTY", "۶ خوشه"), ("QTY", "۱۰۰ هزار نفر"), ("MON", "۳ میلیارد ریال"),
        ("PCT", "۵۰ درصد"), ("QTY", "۱۷ کشور"), ("QTY", "۲۵ بنگاه"), ("DAT", "سال ۱۳۹۶"), ("PCT", "۷۰ درصد"),
        ("QTY", "۸۹ بنگاه"), ("QTY", "۶ بنگاه"), ("QTY", "هشت واحد"), ("QTY", "یک روزه"), ("QTY", "۹ پروژه"),
        ("MON", "۱۶۰ میلیارد ریال"),
    ]


def _read_peyma_test(shared_data):
    path = shared_data / "peyma" / "split" / "test.txt"
    if not path.is_file():
        pytest.skip(f"the PEYMA split {path} is not here")
    from farsiner.data.readers.peyma import read_peyma_split

    return read_peyma_split(path)


def test_peyma_test_split_gold_unchanged(shared_data):
    sentences = _read_peyma_test(shared_data)
    out = add_silver_qty(sentences)
    assert len(out) == len(sentences)
    added = 0
    for s, o in zip(sentences, out):
        assert o.tokens == s.tokens and o.id == s.id
        for gold, new in zip(s.tags, o.tags):
            assert gold == new or (gold == "O" and new in ("B-QTY", "I-QTY"))
        added += sum(1 for _, _, label in spans_from_bio(o.tags) if label == "QTY")
    assert added > 200


def _score_silver_qty():
    spec = importlib.util.spec_from_file_location("silver_qty", REPO / "benchmarks" / "silver_qty.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score_silver_qty


def test_precision_on_hand_annotated_gold(shared_data):
    if not GOLD_QTY.is_file():
        pytest.skip(f"the hand-annotated QTY set {GOLD_QTY} is not here yet")
    split = shared_data / "peyma" / "split" / "test.txt"
    if not split.is_file():
        pytest.skip(f"the PEYMA split {split} is not here")
    result = _score_silver_qty()(split, GOLD_QTY)
    assert result["precision"] >= 0.95, result["false_positives"]
    assert result["recall"] >= 0.5, result["false_negatives"]
