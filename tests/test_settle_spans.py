"""settle_spans: a model's decoded tags brought to ANNOTATION.md's boundaries."""

import pytest

from farsiner.data.span_checks import settle_spans


@pytest.mark.parametrize("words, tags, expected", [
    ("رشد به ۴۰ همت رسید".split(), ["O", "O", "B-QTY", "I-QTY", "O"], ["O", "O", "B-MON", "I-MON", "O"]),
    ("۲ میلیون دلاری".split(), ["B-QTY", "I-QTY", "I-QTY"], ["B-MON", "I-MON", "I-MON"]),
    # a count stays a count, whatever it counts; other labels are the model's
    ("۵۰۰ هزار تن فولاد".split(), ["B-QTY", "I-QTY", "I-QTY", "O"], ["B-QTY", "I-QTY", "I-QTY", "O"]),
    ("۱۰۰ هزار سکه".split(), ["B-QTY", "I-QTY", "I-QTY"], ["B-QTY", "I-QTY", "I-QTY"]),
    ("بانک ملی ۳ درصد".split(), ["B-ORG", "I-ORG", "B-PCT", "I-PCT"], ["B-ORG", "I-ORG", "B-PCT", "I-PCT"]),
    ("۴۰ همت ۵ دلار".split(), ["B-QTY", "I-QTY", "B-QTY", "I-QTY"], ["B-MON", "I-MON", "B-MON", "I-MON"]),
    # «منفی» right before an amount joins it, and only then
    ("رشد منفی ۱.۶ درصدی".split(), ["O", "O", "B-PCT", "I-PCT"], ["O", "B-PCT", "I-PCT", "I-PCT"]),
    ("تراز منفی ۷ میلیارد دلاری".split(), ["O", "O", "B-QTY", "I-QTY", "I-QTY"], ["O", "B-MON", "I-MON", "I-MON", "I-MON"]),
    ("منفی ۵ درجه".split(), ["O", "B-QTY", "I-QTY"], ["B-QTY", "I-QTY", "I-QTY"]),
    ("منفی ایران".split(), ["O", "B-LOC"], ["O", "B-LOC"]),
    ("منفی شد ۲ درصد".split(), ["O", "O", "B-PCT", "I-PCT"], ["O", "O", "B-PCT", "I-PCT"]),
    # a «منفی» the model tagged as a span of its own joins the amount right after it
    ("به منفی ۶ میلیارد دلار".split(), ["O", "B-MON", "B-MON", "I-MON", "I-MON"], ["O", "B-MON", "I-MON", "I-MON", "I-MON"]),
    ("منفی ۲ درصد".split(), ["B-MON", "B-PCT", "I-PCT"], ["B-PCT", "I-PCT", "I-PCT"]),
    ("منفی ایران".split(), ["B-MON", "B-LOC"], ["B-MON", "B-LOC"]),
    # a bare number that a lone thousands separator joins to the amount after it is its thousands
    ("32 , 390 ریال".split(), ["B-MON", "I-MON", "B-MON", "I-MON"], ["B-MON", "I-MON", "I-MON", "I-MON"]),
    ("32 , 390 ریال".split(), ["B-MON", "O", "B-MON", "I-MON"], ["B-MON", "I-MON", "I-MON", "I-MON"]),
    ("۱ ٬ ۵۶۶ ریال".split(), ["B-MON", "O", "B-MON", "I-MON"], ["B-MON", "I-MON", "I-MON", "I-MON"]),
    ("1 , 234 , 567 ریال".split(), ["B-MON", "O", "B-MON", "O", "B-MON", "I-MON"], ["B-MON"] + ["I-MON"] * 5),
    ("منفی 32 , 390 ریال".split(), ["O", "B-MON", "O", "B-MON", "I-MON"], ["B-MON"] + ["I-MON"] * 4),
    ("4 , 56 ریال".split(), ["B-MON", "O", "B-MON", "I-MON"], ["B-MON", "I-MON", "I-MON", "I-MON"]),
    # not where the model read the number as no amount, nor across the list comma «،», nor after a whole amount
    ("32 , 390 ریال".split(), ["O", "O", "B-MON", "I-MON"], ["O", "O", "B-MON", "I-MON"]),
    ("۳۲ ، ۳۹۰ ریال".split(), ["B-MON", "O", "B-MON", "I-MON"], ["B-MON", "O", "B-MON", "I-MON"]),
    ("5 دلار , 390 ریال".split(), ["B-MON", "I-MON", "O", "B-MON", "I-MON"], ["B-MON", "I-MON", "O", "B-MON", "I-MON"]),
])
def test_quantities_are_settled_by_the_guidelines(words, tags, expected):
    assert settle_spans(words, tags) == expected


@pytest.mark.parametrize("words, tags, expected", [
    # a leading preposition leaves the span, a trailing «و» or «تا» too
    ("از ابتدای سال ۱۴۰۳".split(), ["B-DAT", "I-DAT", "I-DAT", "I-DAT"], ["O", "B-DAT", "I-DAT", "I-DAT"]),
    ("اواخر ۱۴۰۱ و اوایل".split(), ["B-DAT", "I-DAT", "I-DAT", "O"], ["B-DAT", "I-DAT", "O", "O"]),
    ("امروز ۲۳ آبان تا".split(), ["B-DAT", "I-DAT", "I-DAT", "I-DAT"], ["B-DAT", "I-DAT", "I-DAT", "O"]),
    ("بانک ملی را".split(), ["B-ORG", "I-ORG", "I-ORG"], ["B-ORG", "I-ORG", "O"]),
    # and punctuation at either end, but not a bracket that closes one inside
    ("سازمان منطقه آزاد قشم ،".split(), ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG"], ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O"]),
    ("« فولاد مبارکه »".split(), ["B-ORG", "I-ORG", "I-ORG", "I-ORG"], ["O", "B-ORG", "I-ORG", "O"]),
    ("فرودگاه امام خمینی ( ره )".split(), ["B-LOC"] + ["I-LOC"] * 5, ["B-LOC"] + ["I-LOC"] * 5),
    # a span of nothing else goes
    ("طی این مدت".split(), ["B-DAT", "O", "O"], ["O", "O", "O"]),
    # inside a span they stay
    ("۲۷ تا ۳۰ بهمن".split(), ["B-DAT", "I-DAT", "I-DAT", "I-DAT"], ["B-DAT", "I-DAT", "I-DAT", "I-DAT"]),
    ("بانک صنعت و معدن".split(), ["B-ORG", "I-ORG", "I-ORG", "I-ORG"], ["B-ORG", "I-ORG", "I-ORG", "I-ORG"]),
])
def test_boundaries_are_settled_by_the_guidelines(words, tags, expected):
    assert settle_spans(words, tags) == expected


def test_settled_tags_keep_every_rule_the_gold_keeps():
    from farsiner.data.labels import spans_from_bio
    from farsiner.data.segment import split_words
    from farsiner.data.span_checks import span_problems

    text = "از ابتدای سال ۱۴۰۳ و طی ۴۰ همت را"
    offsets = split_words(text)
    tags = settle_spans([text[a:b] for a, b in offsets], ["B-DAT", "I-DAT", "I-DAT", "I-DAT", "I-DAT", "B-DAT", "B-QTY", "I-QTY", "I-QTY"])
    spans = [(offsets[a][0], offsets[b - 1][1], label) for a, b, label in spans_from_bio(tags)]
    assert span_problems(text, spans) == []
    assert [(text[a:b], label) for a, b, label in spans] == [("ابتدای سال ۱۴۰۳", "DAT"), ("۴۰ همت", "MON")]
