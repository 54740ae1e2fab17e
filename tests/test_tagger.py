"""The Tagger on the bundled model: offsets, labels, values, long articles, odd input."""

import dataclasses
import json

import pytest
from conftest import save_tiny_tagger

from farsiner import Entity, Tagger
from farsiner.data.labels import ENTITY_TYPES
from farsiner.data.normalize_cli import sample_text


@pytest.fixture(scope="module")
def tagger():
    return Tagger.from_pretrained()


@pytest.fixture(scope="module")
def tiny_tagger(tmp_path_factory, parsbert_tokenizer):
    """A randomly initialised small model with ParsBERT's real tokenizer: fast, for huge inputs."""
    folder = save_tiny_tagger(tmp_path_factory.mktemp("tiny-model"), parsbert_tokenizer)
    return Tagger.from_pretrained(folder, backend="pytorch", batch_size=64)


def check(text, entities):
    previous_end = 0
    for e in entities:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text
        assert e.label in ENTITY_TYPES
        assert 0.0 <= e.score <= 1.0
        assert e.start >= previous_end  # sorted, never overlapping
        previous_end = e.end


def test_sample_article(tagger):
    text = sample_text()
    ents = tagger(text)
    check(text, ents)
    found = {(e.text, e.label) for e in ents}
    assert ("شرکت فولاد مبارکه", "ORG") in found
    assert ("اصفهان", "LOC") in found
    assert ("رضا کریمی", "PER") in found
    by_text = {e.text: e for e in ents}
    assert by_text["۱۲۰ هزار میلیارد ریال"].label == "MON"
    assert by_text["۱۲۰ هزار میلیارد ریال"].value == {"amount": 120_000_000_000_000, "currency": "IRR"}
    assert by_text["۳۵ درصد"].value == {"percent": 35}
    assert by_text["۴ هزار نفر"].value == {"amount": 4000, "unit": "نفر"}
    assert by_text["۵ میلیون تن"].label == "QTY"


def test_long_article_in_one_call(tagger, shared_data):
    """The shared article is longer than 512 sub-words: entities from its first and last paragraphs."""
    text = (shared_data / "samples" / "qom-industrial-clusters.txt").read_text(encoding="utf-8")
    assert len(tagger.tokenizer(text, verbose=False)["input_ids"]) > 512
    ents = tagger(text)
    check(text, ents)
    paragraphs = [p for p in text.split("\n") if len(p) > 80]  # not the closing «انتهای پیام / ۱۳۶»
    first_end = text.index(paragraphs[0]) + len(paragraphs[0])
    last_start = text.rindex(paragraphs[-1])
    assert any(e.end <= first_end for e in ents)
    assert any(e.start >= last_start for e in ents)
    assert ("قم", "LOC") in {(e.text, e.label) for e in ents}


def test_windows_edges_neither_lose_nor_double(tagger, shared_data):
    """Small windows with overlap give the same entities as whole-sentence windows."""
    text = (shared_data / "samples" / "qom-industrial-clusters.txt").read_text(encoding="utf-8")
    small = Tagger(tagger.model, tagger.tokenizer, tagger.settings, runner=tagger.runner, id2label=tagger.id2label, max_tokens=48, stride=16)
    whole = [(e.start, e.end, e.label) for e in tagger(text)]
    windowed = [(e.start, e.end, e.label) for e in small(text)]
    assert len(set(windowed)) == len(windowed)  # nothing doubled
    agree = len(set(whole) & set(windowed)) / max(len(whole), 1)
    assert agree > 0.85


def test_batch_equals_one_at_a_time(tagger, shared_data):
    texts = [sample_text(), "بانک ملی ایران ۳ میلیارد ریال وام داد.", "", (shared_data / "samples" / "qom-industrial-clusters.txt").read_text(encoding="utf-8")[:1500]]
    batch = tagger.tag_batch(texts, batch_size=3)
    for text, ents in zip(texts, batch):
        single = tagger(text)
        assert [(e.start, e.end, e.label, e.value) for e in ents] == [(e.start, e.end, e.label, e.value) for e in single]
        assert [e.score for e in ents] == pytest.approx([e.score for e in single], abs=1e-3)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\n\t", "Hello world, this is English only.", "😀🎉🚀", "\x00\x01\x1b[31m\x7f", "\u200c\u200c\u200f", "۱۲۳ 456 ٧٨٩", "...!!!؟؟"],
)
def test_odd_input_gives_valid_results(tagger, text):
    ents = tagger(text)
    assert isinstance(ents, list)
    check(text, ents)


def test_zwnj_and_digits_do_not_change_entities(tagger):
    with_zwnj = "شرکت‌های فولاد مبارکه ۱۲۰ میلیارد ریال در سال ۱۴۰۲ فروخت."
    without = with_zwnj.replace("\u200c", "")
    latin = with_zwnj.replace("۱۲۰", "120").replace("۱۴۰۲", "1402")
    arabic = with_zwnj.replace("۱۲۰", "١٢٠").replace("۱۴۰۲", "١٤٠٢")
    labels = [[(e.label, e.value) for e in tagger(t)] for t in (with_zwnj, without, latin, arabic)]
    assert labels[0] == labels[2] == labels[3]
    # without the ZWNJ the words themselves differ ("شرکتهای"), so the model may judge the
    # company's name otherwise; the quantities and their values stay
    quantities = [[(lab, value) for lab, value in found if value is not None] for found in labels]
    assert quantities[0] == quantities[1] and [lab for lab, _ in quantities[0]] == ["MON", "DAT"]
    for t in (with_zwnj, without, latin, arabic):
        check(t, tagger(t))


def test_megabyte_text(tiny_tagger):
    text = ("به گزارش خبرگزاری ایرنا، شرکت فولاد ۳ میلیون تن تولید کرد. " * 20000)[: 1 << 20]
    ents = tiny_tagger(text)
    check(text, ents)


def test_entity_is_plain_data(tagger):
    ents = tagger("بانک ملی ایران ۳ میلیارد ریال وام داد.")
    rows = [dataclasses.asdict(e) for e in ents]
    assert [Entity(**r) for r in json.loads(json.dumps(rows, ensure_ascii=False))] == ents


def test_non_string_input(tagger):
    with pytest.raises(TypeError):
        tagger(None)


def test_bundled_folder_in_a_plain_transformers_pipeline():
    """What a user comparing us with their usual tools runs: float32 on the CPU, spans without the space before them."""
    import torch
    from safetensors import safe_open
    from transformers import pipeline

    from farsiner.data import normalize
    from farsiner.infer.tagger import bundled_model_path

    path = bundled_model_path()
    with safe_open(str(next(path.glob("*.safetensors"))), "pt") as f:  # the file stays float16
        assert {f.get_slice(k).get_dtype() for k in f.keys()} == {"F16"}
    nlp = pipeline("token-classification", model=str(path), aggregation_strategy="simple", device="cpu")
    assert nlp.model.dtype == torch.float32
    text = normalize("علی یزدانی، مدیرعامل شرکت فولاد مبارکه، گفت ۳ میلیارد ریال در اصفهان سرمایه‌گذاری شد.", zwnj="space").text
    found = [(e["entity_group"], text[e["start"] : e["end"]]) for e in nlp(text)]
    assert ("PER", "علی یزدانی") in found and ("MON", "3 میلیارد ریال") in found
    assert all(span == span.strip() and span for _, span in found)
