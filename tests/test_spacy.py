"""The spaCy component: the Tagger's entities as ``doc.ents``, exact spans, batching, saving."""

import os
import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy")

from spacy.tokens import Doc  # noqa: E402
from spacy.training import Example  # noqa: E402

from farsiner import Entity, Tagger  # noqa: E402
from farsiner.data import read_peyma_split  # noqa: E402
from farsiner.data.labels import ENTITY_TYPES  # noqa: E402
from farsiner.data.normalize_cli import sample_text  # noqa: E402
from farsiner.infer.spacy_component import set_entities  # noqa: E402  (registers the factory)

# Real text where spaCy's tokens and farsiner's words differ: a Persian comma and a
# bracket glued to the next word, a ZWNJ after a name (one spaCy token, not part of
# the entity), ZWNJ inside names, Persian digits, «۳ میلیارد ریال», «۳۰درصد», «آمریکاست».
GLUED = [
    "سفر به اصفهان،شیراز و یزد",
    "شرکت‌های ایران‌خودرو در تهران‌ فعال‌اند.",
    "شرکت فولاد مبارکه(اصفهان) ۵میلیون تن فولاد تولید کرد.",
]
ALIGNED = [
    "بانک ملی ایران ۳ میلیارد ریال به شرکت فولاد مبارکه وام داد.",
    "رشد اقتصاد ۳۰درصد بود.",
    "بزرگترین شریک تجاری ایران آمریکاست.",
    "مدیرعامل بانک‌ملی‌ایران گفت در سال ۱۳۹۶ ساعت ۱۸ به تهران رفت.",
]


@pytest.fixture(scope="module")
def tagger():
    return Tagger.from_pretrained()


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("fa")
    nlp.add_pipe("farsiner")
    return nlp


@pytest.fixture(scope="module")
def peyma_texts(shared_data):
    return [s.text for s in read_peyma_split(shared_data / "peyma" / "split" / "test.txt")[:200]]


@pytest.fixture(scope="module")
def piped(nlp, peyma_texts):
    return list(nlp.pipe(peyma_texts, batch_size=16))


def doc_entities(doc):
    return [(e.start_char, e.end_char, e.label_, e._.value) for e in doc.ents]


def tagger_entities(ents):
    return [(e.start, e.end, e.label, e.value) for e in ents]


def test_readme_example(nlp):
    doc = nlp("بانک ملی ایران ۳ میلیارد ریال وام داد.")
    found = [(e.text, e.label_, e._.value) for e in doc.ents]
    assert ("بانک ملی ایران", "ORG", None) in found
    assert ("۳ میلیارد ریال", "MON", {"amount": 3_000_000_000, "currency": "IRR"}) in found
    assert all(0.0 <= e._.score <= 1.0 for e in doc.ents)
    assert nlp.get_pipe("farsiner").labels == ENTITY_TYPES


@pytest.mark.parametrize("which", ["sample", "qom"])
def test_articles_equal_the_tagger(nlp, tagger, shared_data, which):
    text = sample_text() if which == "sample" else (shared_data / "samples" / "qom-industrial-clusters.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    ents = tagger(text)
    assert len(ents) > 10
    assert doc.text == text
    assert doc_entities(doc) == tagger_entities(ents)
    assert [e.text for e in doc.ents] == [e.text for e in ents]
    assert [e._.score for e in doc.ents] == pytest.approx([e.score for e in ents], abs=1e-6)


def test_peyma_sentences_equal_the_tagger(tagger, peyma_texts, piped):
    assert len(peyma_texts) == 200
    expected = tagger.tag_batch(peyma_texts)
    assert sum(len(e) for e in expected) > 200
    assert [doc_entities(doc) for doc in piped] == [tagger_entities(ents) for ents in expected]


def test_pipe_equals_one_at_a_time(nlp, peyma_texts, piped):
    for text, batched in zip(peyma_texts, piped):
        single = nlp(text)
        assert doc_entities(batched) == doc_entities(single)
        assert [e._.score for e in batched.ents] == pytest.approx([e._.score for e in single.ents], abs=1e-3)


@pytest.mark.parametrize("text", GLUED + ALIGNED)
def test_real_text_gives_exact_spans(nlp, tagger, text):
    ents = tagger(text)
    doc = nlp(text)
    assert doc.text == text
    assert doc_entities(doc) == tagger_entities(ents)
    tokens = [t.text for t in nlp.make_doc(text)]
    inside_a_token = any(nlp.make_doc(text).char_span(e.start, e.end) is None for e in ents)
    assert inside_a_token == (text in GLUED), "the examples must keep exercising the split"
    if inside_a_token:
        assert len(doc) > len(tokens)
    else:
        assert [t.text for t in doc] == tokens  # nothing split needlessly


def test_tokens_are_split_at_entity_boundaries():
    nlp = spacy.blank("fa")
    text = "اصفهان،شیراز و تهران‌نشین‌ها"
    start = text.index("تهران")
    ents = [Entity(0, 6, "LOC", "اصفهان", 0.9), Entity(7, 12, "LOC", "شیراز", 0.8, None),
            Entity(start, start + 5, "LOC", "تهران", 0.7, {"x": 1})]
    doc = set_entities(nlp.make_doc(text), ents)
    assert [t.text for t in doc] == ["اصفهان", "،", "شیراز", "و", "تهران", "\u200cنشین\u200cها"]
    assert doc.text == text
    assert [(e.text, e.label_, e._.score, e._.value) for e in doc.ents] == [
        ("اصفهان", "LOC", 0.9, None), ("شیراز", "LOC", 0.8, None), ("تهران", "LOC", 0.7, {"x": 1})]
    assert [t.ent_iob_ for t in doc] == ["B", "O", "B", "O", "B", "O"]
    assert not doc.has_annotation("SENT_START")  # no sentence boundaries made up


def test_split_pieces_keep_the_token_annotations():
    """spaCy would leave a piece with the tag and sentence start of the token that followed."""
    nlp = spacy.blank("fa")
    words = ["رشد", "۳۰درصد", "بود", ".", "تهران", "رفت"]
    doc = Doc(nlp.vocab, words=words, spaces=[True, True, False, True, True, False],
              tags=["N", "NUM", "V", "PUNCT", "N", "V"], sent_starts=[True, False, False, False, True, False])
    set_entities(doc, [Entity(4, 6, "QTY", "۳۰", 0.5)])
    assert [t.text for t in doc] == ["رشد", "۳۰", "درصد", "بود", ".", "تهران", "رفت"]
    assert [t.tag_ for t in doc] == ["N", "NUM", "NUM", "V", "PUNCT", "N", "V"]
    assert [s.text for s in doc.sents] == ["رشد ۳۰درصد بود.", "تهران رفت"]

    parsed = Doc(nlp.vocab, words=words, spaces=[True, True, False, True, True, False],
                 heads=[2, 2, 2, 2, 5, 5], deps=["nsubj", "obj", "ROOT", "punct", "obl", "ROOT"])
    set_entities(parsed, [Entity(4, 6, "QTY", "۳۰", 0.5)])
    assert [(t.text, t.head.text, t.dep_) for t in parsed] == [
        ("رشد", "بود", "nsubj"), ("۳۰", "بود", "obj"), ("درصد", "۳۰", "dep"), ("بود", "بود", "ROOT"),
        (".", "بود", "punct"), ("تهران", "رفت", "obl"), ("رفت", "رفت", "ROOT")]
    assert [s.text for s in parsed.sents] == ["رشد ۳۰درصد بود.", "تهران رفت"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "Hello world, this is English only.", "The quick brown fox."])
