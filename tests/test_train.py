"""Real training runs of the tiny config (random small BERT, ParsBERT's real vocabulary, real PEYMA)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import assert_same_metrics, metrics

from farsiner.train.config import load_config
from farsiner.train.loop import train

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "configs" / "tiny.yaml"


def tiny_config(out: Path, *overrides):
    return load_config(TINY, [f"train.output_dir={out}", *overrides])


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, shared_data):
    os.chdir(REPO)  # the config's corpus paths are relative to the project root
    out = tmp_path_factory.mktemp("tiny")
    train(tiny_config(out))
    return out


def test_loss_falls_and_training_set_is_learned(tiny_run):
    rows = metrics(tiny_run)
    losses = [r["loss"] for r in rows if "loss" in r]
    assert losses[-1] < losses[0] / 10
    summary = json.loads((tiny_run / "summary.json").read_text())
    assert summary["scores"]["dev"]["strict"]["f1"] == 1.0  # dev is the training set here
    assert summary["sentences_per_second"] > 0


def test_run_folder_is_complete(tiny_run):
    for name in ("config.yaml", "metrics.jsonl", "summary.json", "curves.png", "confusion.png", "eval/dev.json", "eval/dev.txt", "eval/dev-errors.jsonl"):
        assert (tiny_run / name).exists(), name
    model = tiny_run / "model"
    names = {p.name for p in model.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "README.md", "training_config.yaml"} <= names
    assert not any(n.endswith(".bin") for n in names)
    assert not list(tiny_run.glob(".model*"))  # no temporary folder left behind
    card = (model / "README.md").read_text()
    assert "research use" in card and "| dev | strict |" in card


def test_model_folder_loads_with_transformers(tiny_run):
    from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

    model = AutoModelForTokenClassification.from_pretrained(tiny_run / "model")
    assert model.config.farsiner["digits"] == "persian"
    assert model.config.id2label[0] == "O" and len(model.config.id2label) == 17
    tok = AutoTokenizer.from_pretrained(tiny_run / "model")
    nlp = pipeline("token-classification", model=model, tokenizer=tok, aggregation_strategy="simple")
    assert isinstance(nlp("به گزارش خبرگزاری مهر"), list)


def test_resume_gives_the_same_metrics(tiny_run, tmp_path):
    # a run that stops (as if it crashed) after step 120, then resumes from its checkpoint
    cfg = tiny_config(tmp_path)
    train(cfg, stop_after_step=120)
    assert not (tmp_path / "model").exists()  # nothing half-written
    assert (tmp_path / "checkpoints" / "step-0000120").is_dir()
    train(tiny_config(tmp_path), resume=True)
    a, b = metrics(tiny_run), metrics(tmp_path)
    assert_same_metrics(a, b)


def test_resume_without_checkpoint_starts_over_and_cleans_stale_saves(tmp_path, shared_data, capsys):
    os.chdir(REPO)
    # what a run killed in its final save and before its first checkpoint leaves
    (tmp_path / ".model.abc123.tmp").mkdir()
    (tmp_path / "checkpoints" / "step-0000010.tmp").mkdir(parents=True)
    (tmp_path / "checkpoints" / "step-0000010.tmp" / "model.safetensors").write_bytes(b"half")
    train(tiny_config(tmp_path, "train.max_steps=4", "train.eval_every=4", "train.save_every=100"), resume=True)
    assert "has no checkpoint yet: starting from the beginning" in capsys.readouterr().err
    assert not list(tmp_path.glob(".model.*.tmp")) and not list((tmp_path / "checkpoints").glob("*.tmp"))
    assert (tmp_path / "model" / "config.json").is_file()
    assert [r["step"] for r in metrics(tmp_path) if "loss" in r] == [4]


def test_empty_training_file_is_a_clear_error(tmp_path, shared_data, capsys):
    from farsiner.cli import main

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code = main(["train", "--config", str(TINY), f"train.output_dir={tmp_path / 'run'}",
                 f"data.sources.0.path={empty}", "data.sources.0.format=peyma-split"])
    err = capsys.readouterr().err
    assert code == 2 and f"no training sentences in {empty}" in err and "Traceback" not in err


@pytest.mark.slow
def test_accelerate_launch_two_cpu_processes(tmp_path, tiny_run):
    """DDP over gloo with two processes gives the same kind of run folder as one process."""
    accelerate = shutil.which("accelerate", path=str(Path(sys.executable).parent))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [accelerate, "launch", "--cpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
           "--dynamo_backend", "no", "-m", "farsiner", "train", "--config", str(TINY),
           f"train.output_dir={tmp_path}", "train.max_steps=30", "train.eval_every=15", "train.save_every=15"]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    two, one = metrics(tmp_path), metrics(tiny_run)
    assert {frozenset(r) for r in two} == {frozenset(r) for r in one}
    assert (tmp_path / "model" / "model.safetensors").exists()
    losses = [r["loss"] for r in two if "loss" in r]
    assert losses[-1] < losses[0]


def test_evaluate_equals_direct_seqeval(tiny_run, shared_data, tmp_path, capsys):
    from seqeval.metrics import classification_report, f1_score
    from seqeval.scheme import IOB2

    from farsiner.cli import main
    from farsiner.data import read_peyma_split
    from farsiner.infer.model_folder import load_model_folder
    from farsiner.train.evaluate import score
    from farsiner.train.evaluate_model import predict_tags

    sents = read_peyma_split(shared_data / "peyma" / "split" / "test.txt")[:60]
    model, tok, settings = load_model_folder(tiny_run / "model")
    pred = predict_tags(model, tok, settings, sents)
    gold = [s.tags for s in sents]
    ours = score(gold, pred)
    direct = classification_report(gold, pred, output_dict=True, zero_division=0)
    strict = classification_report(gold, pred, output_dict=True, zero_division=0, mode="strict", scheme=IOB2)
    assert ours["default"]["micro avg"]["f1"] == pytest.approx(f1_score(gold, pred))
    for name, v in direct.items():
        assert ours["default"][name]["f1"] == pytest.approx(v["f1-score"])
        assert ours["default"][name]["support"] == v["support"]
    for name, v in strict.items():
        assert ours["strict"][name]["precision"] == pytest.approx(v["precision"])

    data = tmp_path / "test.txt"
    data.write_text("\n\n".join("\n".join(f"{t}|{g.replace('-', '_', 1)}" for t, g in zip(s.tokens, s.tags)) for s in sents) + "\n", encoding="utf-8")
    assert main(["evaluate", "--model", str(tiny_run / "model"), "--data", str(data), "--out", str(tmp_path / "ev")]) == 0
    written = json.loads((tmp_path / "ev" / "test.json").read_text())
    assert written["strict"]["micro avg"]["f1"] == pytest.approx(ours["strict"]["micro avg"]["f1"])
    assert (tmp_path / "ev" / "test-errors.jsonl").exists() and "micro avg" in capsys.readouterr().out


def test_training_goes_on_from_a_trained_model(tiny_run, tmp_path):
    """A trained folder as the base keeps its head: the first loss is already small."""
    base = [f"model.name_or_path={tiny_run / 'model'}", "model.random_init=false", "model.config_overrides={}", "train.epochs=1"]
    out = tmp_path / "more"
    train(tiny_config(out, *base))
    losses = [r["loss"] for r in metrics(out) if "loss" in r]
    first_fresh = [r["loss"] for r in metrics(tiny_run) if "loss" in r][0]
    assert losses[0] < first_fresh / 10


def test_going_on_reads_the_labels_by_id_not_in_file_order(tiny_run, tmp_path):
    """A config.json written with sorted keys lists label "10" before "2" (the packaged bundled model's does)."""
    from farsiner.data.labels import bio_labels
    from farsiner.train.loop import _check_trained_labels

    folder = tmp_path / "sorted"
    shutil.copytree(tiny_run / "model", folder)
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps(config, sort_keys=True, indent=1))
    assert list(json.loads((folder / "config.json").read_text())["id2label"])[2] == "10"
    _check_trained_labels(str(folder), bio_labels(["PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT", "QTY"]))


def test_going_on_with_other_labels_is_an_error(tiny_run, tmp_path):
    base = [f"model.name_or_path={tiny_run / 'model'}", "model.random_init=false", "model.config_overrides={}"]
    with pytest.raises(ValueError, match="set data.types to exactly"):
        train(tiny_config(tmp_path / "other", *base, "data.types=[ORG,PER,LOC,DAT,TIM,MON,PCT,QTY]"))
