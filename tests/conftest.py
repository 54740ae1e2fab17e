import json
import os
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FARSINER_SHARED_DATA", REPO.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PARSBERT_TOKENIZER = SHARED_DATA / "tokenizers" / "parsbert-v1"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real corpora in ../shared/data; tests that need them skip where it is absent."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing: CI must run with ../shared beside the checkout")
        pytest.skip(f"the shared corpora folder {SHARED_DATA} is not here (set FARSINER_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def parsbert_tokenizer(shared_data):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(shared_data / "tokenizers" / "parsbert-v1")


def save_tiny_tagger(folder: Path, tokenizer) -> Path:
    """A randomly initialised one-layer BERT tagger over ``tokenizer``, saved as a farsiner model folder: fast to run and export."""
    from transformers import BertConfig, BertForTokenClassification

    from farsiner.data.labels import bio_labels
    from farsiner.infer.model_folder import ModelSettings, save_model_folder

    labels = bio_labels()
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
                        max_position_embeddings=128, num_labels=len(labels), id2label=dict(enumerate(labels)),
                        label2id={lab: i for i, lab in enumerate(labels)})
    return save_model_folder(BertForTokenClassification(config), tokenizer, ModelSettings("remove", "persian", 128), folder)


def write_config(tmp_path: Path, text: str) -> Path:
    """A YAML config written as ``run.yaml`` (errors name that file and a line)."""
    path = tmp_path / "run.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def metrics(folder: Path) -> list[dict]:
    """A run's metrics.jsonl, one dict a line."""
    return [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]


def assert_same_metrics(a: list[dict], b: list[dict]) -> None:
    """Two runs logged the same steps with the same loss, dev F1 and learning rate (a resumed run and an uninterrupted one)."""
    assert [r["step"] for r in a] == [r["step"] for r in b]
    for ra, rb in zip(a, b):
        for key in ("loss", "dev_f1", "learning_rate"):
            if key in ra:
                assert rb[key] == pytest.approx(ra[key], rel=1e-5, abs=1e-7), (ra, rb)
