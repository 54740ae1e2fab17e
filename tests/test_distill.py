"""Soft labels and distillation on the tiny config: a 2-layer teacher trained here, 1-layer students, real PEYMA."""

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import assert_same_metrics, metrics, write_config

from farsiner.train.config import ConfigError, DistillRunConfig, load_config
from farsiner.train.distill import distill
from farsiner.train.loop import train

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "configs" / "tiny.yaml"
TINY_DISTILL = REPO / "configs" / "tiny-distill.yaml"


def distill_config(teacher: Path, soft: Path, out: Path, *overrides, teachers=None):
    names = ",".join(str(t) for t in (teachers or [teacher]))
    return load_config(TINY_DISTILL, [f"model.name_or_path={teacher}", f"distill.teachers=[{names}]", f"distill.soft_labels={soft}",
                                      f"train.output_dir={out}", *overrides], schema=DistillRunConfig)


@pytest.fixture(scope="module")
def teacher(tmp_path_factory, shared_data):
    os.chdir(REPO)  # the configs' corpus paths are relative to the project root
    out = tmp_path_factory.mktemp("teacher")
    train(load_config(TINY, [f"train.output_dir={out}", "train.epochs=40", "train.eval_every=80", "train.save_every=1000"]))
    return out / "model"


@pytest.fixture(scope="module")
def soft(teacher, tmp_path_factory):
    from farsiner.cli import main

    folder = tmp_path_factory.mktemp("soft") / "soft-labels"
    args = [f"model.name_or_path={teacher}", f"distill.teachers=[{teacher}]", f"distill.soft_labels={folder}", "train.output_dir=unused"]
    assert main(["soft-labels", "--config", str(TINY_DISTILL), *args]) == 0
    return folder


@pytest.fixture(scope="module")
def student_run(teacher, soft, tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    distill(distill_config(teacher, soft, out))
    return out


def training_sentences(shared_data):
    from farsiner.data import read_peyma_split

    return read_peyma_split(shared_data / "peyma" / "split" / "dev.txt")[:32]


def agreement(a, b, entities_only=False) -> float:
    pairs = [(x, y) for p, q in zip(a, b) for x, y in zip(p, q) if not entities_only or x != "O"]
    return sum(x == y for x, y in pairs) / len(pairs)


def test_soft_label_shards(soft, teacher):
    import pyarrow.parquet as pq

    meta = json.loads((soft / "meta.json").read_text())
    assert meta["sentences"] == 32 and meta["unlabeled"] == 0 and meta["top_k"] == 5
    assert [s["file"] for s in meta["shards"]] == [f"part-0000{i}.parquet" for i in range(4)]
    assert meta["teachers"] == [str(teacher)] and meta["labels"][0] == "O" and len(meta["labels"]) == 17
    table = pq.read_table(soft / "part-00000.parquet")
    assert table.num_rows == 8
    assert str(table.schema.field("top_ids").type) == "list<element: fixed_size_list<element: uint8>[5]>"
    assert str(table.schema.field("top_log_probs").type) == "list<element: fixed_size_list<element: halffloat>[5]>"
    row = table.slice(0, 1).to_pylist()[0]
    assert len(row["top_ids"]) == len(row["words"]) == len(row["tags"])
    lp = np.array(row["top_log_probs"], dtype=np.float32)
    assert (np.diff(lp, axis=1) <= 0).all() and (np.exp(lp).sum(1) <= 1.001).all()  # most probable first


def test_student_keeps_one_layer_and_the_run_folder_is_complete(student_run):
    model = student_run / "model"
    assert json.loads((model / "config.json").read_text())["num_hidden_layers"] == 1
    for name in ("config.yaml", "metrics.jsonl", "summary.json", "eval/dev.json", "model/model.safetensors", "model/README.md"):
        assert (student_run / name).exists(), name
    assert "distilled (`farsiner distill`)" in (model / "README.md").read_text()
    assert "soft_labels:" in (student_run / "config.yaml").read_text()


def test_student_from_scratch_learns_the_teachers_labels(teacher, soft, tmp_path, shared_data):
    """A random 1-layer student taught by the soft labels alone (alpha 1: no gold) tags as the teacher does."""
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    from farsiner.data.labels import bio_labels
    from farsiner.infer.model_folder import ModelSettings, load_model_folder, save_model_folder
    from farsiner.train.evaluate_model import predict_tags

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(teacher)
    labels = bio_labels()
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=128, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)})
    random_base = save_model_folder(BertForTokenClassification(cfg), tok, ModelSettings("remove", "persian", 128), tmp_path / "random")
    out = tmp_path / "run"
    distill(distill_config(random_base, soft, out, "distill.alpha=1.0", "train.epochs=40", "train.eval_every=160", "train.save_every=1000",
                           teachers=[teacher]))
    sents = training_sentences(shared_data)
    t_model, t_tok, settings = load_model_folder(teacher)
    by_teacher = predict_tags(t_model, t_tok, settings, sents)
    before = predict_tags(load_model_folder(random_base)[0], t_tok, settings, sents)
    after = predict_tags(load_model_folder(out / "model")[0], t_tok, settings, sents)
    assert agreement(by_teacher, before, entities_only=True) < 0.5
    assert agreement(by_teacher, after) >= 0.9
    assert agreement(by_teacher, after, entities_only=True) >= 0.8


