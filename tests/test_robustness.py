"""Bad input, bad options and interrupted runs: a valid result or one clear line, never a traceback."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import save_tiny_tagger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from farsiner import Tagger
from farsiner.cli import main
from farsiner.data.labels import ENTITY_TYPES

REPO = Path(__file__).resolve().parents[1]
NEWS = "بانک ملی ایران ۳ میلیارد ریال به شرکت فولاد مبارکه در اصفهان وام داد."


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory, parsbert_tokenizer):
    return save_tiny_tagger(tmp_path_factory.mktemp("tiny-model"), parsbert_tokenizer)


@pytest.fixture(scope="module")
def tiny(tiny_folder):
    return Tagger.from_pretrained(tiny_folder, backend="pytorch")


@pytest.fixture(scope="module")
def tagger():
    return Tagger.from_pretrained()


def check(text, entities):
    end = 0
    for e in entities:
        assert 0 <= e.start < e.end <= len(text) and text[e.start : e.end] == e.text
        assert e.label in ENTITY_TYPES and e.start >= end
        end = e.end


# --- the Tagger on any str -------------------------------------------------------


@pytest.mark.parametrize("text", ["بانک ملی \ud800 ایران ۳ میلیارد ریال وام داد", "شرکت \udcff فولاد", "\udcff" * 3, "\ud83d"])
def test_lone_surrogates_are_tagged_with_offsets_into_the_callers_string(tagger, text):
    ents = tagger(text)
    check(text, ents)
    assert tagger.tag_batch([text, NEWS])[0] == ents


def test_lone_surrogate_keeps_the_entities_around_it(tagger):
    text = "بانک ملی ایران \udcff ۳ میلیارد ریال وام داد."
    assert ("MON", "۳ میلیارد ریال") in [(e.label, e.text) for e in tagger(text)]


@pytest.mark.parametrize("text", ["x" * 1000, "بانک ملی ایران " + "QUJD" * 300, "ا" * 3000, "شرکت " + "ب" * 2000 + " گفت."])
def test_a_word_longer_than_a_window(tiny, text):
    check(text, tiny(text))


def test_tag_batch_arguments(tagger, tiny):
    with pytest.raises(TypeError, match="list of texts"):
        tagger.tag_batch("بانک ملی")
    for t in (tagger, tiny):
        for bad in (-1, 0, 2.5):
            with pytest.raises(ValueError, match="positive integer"):
                t.tag_batch([NEWS], batch_size=bad)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
       | st.lists(st.sampled_from(["بانک", "ملی", "۳", "میلیارد", "ریال", "\u200c", "\u202e", "\ud800", "\x00", " ", "\n", "x" * 600, "٫", "%"]),
                  max_size=40).map("".join))
def test_fuzz_any_unicode_keeps_offsets(tiny, text):
    ents = tiny(text)
    check(text, ents)


# --- the CLI ---------------------------------------------------------------------


def test_jsonl_with_bom_bad_utf8_and_nan(tmp_path, capsys):
    src = tmp_path / "docs.jsonl"
    lines = [json.dumps({"id": 1, "text": NEWS}, ensure_ascii=False).encode("utf-8"),
             b'{"id": 2, "text": "\xff\xfe bad"}',
             b'{"id": 3, "text": "' + NEWS.encode("utf-8") + b'", "score": NaN}',
             b'{"id": 4, "text": "\\ud800 \xd8\xa8\xd8\xa7\xd9\x86\xda\xa9"}']
    src.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    assert main(["tag", "--input", str(src), "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{src}:2: not UTF-8" in err and "Traceback" not in err
    raw = out.read_text(encoding="utf-8")
    assert "NaN" not in raw
    rows = [json.loads(line) for line in raw.splitlines()]
    assert [r["id"] for r in rows] == [1, 3, 4] and rows[1]["score"] is None
    assert rows[2]["text"] == "\ud800 بانک"  # the lone surrogate comes back as it came, escaped in JSON
    assert main(["tag", "--input", str(src), "--output", str(out), "--strict"]) == 2
    assert f"{src}:2: not UTF-8" in capsys.readouterr().err


def test_text_file_and_stdin_that_are_not_utf8(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(NEWS.encode("utf-8") + b"\n\xff\n")
    assert main(["tag", str(bad)]) == 2
    assert f"{bad}:2: not UTF-8 text" in capsys.readouterr().err
    done = subprocess.run([sys.executable, "-m", "farsiner", "tag", "-"], input=b"\xff\xfe", capture_output=True, cwd=REPO,
                          env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=300)
    assert done.returncode == 2 and b"standard input:1: not UTF-8 text" in done.stderr and b"Traceback" not in done.stderr


def test_parquet_bytes_column_to_jsonl_and_empty_parquet_keeps_its_columns(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"text": [NEWS, None], "blob": [b"\x00\xffraw", "متن".encode()], "n": [1, 2]}), src)
    out = tmp_path / "out.jsonl"
    assert main(["tag", "--input", str(src), "--output", str(out)]) == 0
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["blob"] == "AP9yYXc=" and row["n"] == 1 and row["entities"]
    for rows in ({"text": [None], "n": [1]}, {"text": pa.array([], pa.string()), "n": pa.array([], pa.int64())}):
        pq.write_table(pa.table(rows), src)
        out = tmp_path / "out.parquet"
        assert main(["tag", "--input", str(src), "--output", str(out)]) == 0
        table = pq.read_table(out)
        assert table.num_rows == 0 and table.schema.names == ["text", "n", "entities"]


@pytest.mark.parametrize("device, message", [("tpu", "is not a device name"), ("cuda", "CUDA is not available here"),
                                             ("cuda:3", "CUDA is not available here")])
def test_devices_this_machine_lacks(device, message, capsys):
    pytest.importorskip("torch")
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert main(["tag", "--sample", "--device", device]) == 2
    err = capsys.readouterr().err
    assert message in err and "this machine has: cpu" in err and len(err.strip().splitlines()) == 1


def test_unknown_model_name_is_one_line(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "farsiner", "tag", "--sample", "--model", "nobody/no-such-model"],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    lines = [line for line in done.stderr.strip().splitlines() if line]
    assert done.returncode == 2 and lines == [
        "farsiner tag: error: model 'nobody/no-such-model': no such folder here, and the Hugging Face hub could not be reached or has no such id"]


def test_output_problems_are_found_before_tagging(tmp_path, capsys, monkeypatch):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"text": NEWS}, ensure_ascii=False) + "\n", encoding="utf-8")
    import farsiner.infer.tag_cli as tag_cli

    monkeypatch.setattr(tag_cli, "tag_texts", lambda *a: pytest.fail("tagged before checking the output"))
    cases = [(tmp_path / "missing" / "out.jsonl", "does not exist"), (src, "is the input file"), (tmp_path, "is a folder")]
    for out, message in cases:
        assert main(["tag", "--input", str(src), "--output", str(out)]) == 2
        assert message in capsys.readouterr().err
    assert src.read_text(encoding="utf-8").startswith('{"text"')
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert main(["tag", "--input", str(src), "--output", str(locked / "out.jsonl")]) == 2
        assert "is not writable" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--batch-size", "--workers"])
def test_count_options_must_be_positive(option, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["tag", "--sample", option, "-1"])
    assert exit_.value.code == 2 and "must be a positive integer" in capsys.readouterr().err


def test_html_neutralises_bidi_controls(tmp_path):
    text = "شرکت \u202eفولاد مبارکه\u202c ۳ میلیارد ریال فروخت \u2067x\u2069."
    src = tmp_path / "t.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "t.html"
    assert main(["tag", str(src), "--format", "html", "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert not any(ch in page for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert page.count('class="bidi" title="U+202E"') == 1 and "U+2067" in page


def test_killed_workers_leave_no_tracebacks(tmp_path, tiny_folder):
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"text": NEWS * 20}, ensure_ascii=False) + "\n" for _ in range(4000)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "farsiner", "tag", "--input", str(src), "--output", str(out), "--workers", "2",
                             "--batch-size", "8", "--model", str(tiny_folder)], stderr=subprocess.PIPE, cwd=REPO, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and not _children(proc.pid):
        time.sleep(0.5)
    time.sleep(8)  # the workers are tagging
    workers = _children(proc.pid)
    assert workers, "no worker started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    err = proc.stderr.read().decode("utf-8", "replace")  # EOF once every worker is gone
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))


def _children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# --- model folders and caches ----------------------------------------------------


def test_model_file_instead_of_folder_is_refused(tmp_path, tiny_folder, capsys):
    weights = tiny_folder / "model.safetensors"
    for backend in ("pytorch", "onnx"):
        with pytest.raises(ValueError, match="a model is a folder"):
            Tagger.from_pretrained(weights, backend=backend)
    pickle = tmp_path / "pytorch_model.bin"
    pickle.write_bytes(b"\x80\x04not really")
    assert main(["tag", "--sample", "--model", str(pickle)]) == 2
    assert "a model is a folder" in capsys.readouterr().err
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "config.json").write_text((tiny_folder / "config.json").read_text())
    (folder / "pytorch_model.bin").write_bytes(b"x")
    with pytest.raises(ValueError, match="no safetensors weights"):
        Tagger.from_pretrained(folder, backend="pytorch")


@pytest.mark.parametrize("labels", [["O", "S-ORG"], ["O", "B_ORG", "I_ORG"], ["O", "ORG"]])
def test_labels_that_are_not_iob2_fail_at_load_naming_the_folder(tmp_path, tiny_folder, labels):
    import shutil

    folder = tmp_path / "bad-labels"
    shutil.copytree(tiny_folder, folder)
    config = json.loads((folder / "config.json").read_text())
    config["id2label"] = {str(i): lab for i, lab in enumerate(labels + ["O"] * (len(config["id2label"]) - len(labels)))}
    config["label2id"] = {lab: i for i, lab in enumerate(config["id2label"].values())}
    (folder / "config.json").write_text(json.dumps(config))
    for backend in ("pytorch", "onnx"):
        with pytest.raises(ValueError, match=f"{folder}: its labels must be IOB2"):
            Tagger.from_pretrained(folder, backend=backend)


def test_corrupt_onnx_cache_is_rebuilt(tmp_path, tiny_folder):
    pytest.importorskip("onnxruntime")
    from farsiner.infer.model_folder import load_model_config
    from farsiner.infer.onnx_backend import OnnxRunner

    config, tokenizer, model_settings = load_model_config(tiny_folder)

    def tag(runner):
        return [(e.start, e.end, e.label) for e in Tagger(None, tokenizer, model_settings, runner=runner, id2label=config.id2label)(NEWS)]

    cache = tmp_path / "cache"
    first = OnnxRunner.from_model_folder(tiny_folder, cache)
    good = tag(first)
    first.path.write_bytes(first.path.read_bytes()[:1000])  # a copy cut short
    with pytest.warns(UserWarning, match="rebuilding it"):
        again = OnnxRunner.from_model_folder(tiny_folder, cache)
    assert again.path == first.path and again.path.stat().st_size > 1000
    assert tag(again) == good


# --- corpora ---------------------------------------------------------------------


def test_line_separators_inside_tokens_do_not_split_lines(tmp_path):
    from farsiner.data import read_conll, read_peyma_split

    path = tmp_path / "p.txt"
    path.write_text("بانک\u2028ملی|B_ORG\r\nایران\x85|I_ORG\n\nسلام|O\n", encoding="utf-8")
    sents = read_peyma_split(path)
    assert [s.tokens for s in sents] == [["بانک\u2028ملی", "ایران\x85"], ["سلام"]]
    conll = tmp_path / "c.conll"
    conll.write_text("بانک\u2028ملی\tB-ORG\n\nسلام\tO\n", encoding="utf-8")
    assert [s.tokens for s in read_conll(conll)] == [["بانک\u2028ملی"], ["سلام"]]


def test_long_texts_are_tagged_in_pieces_with_the_same_entities(tiny, tagger, monkeypatch):
    import farsiner.infer.tagger as tagger_module
    from farsiner.infer.tagger import chunk_bounds

    lines = ["بانک ملی ایران ۳ میلیارد ریال به شرکت فولاد مبارکه وام داد.", "", "قیمت دلار امروز ۵۸ هزار تومان شد. رشد ۲ درصد بود."]
    text = "\n".join(lines * 40)
    whole = tagger(text)
    monkeypatch.setattr(tagger_module, "CHUNK_CHARS", 300)
    assert len(chunk_bounds(text, 300)) > 10
    assert tagger(text) == whole and tagger.tag_batch([text, "", text]) == [whole, [], whole]
    check(text, whole)
    # no line break: cut after a sentence's end; one enormous word: cut anyway, nothing lost
    for long in ("رشد ۲ درصد بود. " * 100, "ب" * 2000):
        bounds = chunk_bounds(long, 300)
        assert bounds[0][0] == 0 and bounds[-1][1] == len(long) and all(b == c for (_, b), (c, _) in zip(bounds, bounds[1:]))
        assert all(b - a <= 300 for a, b in bounds)
        check(long, tiny(long))
    # the cut follows the sentence splitter: not after an initial's dot, nor a decimal point
    prose = "به گفته ع. یزدانی رشد ۲.۵ درصد بود. " * 60
    cuts = [b for _, b in chunk_bounds(prose, 300)[:-1]]
    assert cuts and all(prose[:b].endswith("بود. ") for b in cuts)


def test_cli_shows_only_its_own_progress_unless_verbose(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    quiet = subprocess.run([sys.executable, "-m", "farsiner", "tag", "--sample"], capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
    assert quiet.returncode == 0 and "MON" in quiet.stdout
    assert "Loading weights" not in quiet.stderr and "quantization" not in quiet.stderr and quiet.stderr.strip() == ""
    verbose = subprocess.run([sys.executable, "-m", "farsiner", "tag", "--sample", "--verbose", "--format", "jsonl"],
                             capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
    assert verbose.returncode == 0 and json.loads(verbose.stdout)["entities"]


@pytest.mark.parametrize("text", ["Hello world", "Reuters said on Monday that prices rose 3 percent.", "1403/05/01 12:30", "Привет мир"])
def test_text_without_persian_letters_gives_no_entities(tagger, text):
    assert tagger(text) == []


def test_a_latin_sentence_inside_persian_news_is_left_alone(tagger):
    text = "Reuters reported it. بانک ملی ایران ۳ میلیارد ریال وام داد."
    assert [(e.label, e.text) for e in tagger(text)][:2] == [("ORG", "بانک ملی ایران"), ("MON", "۳ میلیارد ریال")]


def test_workers_take_lone_surrogates_and_bad_lines(tmp_path, tiny_folder):
    src = tmp_path / "docs.jsonl"
    src.write_bytes(b'{"text": "\\ud800 \xd8\xa8\xd8\xa7\xd9\x86\xda\xa9 \xd9\x85\xd9\x84\xdb\x8c"}\n\xff\n' * 6)
    out = tmp_path / "out.jsonl"
    done = subprocess.run([sys.executable, "-m", "farsiner", "tag", "--input", str(src), "--output", str(out), "--workers", "2",
                           "--model", str(tiny_folder)], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stderr and f"{src}:2: not UTF-8" in done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6 and all(r["text"].startswith("\ud800") for r in rows)


def test_workers_with_a_bad_model_fail_once(tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"text": NEWS}, ensure_ascii=False) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "farsiner", "tag", "--input", str(src), "--output", str(tmp_path / "o.jsonl"),
                           "--workers", "2", "--model", str(tmp_path / "no-such-model")], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}, timeout=300)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "no-such-model" in done.stderr


def test_deeply_nested_json_and_parquet_unfit_fields_are_clear(tmp_path, capsys, monkeypatch):
    import farsiner.infer.tag_cli as tag_cli

    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"text": NEWS}, ensure_ascii=False) + "\n" + "[" * 100_000 + "\n", encoding="utf-8")
    assert main(["tag", "--input", str(src), "--output", str(tmp_path / "o.jsonl")]) == 0
    assert f"{src}:2: JSON nested too deeply" in capsys.readouterr().err
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [{"text": NEWS, "id": 1}, {"text": NEWS, "id": 2**70}]),
                   encoding="utf-8")
    monkeypatch.setattr(tag_cli, "tag_texts", lambda *a: pytest.fail("tagged before checking the Parquet output"))
    assert main(["tag", "--input", str(src), "--output", str(tmp_path / "o.parquet")]) == 2
    assert "do not make one Parquet table" in capsys.readouterr().err and not (tmp_path / "o.parquet").exists()
