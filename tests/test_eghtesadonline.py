"""The EghtesadOnline reader and our gold annotation of it (ids, hashes and offsets only)."""

import hashlib
import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from farsiner.data import CorpusFormatError, ENTITY_TYPES, read_eghtesadonline, read_eghtesadonline_gold
from farsiner.data.span_checks import span_problems

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "data" / "annotations" / "eghtesadonline"


@pytest.fixture(scope="module")
def news(shared_data):
    return read_eghtesadonline(shared_data / "eghtesadonline")


@pytest.fixture(scope="module")
def texts(shared_data):
    return shared_data / "eghtesadonline"


def test_row_counts_per_file(news):
    assert Counter(r.section for r in news) == {"currency": 7349, "energy": 4582, "industry": 5865, "domestic": 7835}
    assert len({r.id for r in news}) == 25631


def test_records_keep_row_numbers_and_fields(news, texts):
    first = news[0]
    assert (first.id, first.section, first.row) == ("currency:0", "currency", 0)
    assert first.title and first.summary and first.date.startswith("140")
    assert first.text("title") == first.title and first.text("summary") == first.summary
    energy = [r for r in news if r.section == "energy"]
    assert energy[10].id == "energy:10" and energy[10].row == 10
    assert min(r.date for r in news) == "1400/08/23" and max(r.date for r in news) == "1403/08/23"
    assert sum(1 for r in news if not r.summary.strip()) == 13
    with pytest.raises(ValueError, match="field"):
        first.text("body")


def _write(folder: Path, section_file: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"EghtesadOnline-{section_file}-400-403.csv").write_text(body, encoding="utf-8")


@pytest.mark.parametrize(
    "body, line, message",
    [
        ('Title,Summary,Date\n"a","b",1401/01/01\n"c","d"\n', 3, "expected 3 fields"),
        ('Title,Summary,Date\n"a","b\nmore",1401/01/01\n"c","d",yesterday\n', 4, "not a Jalali"),
        ("Head,Lead,When\n", 1, "header"),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path, body, line, message):
    _write(tmp_path, "energy", body)
    with pytest.raises(CorpusFormatError, match=message) as err:
        read_eghtesadonline(tmp_path, sections=["energy"])
    assert err.value.line == line and err.value.path.endswith("EghtesadOnline-energy-400-403.csv")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusFormatError, match="no such file"):
        read_eghtesadonline(tmp_path, sections=["industry"])


def test_gold_reader_joins_and_checks_hashes(tmp_path):
    text = "بانک ملی ۳ میلیارد ریال وام داد. سپس فولاد مبارکه ۵۰ درصد رشد کرد."
    _write(tmp_path / "csv", "curruncy", f'Title,Summary,Date\n"عنوان","{text}",1402/01/05\n')
    spans = [(0, 8, "ORG"), (9, 23, "MON"), (37, 49, "ORG"), (50, 57, "PCT")]
    assert [text[a:b] for a, b, _ in spans] == ["بانک ملی", "۳ میلیارد ریال", "فولاد مبارکه", "۵۰ درصد"]
    line = {"id": "currency:0:summary", "sha1": hashlib.sha1(text.encode()).hexdigest(),
            "entities": [{"start": a, "end": b, "label": lab} for a, b, lab in spans]}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    sents = read_eghtesadonline_gold(gold, tmp_path / "csv")
    assert [s.id for s in sents] == ["currency:0:summary/0", "currency:0:summary/1"]
    assert [(s.text[a:b], lab) for s in sents for a, b, lab in s.spans] == [
        ("بانک ملی", "ORG"), ("۳ میلیارد ریال", "MON"), ("فولاد مبارکه", "ORG"), ("۵۰ درصد", "PCT")]
    assert all(s.meta["gold_qty"] and s.meta["record"] == "currency:0:summary" for s in sents)

    line["sha1"] = "0" * 40
    gold.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"gold.jsonl:1: currency:0:summary: .*SHA-1"):
        read_eghtesadonline_gold(gold, tmp_path / "csv")
    gold.write_text('{"id": "currency:5:summary", "sha1": "x", "entities": []}\n', encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="has only 1 rows"):
        read_eghtesadonline_gold(gold, tmp_path / "csv")
    gold.write_text('{"id": "currency:0", "entities": []}\n', encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="gold.jsonl:1"):
        read_eghtesadonline_gold(gold, tmp_path / "csv")