def test_loss_is_the_weighted_kl_plus_gold_cross_entropy():
    from types import SimpleNamespace

    from farsiner.train.distill import Distillation

    d = Distillation.__new__(Distillation)
    d.settings = SimpleNamespace(temperature=2.0, alpha=0.25, top_k=17)
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 17)
    target = torch.tensor([[-100, 3, 0, -100], [-100, 1, 2, -100]])
    first = target != -100
    ids = torch.where(first[..., None], torch.arange(17).expand(2, 4, 17), torch.tensor(-1))
    ce = torch.nn.CrossEntropyLoss(ignore_index=-100)
    # a teacher that is the student: the KL term is 0; only the first sentence has gold
    same = {"ids": ids, "log_probs": torch.log_softmax(logits, -1), "gold": torch.tensor([True, False])}
    expected = 0.75 * ce(logits[0], target[0])
    assert d.loss(logits, target, same, ce).item() == pytest.approx(expected.item(), rel=1e-5)
    # no gold at all: the KL term alone, alpha * T^2 * KL, which a different teacher makes positive
    other = {**same, "log_probs": torch.log_softmax(torch.randn(2, 4, 17), -1), "gold": torch.tensor([False, False])}
    t = torch.log_softmax(other["log_probs"][first] / 2, -1)
    kl = (t.exp() * (t - torch.log_softmax(logits[first] / 2, -1))).sum(-1).mean()
    assert d.loss(logits, target, other, ce).item() == pytest.approx((0.25 * 4 * kl).item(), rel=1e-5) and kl > 0


def test_distill_resume_gives_the_same_metrics(teacher, soft, student_run, tmp_path):
    train_dir = tmp_path / "run"
    distill(distill_config(teacher, soft, train_dir), stop_after_step=40)
    assert not (train_dir / "model").exists() and (train_dir / "checkpoints" / "step-0000040").is_dir()
    distill(distill_config(teacher, soft, train_dir), resume=True)
    a, b = metrics(student_run), metrics(train_dir)
    assert_same_metrics(a, b)


def test_soft_labels_resume_skips_finished_shards(teacher, soft, tmp_path, capsys):
    import pyarrow.parquet as pq

    from farsiner.train.soft_labels import make_soft_labels

    folder = tmp_path / "soft"
    shutil.copytree(soft, folder)
    # a run killed while labelling shard 2: the others are done, no meta.json yet
    (folder / "part-00002.parquet").unlink()
    (folder / "meta.json").unlink()
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.glob("part-*.parquet")}
    make_soft_labels(distill_config(teacher, folder, tmp_path / "unused"), show_progress=False)
    assert "8 sentences in 1 shards labelled" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("part-*.parquet") if p.name in stamps} == stamps
    assert pq.read_table(folder / "part-00002.parquet").equals(pq.read_table(soft / "part-00002.parquet"))
    assert json.loads((folder / "meta.json").read_text())["shards"] == json.loads((soft / "meta.json").read_text())["shards"]


def test_soft_labels_follow_the_teachers_bytes_not_their_path(teacher, soft, tmp_path):
    """A copy of the teacher elsewhere keeps the soft labels; other weights under the same name do not."""
    from safetensors.torch import load_file, save_file

    from farsiner.train.distill import Distillation

    copy = tmp_path / "moved-teacher"
    shutil.copytree(teacher, copy)
    Distillation(distill_config(copy, soft, tmp_path / "unused"))
    weights = load_file(copy / "model.safetensors")
    weights["classifier.bias"] = weights["classifier.bias"] + 1.0
    save_file(weights, copy / "model.safetensors", metadata={"format": "pt"})
    with pytest.raises(ValueError, match="other teachers"):
        Distillation(distill_config(copy, soft, tmp_path / "unused"))