def test_empty_and_non_persian_text_gives_no_entities(nlp, text):
    assert nlp(text).ents == ()
    assert [d.ents for d in nlp.pipe([text, text], batch_size=1)] == [(), ()]


def test_round_trip_saves_no_weights(nlp, tmp_path):
    folder = tmp_path / "pipeline"
    nlp.to_disk(folder)
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in (".safetensors", ".onnx", ".pt")]
    assert sum(p.stat().st_size for p in files) < 1_000_000
    assert [p.name for p in (folder / "farsiner").iterdir()] == ["farsiner.json"]
    assert (folder / "farsiner" / "farsiner.json").stat().st_size < 1000

    loaded = spacy.load(folder)
    assert loaded.pipe_names == ["farsiner"]
    assert loaded.config["components"]["farsiner"]["model"] is None
    text = sample_text()
    assert doc_entities(loaded(text)) == doc_entities(nlp(text))


def test_loading_checks_the_labels(nlp, tmp_path):
    component = nlp.get_pipe("farsiner")
    component.to_disk(tmp_path)
    (tmp_path / "farsiner.json").write_text('{"model": null, "labels": ["PER", "ORG", "LOC"]}', encoding="utf-8")
    with pytest.raises(ValueError, match="saved with labels"):
        component.from_disk(tmp_path)


def test_evaluate_scores_entities(nlp, peyma_texts, piped, shared_data):
    sentences = read_peyma_split(shared_data / "peyma" / "split" / "test.txt")[:200]
    # the gold docs take the tagged docs' tokens, so spaCy's score is exact span matching
    examples = [Example.from_dict(doc, {"entities": s.spans}) for doc, s in zip(piped, sentences)]
    predicted = {(i, e.start_char, e.end_char, e.label_) for i, eg in enumerate(examples) for e in eg.predicted.ents}
    gold = {(i, a, b, label) for i, s in enumerate(sentences) for a, b, label in s.spans}
    f1 = 2 * len(predicted & gold) / (len(predicted) + len(gold))
    assert nlp.get_pipe("farsiner").score(examples)["ents_f"] == pytest.approx(f1)
    assert f1 > 0.7
    assert nlp.evaluate([Example.from_dict(nlp.make_doc(s.text), {"entities": s.spans}) for s in sentences[:5]])["ents_f"] > 0.5


def test_entry_point_registers_the_factory(tmp_path):
    """The pyproject entry point alone, without importing the module, makes "farsiner" a factory."""
    info = tmp_path / "farsiner_spacy_entry_point-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: farsiner-spacy-entry-point\nVersion: 0\n")
    (info / "entry_points.txt").write_text("[spacy_factories]\nfarsiner = farsiner.infer.spacy_component:make_farsiner\n")
    code = (
        "import sys, spacy\n"
        "assert 'farsiner.infer.spacy_component' not in sys.modules\n"
        "nlp = spacy.blank('fa')\n"
        "nlp.add_pipe('farsiner')\n"
        "print([(e.text, e.label_) for e in nlp('بانک ملی ایران وام داد.').ents])\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]), "OMP_NUM_THREADS": "1"}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "('بانک ملی ایران', 'ORG')" in run.stdout
