"""The model folder: a standard Hugging Face token-classification folder plus farsiner's settings.

The settings (how to normalise text for this tokenizer, the window length, the
types) live in ``config.json`` under ``farsiner``, so a hub id carries them too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from farsiner.data.atomic import atomic_folder
from farsiner.data.labels import ENTITY_TYPES


@dataclass
class ModelSettings:
    zwnj: str = "keep"
    digits: str = "latin"
    max_length: int = 512
    types: list[str] = field(default_factory=lambda: list(ENTITY_TYPES))

    @classmethod
    def from_config(cls, config, tokenizer=None) -> "ModelSettings":
        from farsiner.data.align import model_max_tokens

        stored = getattr(config, "farsiner", None)
        if stored:
            known = {f.name for f in dataclasses.fields(cls)}
            return cls(**{k: v for k, v in stored.items() if k in known})
        # A plain Hugging Face NER model: read what we can off it.
        types = sorted({label[2:] for label in config.id2label.values() if label[:2] in ("B-", "I-")})
        digits = "latin"
        if tokenizer is not None and tokenizer.convert_tokens_to_ids("1") == tokenizer.unk_token_id:
            digits = "persian"
        return cls(zwnj="keep", digits=digits, max_length=model_max_tokens(config), types=types)


def trim_piece_offsets(tokenizer) -> None:
    """SentencePiece offsets without the space before a word, for plain transformers users.

    A bare Metaspace pre-tokenizer (XLM-R, e5) gives each word's first piece the
    offsets of the space before it, so a `pipeline(aggregation_strategy="simple")`
    entity starts at that space. Splitting on whitespace first gives the same pieces
    (the Metaspace still prepends "▁" to every word) with offsets on the word alone.
    """
    import json

    from tokenizers import pre_tokenizers

    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None or (json.loads(backend.to_str()).get("pre_tokenizer") or {}).get("type") != "Metaspace":
        return
    spec = json.loads(backend.to_str())["pre_tokenizer"]
    backend.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(),
        pre_tokenizers.Metaspace(replacement=spec["replacement"], prepend_scheme=spec.get("prepend_scheme", "always"), split=spec.get("split", True)),
    ])


def save_model_folder(model, tokenizer, settings: ModelSettings, out_dir: str | Path, card: str | None = None, extra: dict[str, str] | None = None,
                      load_dtype: str | None = None) -> Path:
    """Write the folder atomically: a crash never leaves a half-written model.

    ``load_dtype`` is what plain transformers loads the weights as (config.json's
    ``dtype``), whatever they are stored in: float16 files then run in float32 on a CPU.
    """
    import json

    out_dir = Path(out_dir)
    model.config.farsiner = dataclasses.asdict(settings)
    trim_piece_offsets(tokenizer)
    with atomic_folder(out_dir) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        if load_dtype:
            config = json.loads((tmp / "config.json").read_text(encoding="utf-8"))
            config["dtype"] = load_dtype
            (tmp / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tokenizer.save_pretrained(tmp)
        if card is not None:
            (tmp / "README.md").write_text(card, encoding="utf-8")
        for name, text in (extra or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
    return out_dir


def check_model_source(name_or_path: str | Path) -> None:
    """Refuse, before loading anything, what cannot be a safetensors model folder."""
    path = Path(name_or_path)
    if path.exists():
        if not path.is_dir():
            raise ValueError(f"{path}: a model is a folder (config.json, *.safetensors, the tokenizer), not a file")
        if not (path / "config.json").is_file():
            raise ValueError(f"{path}: not a model folder (no config.json)")
        if not any(path.glob("*.safetensors")):
            raise ValueError(f"{path}: no safetensors weights (farsiner loads safetensors only, never pickles)")


def check_labels(config, where) -> None:
    """The head's labels must be IOB2 (``O``, ``B-X``, ``I-X``): the span decoder reads nothing else."""
    from farsiner.data.labels import split_tag

    for label in config.id2label.values():
        try:
            split_tag(label)
        except ValueError:
            raise ValueError(f"{where}: its labels must be IOB2 (O, B-X, I-X), not {label!r}") from None


def _from_hub_or_folder(load, name_or_path):
    """``load()``, with one clear line where a name is neither a folder here nor a model the hub gives."""
    try:
        return load()
    except (OSError, ValueError) as err:
        if Path(name_or_path).exists():
            raise ValueError(f"{name_or_path}: {str(err).splitlines()[0]}") from None
        raise ValueError(
            f"model {str(name_or_path)!r}: no such folder here, and the Hugging Face hub could not be reached or has no such id"
        ) from None


def inference_dtype(device: str):
    """bf16 on a GPU that has it, float32 elsewhere."""
    import torch

    if str(device).startswith("cuda") and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def load_model_folder(name_or_path: str | Path, device: str = "cpu", dtype=None):
    """Model, tokenizer and settings; safetensors only, never remote code."""
    import torch
    from transformers import AutoModelForTokenClassification

    check_model_source(name_or_path)
    dtype = dtype or torch.float32
    model = _from_hub_or_folder(lambda: AutoModelForTokenClassification.from_pretrained(
        str(name_or_path), use_safetensors=True, trust_remote_code=False, dtype=dtype
    ), name_or_path)
    check_labels(model.config, name_or_path)
    tokenizer = _load_tokenizer(name_or_path)
    model.to(device).eval()
    return model, tokenizer, ModelSettings.from_config(model.config, tokenizer)


def load_model_config(name_or_path: str | Path):
    """Config, tokenizer and settings without the weights: what a runner other than PyTorch needs."""
    from transformers import AutoConfig

    check_model_source(name_or_path)
    config = _from_hub_or_folder(lambda: AutoConfig.from_pretrained(str(name_or_path), trust_remote_code=False), name_or_path)
    check_labels(config, name_or_path)
    tokenizer = _load_tokenizer(name_or_path)
    return config, tokenizer, ModelSettings.from_config(config, tokenizer)


def _load_tokenizer(name_or_path: str | Path):
    from transformers import AutoTokenizer

    tokenizer = _from_hub_or_folder(lambda: AutoTokenizer.from_pretrained(str(name_or_path), trust_remote_code=False), name_or_path)
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(f"{name_or_path}: farsiner needs a fast tokenizer (tokenizer.json)")
    return tokenizer


def package_model(model_dir: str | Path, out_dir: str | Path, dtype: str = "float16") -> Path:
    """Copy a trained model folder for shipping, its weights cast to ``dtype`` (half the size in float16).

    The model card and training config come along; inference loads the
    weights back as float32 on CPU.
    """
    import torch

    model_dir = Path(model_dir)
    model, tokenizer, settings = load_model_folder(model_dir)
    model.to(getattr(torch, dtype))
    card = (model_dir / "README.md").read_text(encoding="utf-8") if (model_dir / "README.md").exists() else None
    extra = {}
    if (model_dir / "training_config.yaml").exists():
        extra["training_config.yaml"] = (model_dir / "training_config.yaml").read_text(encoding="utf-8")
    save_model_folder(model, tokenizer, settings, out_dir, card=card, extra=extra, load_dtype="float32")
    return Path(out_dir)