def test_span_rules():
    text = "از شرکت ملی نفت ایران ۳ میلیون بشکه را خرید."
    assert span_problems(text, [(3, 21, "ORG"), (22, 35, "QTY")]) == []
    bad = {
        (0, 21, "ORG"): "preposition",
        (2, 21, "ORG"): "whitespace",
        (3, 20, "ORG"): "ends inside a word",
        (4, 21, "ORG"): "starts inside a word",
        (22, 38, "QTY"): "«را»",
        (22, 44, "QTY"): "punctuation",
        (3, 21, "FOO"): "label",
    }
    for span, why in bad.items():
        assert any(why in p for p in span_problems(text, [span])), (span, why)
    assert any("overlaps" in p for p in span_problems(text, [(3, 21, "ORG"), (16, 21, "LOC")]))
    assert span_problems("رشد ۵۰٪ بود", [(4, 7, "PCT")]) == []


def _gold(split):
    return [json.loads(line) for line in (GOLD / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gold_files_counts_splits_and_ids():
    splits = {s: _gold(s) for s in ("train", "dev", "test")}
    ids = [r["id"] for rows in splits.values() for r in rows]
    assert len(ids) == len(set(ids)) >= 2000
    assert len(splits["test"]) >= 400 and len(splits["dev"]) >= 300
    rows_of = {s: {":".join(r["id"].split(":")[:2]) for r in rows} for s, rows in splits.items()}
    assert not (rows_of["train"] & rows_of["dev"]) and not (rows_of["train"] & rows_of["test"]) and not (rows_of["dev"] & rows_of["test"])
    sections = Counter(r["id"].split(":")[0] for r in ids_rows(splits))
    assert set(sections) == {"currency", "energy", "industry", "domestic"} and min(sections.values()) >= 450
    fields = Counter(r["id"].split(":")[2] for r in ids_rows(splits))
    assert 0.18 < fields["title"] / (fields["summary"] or 1) < 0.32  # headlines for about a quarter of the rows
    labels = Counter(e["label"] for r in ids_rows(splits) for e in r["entities"])
    assert set(labels) == set(ENTITY_TYPES) and sum(labels.values()) > 4500


def ids_rows(splits):
    return [r for rows in splits.values() for r in rows]


def test_gold_splits_are_by_time(news):
    dates = {r.id: r.date for r in news}
    for split in ("train", "dev", "test"):
        for r in _gold(split):
            date = dates[":".join(r["id"].split(":")[:2])]
            assert (date >= "1403/05/01") == (split == "test"), (r["id"], date, split)


def test_gold_hashes_offsets_and_rules(news, texts):
    by_id = {r.id: r for r in news}
    for split in ("train", "dev", "test"):
        for r in _gold(split):
            section, row, field = r["id"].split(":")
            text = by_id[f"{section}:{row}"].text(field)
            assert hashlib.sha1(text.encode("utf-8")).hexdigest() == r["sha1"], r["id"]
            spans = [(e["start"], e["end"], e["label"]) for e in r["entities"]]
            assert spans == sorted(spans)
            assert span_problems(text, spans) == [], r["id"]
        sents = read_eghtesadonline_gold(GOLD / f"{split}.jsonl", texts)
        assert sum(len(s.spans) for s in sents) == sum(len(r["entities"]) for r in _gold(split))


def test_no_corpus_text_in_the_repository(news):
    """Our annotations ship as ids, hashes and offsets: no 40-character run of any record is in a tracked file."""
    size = 40
    windows = set()
    for r in news:
        for text in (r.title, r.summary):
            words = [i for i, ch in enumerate(text) if i == 0 or text[i - 1] == " "]
            windows.update(hash(text[i : i + size]) for i in words if i + size <= len(text))
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    leaks = []
    for name in files:
        path = REPO / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        starts = [i for i, ch in enumerate(text) if i == 0 or not text[i - 1].isalnum()]
        if any(hash(text[i : i + size]) in windows for i in starts if i + size <= len(text)):
            leaks.append(name)
    assert leaks == []


def test_second_annotation_agrees_with_the_gold():
    gold = {r["id"]: {(e["start"], e["end"], e["label"]) for e in r["entities"]} for s in ("train", "dev", "test") for r in _gold(s)}
    second = [json.loads(line) for line in (GOLD / "second-annotation.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(second) == 200 and all(r["id"] in gold for r in second)
    both = sum(len(gold[r["id"]] & {(e["start"], e["end"], e["label"]) for e in r["entities"]}) for r in second)
    total = sum(len(gold[r["id"]]) + len(r["entities"]) for r in second)
    assert 2 * both / total >= 0.95