def test_an_ensemble_averages_probabilities_and_must_share_labels(teacher, tmp_path, parsbert_tokenizer, shared_data):
    from conftest import save_tiny_tagger
    from transformers import BertConfig, BertForTokenClassification

    from farsiner.infer.model_folder import ModelSettings, save_model_folder
    from farsiner.train.soft_labels import label_sentences, load_teachers

    other = save_tiny_tagger(tmp_path / "other", parsbert_tokenizer)
    sents = training_sentences(shared_data)[:3]
    one, two = load_teachers([str(teacher)]), load_teachers([str(other)])
    both = load_teachers([str(teacher), str(other)])
    k = 17  # every label: the average is exact
    for (ids, lp), (ia, la), (ib, lb) in zip(*(label_sentences(t, sents, k, 8) for t in (both, one, two))):
        p = np.zeros((len(ids), k))
        for i, l in ((ia, la), (ib, lb)):
            p += np.take_along_axis(np.exp(l.astype(np.float64)) / 2, np.argsort(i.astype(int), axis=1), axis=1)
        assert np.allclose(np.exp(lp.astype(np.float64)), np.take_along_axis(p, ids.astype(int), axis=1), atol=2e-3)
    labels = ["O", "B-PER", "I-PER"]
    cfg = BertConfig(vocab_size=len(parsbert_tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
                     max_position_embeddings=128, num_labels=3, id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)})
    per_only = save_model_folder(BertForTokenClassification(cfg), parsbert_tokenizer, ModelSettings("remove", "persian", 128, ["PER"]), tmp_path / "per")
    with pytest.raises(ValueError, match="differ in their labels"):
        load_teachers([str(teacher), str(per_only)])


def test_evaluate_scores_an_ensemble(teacher, tmp_path, parsbert_tokenizer, shared_data, capsys):
    """`farsiner evaluate --model A --model B` decodes the two models' averaged distributions; a model with itself is the model."""
    from conftest import save_tiny_tagger

    from farsiner.cli import main
    from farsiner.data import read_peyma_split
    from farsiner.infer.predict import decode_tags
    from farsiner.train.evaluate_model import predict_tags_ensemble
    from farsiner.train.features import normalize_sentence
    from farsiner.train.soft_labels import label_sentences, load_teachers

    data = shared_data / "peyma" / "split" / "dev.txt"
    scores = {}
    for name, models in (("one", [teacher]), ("twice", [teacher, teacher])):
        args = [a for m in models for a in ("--model", str(m))]
        assert main(["evaluate", *args, "--data", str(data), "--out", str(tmp_path / name)]) == 0
        scores[name] = json.loads((tmp_path / name / "dev.json").read_text())["strict"]
    assert scores["twice"] == scores["one"]

    other = save_tiny_tagger(tmp_path / "other", parsbert_tokenizer)
    both = load_teachers([str(teacher), str(other)])
    sents = read_peyma_split(data)[:5]
    k = len(both.labels)  # every label: the stored distribution is the whole average
    expected = []
    normalised = [normalize_sentence(s, both.zwnj, both.digits) for s in sents]
    for ids, lp in label_sentences(both, normalised, k, 8):
        word_lp = np.take_along_axis(lp.astype(np.float64), np.argsort(ids.astype(int), axis=1), axis=1)
        expected.append(decode_tags(word_lp, dict(enumerate(both.labels)))[0])
    assert predict_tags_ensemble(both, sents) == expected


def test_distill_refuses_soft_labels_of_another_train_split(teacher, soft, tmp_path):
    with pytest.raises(ValueError, match="the train sources changed"):
        distill(distill_config(teacher, soft, tmp_path / "run", "data.sources.0.limit=16"))
    with pytest.raises(ValueError, match="soft-labels with this config first"):
        distill(distill_config(teacher, tmp_path / "none", tmp_path / "run"))


@pytest.mark.slow
def test_soft_labels_with_workers_equal_one_process(teacher, soft, tmp_path):
    import pyarrow.parquet as pq

    from farsiner.train.soft_labels import make_soft_labels

    folder = tmp_path / "soft"
    make_soft_labels(distill_config(teacher, folder, tmp_path / "unused"), workers=2, show_progress=False)
    for p in sorted(soft.glob("part-*.parquet")):
        assert pq.read_table(folder / p.name).equals(pq.read_table(p)), p.name


