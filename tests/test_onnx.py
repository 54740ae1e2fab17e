"""The ONNX Runtime int8 backend: built once and cached, as accurate as PyTorch fp32, chosen by from_pretrained."""

import os
import shutil
import sys

import numpy as np
import pytest
from conftest import save_tiny_tagger

from farsiner import Tagger
from farsiner.data.normalize_cli import sample_text
from farsiner.infer import onnx_backend
from farsiner.infer.onnx_backend import OnnxRunner
from farsiner.infer.predict import TorchRunner
from farsiner.infer.tagger import bundled_model_path


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory):
    """The bundled model in a temporary folder, so the ONNX file is built beside it there, once for the module."""
    folder = tmp_path_factory.mktemp("model") / "me5-small-peyma"
    shutil.copytree(bundled_model_path(), folder, ignore=shutil.ignore_patterns("onnx"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FARSINER_CACHE", str(tmp_path_factory.mktemp("cache")))  # nothing lands in ~/.cache
        yield folder


@pytest.fixture(scope="module")
def onnx_tagger(model_copy):
    return Tagger.from_pretrained(model_copy, backend="onnx")


@pytest.fixture(scope="module")
def torch_tagger(model_copy):
    return Tagger.from_pretrained(model_copy, backend="pytorch")


def peyma_f1(tagger, sentences) -> float:
    from farsiner.data.readers.peyma import PEYMA_TYPES
    from farsiner.train.evaluate import keep_types, score, tags_from_char_spans

    found = tagger.tag_batch([s.text for s in sentences])
    spans = [[(e.start, e.end, e.label) for e in ents] for ents in found]
    pred = keep_types([tags_from_char_spans(s.token_offsets, sp) for s, sp in zip(sentences, spans)], PEYMA_TYPES)
    gold = keep_types([s.tags for s in sentences], PEYMA_TYPES)
    return 100 * score(gold, pred)["strict"]["micro avg"]["f1"]


def test_backends_are_recorded(onnx_tagger, torch_tagger, model_copy):
    assert onnx_tagger.backend == "onnx" and isinstance(onnx_tagger.runner, OnnxRunner)
    assert onnx_tagger.model is None  # no PyTorch weights held beside the ONNX session
    assert torch_tagger.backend == "pytorch" and isinstance(torch_tagger.runner, TorchRunner)
    # built beside the model, since its folder is writable
    assert onnx_tagger.runner.path.parent.parent == model_copy / "onnx"


def test_int8_f1_within_half_a_point_of_fp32(onnx_tagger, torch_tagger, shared_data):
    from farsiner.data.readers import read_peyma_split

    # the whole split: on its first 300 sentences four entities (0.6 points) are noise
    sentences = read_peyma_split(shared_data / "peyma" / "split" / "test.txt")
    fp32, int8 = peyma_f1(torch_tagger, sentences), peyma_f1(onnx_tagger, sentences)
    assert fp32 > 75  # the comparison means something only if the model works
    assert abs(int8 - fp32) <= 0.5, (fp32, int8)


def test_sample_article_entities_agree(onnx_tagger, torch_tagger):
    text = sample_text()
    fp32 = {(e.start, e.end, e.label) for e in torch_tagger(text)}
    int8 = {(e.start, e.end, e.label) for e in onnx_tagger(text)}
    assert len(fp32) >= 10
    assert len(fp32 & int8) / max(len(fp32), len(int8)) >= 0.9


def test_runner_keeps_input_order_and_lengths(onnx_tagger, torch_tagger):
    tok = onnx_tagger.tokenizer
    texts = ["بانک ملی ایران ۳ میلیارد ریال وام داد.", "علی", "رضا کریمی در اصفهان گفت که شرکت فولاد مبارکه ۳۵ درصد بازار را دارد."]
    sequences = [tok(t)["input_ids"] for t in texts]
    log_probs = onnx_tagger.runner(sequences, 2, tok.pad_token_id)
    reference = torch_tagger.runner(sequences, 2, tok.pad_token_id)
    n_labels = len(onnx_tagger.id2label)
    assert [x.shape for x in log_probs] == [x.shape for x in reference] == [(len(s), n_labels) for s in sequences]
    assert all(np.allclose(np.exp(x).sum(-1), 1.0, atol=1e-4) for x in log_probs)  # log-softmax rows
    same = sum((a.argmax(-1) == b.argmax(-1)).sum() for a, b in zip(log_probs, reference))
    assert same >= 0.9 * sum(map(len, sequences))


def test_cache_is_reused(onnx_tagger, model_copy, monkeypatch):
    path = onnx_tagger.runner.path
    mtime = path.stat().st_mtime_ns

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the cached ONNX file was rebuilt")

    monkeypatch.setattr(onnx_backend, "build_int8_onnx", no_rebuild)
    again = Tagger.from_pretrained(model_copy)  # auto: ONNX on the CPU
    assert again.backend == "onnx"
    assert again.runner.path == path and path.stat().st_mtime_ns == mtime
    assert os.listdir(path.parent) == [onnx_backend.ONNX_FILE]  # no temporary files left behind


def test_cache_key_follows_the_weights(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    key = onnx_backend.model_key(tmp_path)
    os.utime(tmp_path / "model.safetensors", ns=(0, 10**18))
    assert onnx_backend.model_key(tmp_path) != key


def test_cache_falls_back_to_farsiner_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FARSINER_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model"
    model.mkdir()
    assert onnx_backend.cache_candidates(model, model, "k") == [model / "onnx" / "k", tmp_path / "cache" / "onnx" / "k"]
    assert onnx_backend.cache_candidates("someone/hub-model", model, "k") == [tmp_path / "cache" / "onnx" / "k"]


def test_onnx_without_onnxruntime_says_what_to_install(model_copy, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed
    with pytest.raises(ImportError, match=r"pip install onnxruntime onnx"):
        Tagger.from_pretrained(model_copy, backend="onnx")
    assert Tagger.from_pretrained(model_copy).backend == "pytorch"


def test_unknown_backend(model_copy):
    with pytest.raises(ValueError, match="backend"):
        Tagger.from_pretrained(model_copy, backend="tensorrt")


HUB_SCRIPT = """
import json, sys
from farsiner import Tagger
tagger = Tagger.from_pretrained("someone/persian-tagger", backend="onnx")
ents = tagger("بانک ملی ایران ۳ میلیارد ریال وام داد.")
print(json.dumps({"backend": tagger.backend, "path": str(tagger.runner.path), "mtime": tagger.runner.path.stat().st_mtime_ns, "n": len(ents)}))
"""


def test_a_hub_model_is_exported_into_the_user_cache(tmp_path, parsbert_tokenizer):
    """A hub id, offline from the hub's own cache layout: the export lands in FARSINER_CACHE, never in the hub cache."""
    import json
    import subprocess

    revision = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--someone--persian-tagger"
    save_tiny_tagger(repo / "snapshots" / revision, parsbert_tokenizer)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1", "FARSINER_CACHE": str(tmp_path / "cache")}
    runs = [json.loads(subprocess.run([sys.executable, "-c", HUB_SCRIPT], env=env, capture_output=True, text=True, check=True).stdout.splitlines()[-1])
            for _ in range(2)]
    assert runs[0]["backend"] == "onnx" and runs[0] == runs[1]  # the second process reuses the first one's file
    assert runs[0]["path"].startswith(str(tmp_path / "cache" / "onnx"))
    assert not list((tmp_path / "hub").rglob("*.onnx"))
