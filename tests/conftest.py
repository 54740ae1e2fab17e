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