@pytest.mark.slow
def test_soft_labels_over_two_processes_share_the_shards(teacher, soft, tmp_path):
    """Process r of N labels shards r, r+N, ... (torchrun: `accelerate launch --cpu` starts one process where there is no GPU)."""
    import subprocess
    import sys

    import pyarrow.parquet as pq

    folder = tmp_path / "soft"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "farsiner", "soft-labels", "--config", str(TINY_DISTILL),
           f"model.name_or_path={teacher}", f"distill.teachers=[{teacher}]", f"distill.soft_labels={folder}", "train.output_dir=unused"]
    done = subprocess.run(cmd, cwd=REPO, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "(2 of 4 shards)" in done.stderr and "32 sentences in 4 shards labelled" in done.stdout
    for p in sorted(soft.glob("part-*.parquet")):
        assert pq.read_table(folder / p.name).equals(pq.read_table(p)), p.name
    assert json.loads((folder / "meta.json").read_text())["shards"] == json.loads((soft / "meta.json").read_text())["shards"]


# --- config and data -------------------------------------------------------------


GOOD = """\
model:
  name_or_path: some/model
data:
  sources:
    - {format: eghtesadonline-texts, path: TEXTS, split: train}
distill:
  soft_labels: soft
  teachers: [some/teacher]
  alpha: 0.5
train:
  output_dir: out
"""


@pytest.mark.parametrize(
    "change, message",
    [
        (("  alpha: 0.5", "  alpha: 1.5"), r"run.yaml:9: distill.alpha must be in 0..1"),
        (("  alpha: 0.5", "  alpha: high"), r"run.yaml:9: distill.alpha must be a number"),
        (("  alpha: 0.5", "  alpha: 0.5\n  top_k: 40"), r"run.yaml:10: distill.top_k must be in 1..17"),
        (("  alpha: 0.5", "  alpha: 0.5\n  temprature: 2"), r"run.yaml:10: unknown key 'distill.temprature'"),
        (("  alpha: 0.5", "  alpha: 0.5\n  student_layers: [4, 0]"), r"run.yaml:10: distill.student_layers is a non-empty list of increasing"),
        (("  teachers: [some/teacher]", "  teachers: [no/such/folder]"), r"run.yaml:8: no such folder"),
        (("split: train}", "split: dev}"), r"run.yaml:5: eghtesadonline-texts is unannotated text: it feeds the train split only, not dev"),
        (("split: train}", "split: test}"), r"run.yaml:5: .* not test"),
    ],
)
def test_distill_config_errors_name_file_and_line(tmp_path, shared_data, change, message):
    text = GOOD.replace("TEXTS", str(shared_data / "eghtesadonline")).replace(*change)
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path, text), schema=DistillRunConfig)


def test_unannotated_text_is_refused_by_plain_training(tmp_path, shared_data):
    text = GOOD.replace("TEXTS", str(shared_data / "eghtesadonline"))
    assert load_config(write_config(tmp_path, text), schema=DistillRunConfig).distill.alpha == 0.5
    plain = text.split("distill:")[0] + "train:\n  output_dir: out\n"
    with pytest.raises(ConfigError, match=r"run.yaml:5: eghtesadonline-texts is unannotated text, for a distillation config"):
        load_config(write_config(tmp_path, plain))
    with pytest.raises(ConfigError, match=r"run.yaml: missing key 'distill'"):
        load_config(write_config(tmp_path, plain), schema=DistillRunConfig)
    with pytest.raises(ConfigError, match=r"run.yaml:6: a distillation config: run it with farsiner soft-labels, then farsiner distill"):
        load_config(write_config(tmp_path, text.replace("eghtesadonline-texts", "peyma-split").replace(str(shared_data / "eghtesadonline"), str(TINY))))


def test_student_layers_must_exist_in_the_model(tmp_path, teacher):
    with pytest.raises(ConfigError, match=r"override 'distill.student_layers=\[0,3\]': .* has 2 layers \(0..1\): layer 3 is not one of them"):
        distill_config(teacher, tmp_path / "soft", tmp_path / "out", "distill.student_layers=[0,3]")


def test_eghtesadonline_texts_exclude_every_gold_row(shared_data):
    from farsiner.data.readers.eghtesadonline import gold_annotation_files, gold_rows, read_eghtesadonline, read_eghtesadonline_texts
    from farsiner.data.sources import read_source
    from farsiner.train.config import SourceConfig

    folder = shared_data / "eghtesadonline"
    sents = read_eghtesadonline_texts(folder)
    gold = gold_rows()
    assert [f.name for f in gold_annotation_files()] == ["train.jsonl", "dev.jsonl", "test.jsonl"] and len(gold) == 4220  # 1,660 rows of the first round, 640 each of the second to fifth
    used = {s.meta["record"].rsplit(":", 1)[0] for s in sents}
    assert not used & gold
    records = read_eghtesadonline(folder)
    assert used == {r.id for r in records if r.id not in gold and (r.title.strip() or r.summary.strip())}
    assert all(s.meta["unlabeled"] and set(s.tags) == {"O"} and s.tokens for s in sents)
    assert len(sents) > 45_000  # 49,273 with the fifth round held out
    for split in ("dev", "test"):
        with pytest.raises(ValueError, match="train split only"):
            read_source(SourceConfig(format="eghtesadonline-texts", path=str(folder), split=split))
