import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from farsiner.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_normalize_sample_sentences(capsys):
    assert main(["normalize", "--sample", "--sentences"]) == 0
    lines = capsys.readouterr().out.splitlines()
    from farsiner.data.normalize_cli import sample_text

    text = sample_text()
    assert len(lines) >= 5
    for line in lines:
        start, end, sentence = line.split("\t")
        # the offsets point into the original (Persian digits), the sentence is normalised
        original = text[int(start) : int(end)]
        assert original.strip() == original and original
        assert not any(ch in sentence for ch in "۰۱۲۳۴۵۶۷۸۹")


def test_normalize_file_and_settings(tmp_path, capsys):
    f = tmp_path / "in.txt"
    f.write_text("كتاب\u200cهاي ۱۲", encoding="utf-8")
    assert main(["normalize", str(f), "--zwnj", "remove", "--digits", "persian"]) == 0
    assert capsys.readouterr().out == "کتابهای ۱۲\n"


def test_missing_file_is_a_clean_error(tmp_path, capsys):
    assert main(["normalize", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert "nope.txt" in err and "Traceback" not in err


def test_console_script_runs():
    exe = Path(sys.executable).with_name("farsiner")
    out = subprocess.run([str(exe), "normalize", "--sample"], capture_output=True, text=True, check=True)
    assert "فولاد" in out.stdout


def test_no_top_level_train_infer_data_module(tmp_path):
    """The subpackages are farsiner.*; nothing named train/infer/data is importable on its own."""
    code = "import importlib.util as u; print([n for n in ('train','infer','data') if u.find_spec(n)])"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    code = "import farsiner.data, farsiner.train, farsiner.infer; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


@pytest.mark.slow
def test_wheel_holds_only_the_farsiner_package(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("farsiner-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"farsiner"}
    for must in ("farsiner/__init__.py", "farsiner/cli.py", "farsiner/data/normalize.py", "farsiner/data/samples/sample-news.txt", "farsiner/train/__init__.py", "farsiner/infer/__init__.py",
                 "farsiner/configs/tiny.yaml", "farsiner/infer/models/me5-news-distilled/model.safetensors",
                 "farsiner/infer/models/me5-news-distilled/tokenizer.json", "farsiner/infer/models/me5-news-distilled/README.md",
                 "farsiner/data/quantities/values.py", "farsiner/data/annotations/eghtesadonline/test.jsonl"):
        assert must in names
    assert not any(n.startswith("farsiner/tests/") for n in names)
