"""`farsiner tag` on text files, standard input and corpora, in every output format."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from farsiner.cli import main

REPO = Path(__file__).resolve().parents[1]
NEWS = "بانک ملی ایران ۳ میلیارد ریال به شرکت فولاد مبارکه در اصفهان وام داد."


@pytest.fixture
def corpus(tmp_path):
    rows = [
        {"id": 1, "text": NEWS, "source": "a"},
        {"id": 2, "text": "", "source": "b"},
        {"id": 3, "text": "Latin only text.", "source": "c"},
        {"id": 4, "text": "علی یزدانی، مدیرعامل شرکت شهرکهای صنعتی استان قم، گفت ۳۸۹ خوشه صنعتی شناسایی شد.", "source": "d"},
    ] + [{"id": 5 + i, "text": NEWS} for i in range(4)]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path, rows


def read_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def test_text_file_table(tmp_path, capsys):
    f = tmp_path / "news.txt"
    f.write_text(NEWS, encoding="utf-8")
    assert main(["tag", str(f)]) == 0
    out = capsys.readouterr().out
    assert "MON" in out and "۳ میلیارد ریال" in out and '"currency": "IRR"' in out


def test_sample_and_stdin(monkeypatch, capsys):
    import io

    assert main(["tag", "--sample"]) == 0
    assert "فولاد مبارکه" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO(NEWS))
    assert main(["tag", "-", "--format", "jsonl"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {e["label"] for e in row["entities"]} >= {"ORG", "MON", "LOC"}


def test_jsonl_corpus_keeps_fields(corpus, tmp_path):
    path, rows = corpus
    out = tmp_path / "tagged.jsonl"
    assert main(["tag", "--input", str(path), "--output", str(out), "--batch-size", "3"]) == 0
    tagged = read_jsonl(out)
    assert [r["id"] for r in tagged] == [r["id"] for r in rows]
    assert tagged[0]["source"] == "a"
    for row in tagged:
        for e in row["entities"]:
            assert row["text"][e["start"] : e["end"]] == e["text"]
            assert set(e) == {"start", "end", "label", "text", "score", "value"}
    assert tagged[1]["entities"] == [] and tagged[2]["entities"] == []
    mon = [e for e in tagged[0]["entities"] if e["label"] == "MON"]
    assert mon[0]["value"] == {"amount": 3000000000, "currency": "IRR"}


def test_bad_lines_skipped_or_fatal(tmp_path, capsys):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"text": NEWS}) + "\n{broken\n" + json.dumps({"body": "x"}) + "\n[1]\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", "--input", str(path), "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert "docs.jsonl:2: not JSON" in err and "docs.jsonl:3: no string field 'text'" in err and "docs.jsonl:4" in err
    assert len(read_jsonl(out)) == 1
    out.unlink()
    assert main(["tag", "--input", str(path), "--output", str(out), "--strict"]) == 2
    assert "docs.jsonl:2" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl*"))  # nothing half-written


def test_text_field(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"body": NEWS}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", "--input", str(path), "--output", str(out), "--text-field", "body"]) == 0
    assert read_jsonl(out)[0]["entities"]


def test_html_is_escaped_and_right_to_left(tmp_path):
    f = tmp_path / "news.txt"
    f.write_text("<script>alert(1)</script> " + NEWS + " & «نقل»", encoding="utf-8")
    out = tmp_path / "view.html"
    assert main(["tag", str(f), "--format", "html", "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert 'dir="rtl"' in page and "<script>" not in page and "&lt;script&gt;" in page and "&amp;" in page
    assert '<mark class="MON" title="MON {&quot;amount&quot;: 3000000000' in page


def test_conll_output(tmp_path):
    f = tmp_path / "news.txt"
    f.write_text(NEWS, encoding="utf-8")
    out = tmp_path / "news.conll"
    assert main(["tag", str(f), "--format", "conll", "--output", str(out)]) == 0
    lines = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines() if line]
    assert ["بانک", "B-ORG"] in lines and ["ملی", "I-ORG"] in lines and ["اصفهان", "B-LOC"] in lines


def test_parquet_in_and_out(corpus, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, rows = corpus
    src = tmp_path / "docs.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": r["id"], "text": r["text"]} for r in rows]), src)
    out = tmp_path / "tagged.parquet"
    assert main(["tag", "--input", str(src), "--output", str(out)]) == 0
    table = pq.read_table(out).to_pylist()
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    assert any(e["label"] == "MON" for e in json.loads(table[0]["entities"]))


def test_missing_input_is_a_clean_error(tmp_path, capsys):
    assert main(["tag", "--input", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl" in capsys.readouterr().err


@pytest.mark.slow
def test_workers_give_the_same_output(corpus, tmp_path):
    path, _ = corpus
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["tag", "--input", str(path), "--output", str(one), "--batch-size", "2"]) == 0
    assert main(["tag", "--input", str(path), "--output", str(two), "--batch-size", "2", "--workers", "2"]) == 0
    a, b = read_jsonl(one), read_jsonl(two)
    assert [[(e["start"], e["end"], e["label"]) for e in r["entities"]] for r in a] == [
        [(e["start"], e["end"], e["label"]) for e in r["entities"]] for r in b
    ]


@pytest.mark.slow
def test_accelerate_launch_shares_the_corpus(corpus, tmp_path):
    path, rows = corpus
    accelerate = shutil.which("accelerate", path=str(Path(sys.executable).parent))
    out = tmp_path / "tagged.jsonl"
    cmd = [accelerate, "launch", "--cpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
           "--dynamo_backend", "no", "-m", "farsiner", "tag", "--input", str(path), "--output", str(out), "--batch-size", "2"]
    done = subprocess.run(cmd, cwd=tmp_path, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    tagged = read_jsonl(out)
    assert [r["id"] for r in tagged] == [r["id"] for r in rows]  # complete and in input order
    assert not list(tmp_path.glob("tagged.jsonl.part*"))
    single = tmp_path / "single.jsonl"
    assert main(["tag", "--input", str(path), "--output", str(single)]) == 0
    assert [[e["label"] for e in r["entities"]] for r in tagged] == [[e["label"] for e in r["entities"]] for r in read_jsonl(single)]
