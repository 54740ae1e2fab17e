import os
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
