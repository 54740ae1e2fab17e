"""Training configs: YAML files validated into typed objects, overridable from the command line.

Every value a run uses is in the file or has a default here; a key the schema
does not know, a value of the wrong type or a missing data file is an error
that names the file and the line, before anything starts.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from farsiner.data.labels import ENTITY_TYPES


class ConfigError(ValueError):
    """A bad config value, with where it was found."""


# what the hub takes as a model id: "name" or "owner/name"
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")


@dataclass
class ModelConfig:
    name_or_path: str = field(metadata={"help": "hub id or local folder of the pretrained encoder"})
    tokenizer: str | None = field(default=None, metadata={"help": "tokenizer folder or id; default: name_or_path"})
    zwnj: Literal["keep", "remove", "space"] = field(
        default="keep", metadata={"help": "what the normaliser makes of ZWNJ for this tokenizer"}
    )
    digits: Literal["latin", "persian", "keep"] = field(
        default="latin", metadata={"help": "digit script the tokenizer's vocabulary expects"}
    )
    max_length: int | None = field(
        default=None, metadata={"help": "window length in sub-words; default: the model's position limit"}
    )
    label_all_pieces: bool = field(default=False, metadata={"help": "label every sub-word, not only the first"})
    random_init: bool = field(
        default=False,
        metadata={"help": "a randomly initialised encoder built from config_overrides (tests, from-scratch runs)"},
    )
    config_overrides: dict = field(
        default_factory=dict,
        metadata={"help": "model config fields: with random_init the whole config (model_type: bert, hidden_size, ...)"},
    )


@dataclass
class SourceConfig:
    format: Literal["peyma-split", "peyma-nsurl", "arman", "conll", "jsonl", "eghtesadonline", "eghtesadonline-texts"] = field(
        metadata={"help": "the corpus format; one reader each (eghtesadonline-texts: the CSVs' rows without gold, unannotated, for distillation)"}
    )
    path: str = field(metadata={"help": "file or folder; relative to the working directory; $VARS expand"})
    split: Literal["train", "dev", "test"] = field(metadata={"help": "which split of ours it feeds"})
    parts: list[str] = field(default_factory=lambda: ["300K", "600K"], metadata={"help": "peyma-nsurl parts"})
    fold: int = field(default=1, metadata={"help": "arman fold (1-3)"})
    arman_split: Literal["train", "test"] = field(default="train", metadata={"help": "arman file: train or test"})
    label_map: dict = field(
        default_factory=dict,
        metadata={"help": "per-source type mapping, e.g. {FAC: O, EVENT: O} or {pers: PER}"},
    )
    dedupe_against: list[str] = field(
        default_factory=list,
        metadata={"help": "drop sentences whose normalised text is in these splits (e.g. [dev, test])"},
    )
    limit: int | None = field(default=None, metadata={"help": "read at most this many sentences"})
    repeat: int = field(default=1, metadata={"help": "train sources: read this many times an epoch (a small in-domain corpus beside a big one)"})
    texts: str | None = field(
        default=None,
        metadata={"help": "eghtesadonline: the folder of the CSVs the annotations point into (default ../shared/data/eghtesadonline)"},
    )


@dataclass
class DataConfig:
    sources: list[SourceConfig] = field(metadata={"help": "corpora, each feeding train, dev or test"})
    types: list[str] = field(default_factory=lambda: list(ENTITY_TYPES), metadata={"help": "entity types"})
    silver_qty: bool = field(default=False, metadata={"help": "add silver QTY spans to training sentences"})
    dev_weighting: Literal["pooled", "mean"] = field(
        default="pooled",
        metadata={"help": "choosing on dev: F1 over all dev sentences (pooled), or the mean of each dev source's F1"},
    )


@dataclass
class TrainConfig:
    output_dir: str = field(metadata={"help": "run folder (relative to the working directory)"})
    seed: int = 42
    epochs: float = 3.0
    max_steps: int | None = field(default=None, metadata={"help": "stop after this many optimizer steps"})
    max_minutes: float | None = field(
        default=None, metadata={"help": "stop training after this many minutes, then evaluate and save as usual"}
    )
    batch_size: int = 16
    eval_batch_size: int = 64
    gradient_accumulation_steps: int = 1
    learning_rate: float = 5e-5
    head_learning_rate: float | None = field(default=None, metadata={"help": "learning rate of the classifier head"})
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_grad_norm: float = 1.0
    mixed_precision: Literal["no", "bf16", "fp16"] = "no"
    group_by_length: bool = True
    class_weights: bool = field(default=False, metadata={"help": "weight the loss by inverse type frequency"})
    class_weight_power: float = field(default=0.5, metadata={"help": "weight = (freq_O / freq_label) ** power"})
    dropout: float | None = field(default=None, metadata={"help": "override the encoder's hidden dropout"})
    eval_every: int | None = field(default=None, metadata={"help": "evaluate on dev every N steps; default: each epoch"})
    save_every: int | None = field(default=None, metadata={"help": "write a resumable checkpoint every N steps"})
    keep_checkpoints: int = 2
    early_stopping_patience: int = field(default=0, metadata={"help": "stop after N evaluations without a better dev F1"})
    log_every: int = 10
    num_threads: int | None = field(default=None, metadata={"help": "torch CPU threads; default: torch's own"})


@dataclass
class RunConfig:
    model: ModelConfig
    data: DataConfig
    train: TrainConfig
    source_file: str = field(default="", metadata={"help": "the YAML file this came from"})

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d.pop("source_file")
        return d


@dataclass
class DistillConfig:
    soft_labels: str = field(metadata={"help": "folder of the teachers' soft labels: farsiner soft-labels writes it, farsiner distill reads it"})
    teachers: list[str] = field(
        metadata={"help": "teacher model folders (or hub ids); several make an ensemble, their label distributions averaged"}
    )
    temperature: float = field(default=2.0, metadata={"help": "softens (>1) or sharpens (<1) teacher and student distributions in the KL term"})
    alpha: float = field(default=0.5, metadata={"help": "weight of the KL term; gold cross-entropy gets 1 - alpha where a sentence has gold"})
    top_k: int = field(default=5, metadata={"help": "labels kept per word: soft-labels stores this many, distill uses them"})
    student_layers: list[int] | None = field(
        default=None, metadata={"help": "the encoder layers of model.name_or_path the student keeps, e.g. [0, 4, 8, 11]; default: all"}
    )
    shard_sentences: int = field(default=5000, metadata={"help": "sentences per Parquet shard of soft labels (the unit of resuming and of workers)"})


@dataclass(kw_only=True)
class DistillRunConfig(RunConfig):
    """A training config plus its `distill` section: `farsiner soft-labels` and `farsiner distill` read it."""

    distill: DistillConfig = field(metadata={"help": "teachers, soft labels and the distillation loss"})


# --- loading and validation -------------------------------------------------


def load_config(path: str | Path, overrides: list[str] = (), schema: type[RunConfig] = RunConfig) -> RunConfig:
    """Read a YAML config, apply ``section.key=value`` overrides and validate it (``schema``: `DistillRunConfig` for distillation)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: {err.strerror}") from None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: {err}") from None
    raw = _plain(node)
    lines = _line_numbers(node, path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:1: a config is a mapping with model, data and train sections")
    if "distill" in raw and "distill" not in {f.name for f in dataclasses.fields(schema)}:
        raise ConfigError(f"{_where(path, lines, 'distill')}: a distillation config: run it with farsiner soft-labels, then farsiner distill")
    for item in overrides:
        key = _apply_override(raw, item)
        # an error in an overridden value names the override, not the file's line
        for k in [k for k in lines if k == key or k.startswith(key + ".")]:
            del lines[k]
        lines[key] = f"override {item!r}"
    config = _build(schema, {**raw, "source_file": str(path)}, "", path, lines)
    _check_config(config, path, lines)
    return config


def _plain(node):
    return yaml.safe_load(yaml.serialize(node)) if node is not None else None


def _line_numbers(node, path: Path, prefix: str = "") -> dict[str, int]:
    """Map ``section.key`` (and ``data.sources.0.path``) to its 1-based line; a key given twice is an error."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{prefix}{key.value}"
            if name in lines:
                raise ConfigError(f"{path}:{key.start_mark.line + 1}: {name!r} is given twice (first at line {lines[name]})")
            lines[name] = key.start_mark.line + 1
            lines.update(_line_numbers(value, path, name + "."))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            lines[f"{prefix}{i}"] = value.start_mark.line + 1
            lines.update(_line_numbers(value, path, f"{prefix}{i}."))
    return lines


def _apply_override(raw: dict, item: str) -> str:
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise ConfigError(f"override {item!r}: expected section.key=value")
    parts = key.split(".")
    target = raw
    for part in parts[:-1]:
        if isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        elif isinstance(target, dict):
            target = target.setdefault(part, {})
        else:
            raise ConfigError(f"override {item!r}: {part!r} is not a section")
    last = parts[-1]
    try:
        parsed = yaml.safe_load(value) if value != "" else ""
    except yaml.YAMLError as err:
        raise ConfigError(f"override {item!r}: not a YAML value ({str(err).splitlines()[0]})") from None
    if isinstance(target, list) and last.isdigit():
        target[int(last)] = parsed
    else:
        target[last] = parsed
    return key


def _where(path: Path, lines: dict[str, int | str], key: str) -> str:
    parts = key.split(".")
    while parts:
        line = lines.get(".".join(parts))
        if isinstance(line, str):  # an override from the command line
            return line
        if line:
            return f"{path}:{line}"
        parts.pop()
    return str(path)


def _build(cls, raw, key: str, path: Path, lines: dict[str, int]):
    if not isinstance(raw, dict):
        raise ConfigError(f"{_where(path, lines, key)}: {key or 'the config'} must be a mapping")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        k = f"{key}.{unknown[0]}" if key else unknown[0]
        raise ConfigError(f"{_where(path, lines, k)}: unknown key {k!r}; known: {', '.join(sorted(fields))}")
    values = {}
    for name, f in fields.items():
        k = f"{key}.{name}" if key else name
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ConfigError(f"{_where(path, lines, key)}: missing key {k!r}")
            continue
        values[name] = _convert(hints[name], raw[name], k, path, lines)
    return cls(**values)


def _convert(hint, value, key: str, path: Path, lines: dict[str, int]):
    origin = typing.get_origin(hint)
    where = _where(path, lines, key)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key, path, lines)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value, key, path, lines)
            except ConfigError as err:
                errors.append(str(err))
        raise ConfigError(errors[0])
    if origin is Literal:
        choices = typing.get_args(hint)
        if value is False and "no" in choices:
            value = "no"  # YAML 1.1 reads an unquoted `no` as false
        if value not in choices:
            raise ConfigError(f"{where}: {key} must be one of {', '.join(map(str, choices))}, not {value!r}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {key} must be a list, not {type(value).__name__}")
        (item,) = typing.get_args(hint)
        return [_convert(item, v, f"{key}.{i}", path, lines) for i, v in enumerate(value)]
    if hint is dict or origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {key} must be a mapping, not {type(value).__name__}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false, not {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {key} must be an integer, not {value!r}")
        return value
    if hint is float:
        # YAML reads 5e-5 as a string: accept numbers written that way
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {key} must be a number, not {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a string, not {value!r}")
        return value
    if hint is Any:
        return value
    raise TypeError(f"unsupported config type {hint!r} for {key}")


def _check_config(config: RunConfig, path: Path, lines: dict[str, int]) -> None:
    """Checks across fields: files exist, types are known, splits are there."""
    base = Path.cwd()
    for i, source in enumerate(config.data.sources):
        resolved = resolve_path(source.path, base)
        if not resolved.exists():
            raise ConfigError(f"{_where(path, lines, f'data.sources.{i}.path')}: no such file or folder: {resolved}")
        source.path = str(resolved)
        if source.repeat < 1 or (source.repeat > 1 and source.split != "train"):
            raise ConfigError(f"{_where(path, lines, f'data.sources.{i}.repeat')}: repeat is a positive count, for train sources only")
        if source.format == "eghtesadonline-texts":
            # unannotated: all O as gold would teach a tagger to find nothing
            if source.split != "train":
                raise ConfigError(f"{_where(path, lines, f'data.sources.{i}.split')}: eghtesadonline-texts is unannotated text: it feeds the train split only, not {source.split}")
            if not isinstance(config, DistillRunConfig):
                raise ConfigError(f"{_where(path, lines, f'data.sources.{i}.format')}: eghtesadonline-texts is unannotated text, for a distillation config (farsiner soft-labels, farsiner distill) only")
            if not resolved.is_dir():
                raise ConfigError(f"{_where(path, lines, f'data.sources.{i}.path')}: eghtesadonline-texts takes the folder of the EghtesadOnline CSVs, not {resolved}")
        if source.texts is not None:
            texts = resolve_path(source.texts, base)
            if not texts.is_dir():
                raise ConfigError(f"{_where(path, lines, f'data.sources.{i}.texts')}: no such folder: {texts}")
            source.texts = str(texts)
        for target in source.label_map.values():
            if target != "O" and target not in config.data.types:
                raise ConfigError(
                    f"{_where(path, lines, f'data.sources.{i}.label_map')}: {target!r} is not in data.types"
                )
    splits = {s.split for s in config.data.sources}
    if "train" not in splits:
        raise ConfigError(f"{_where(path, lines, 'data.sources')}: no source feeds the train split")
    for t in config.data.types:
        if not t.isupper() or "-" in t:
            raise ConfigError(f"{_where(path, lines, 'data.types')}: type names are upper-case words, not {t!r}")
    for name in ("name_or_path", "tokenizer"):
        value = getattr(config.model, name)
        if value and not (config.model.random_init and name == "name_or_path" and not resolve_path(value, base).exists()):
            setattr(config.model, name, _model_path(value, base, _where(path, lines, f"model.{name}")))
    if config.model.random_init and "model_type" not in config.model.config_overrides:
        raise ConfigError(f"{_where(path, lines, 'model.config_overrides')}: random_init needs config_overrides.model_type")
    t = config.train
    rules = [
        ("epochs", t.epochs > 0, "must be positive"),
        ("max_steps", t.max_steps is None or t.max_steps >= 1, "must be at least 1"),
        ("max_minutes", t.max_minutes is None or t.max_minutes > 0, "must be positive"),
        ("batch_size", t.batch_size >= 1, "must be at least 1"),
        ("eval_batch_size", t.eval_batch_size >= 1, "must be at least 1"),
        ("gradient_accumulation_steps", t.gradient_accumulation_steps >= 1, "must be at least 1"),
        ("learning_rate", t.learning_rate > 0, "must be positive"),
        ("head_learning_rate", t.head_learning_rate is None or t.head_learning_rate > 0, "must be positive"),
        ("weight_decay", t.weight_decay >= 0, "must not be negative"),
        ("warmup_ratio", 0 <= t.warmup_ratio <= 1, "must be in 0..1"),
        ("max_grad_norm", t.max_grad_norm > 0, "must be positive"),
        ("dropout", t.dropout is None or 0 <= t.dropout < 1, "must be in 0..1"),
        ("eval_every", t.eval_every is None or t.eval_every >= 1, "must be at least 1"),
        ("save_every", t.save_every is None or t.save_every >= 1, "must be at least 1"),
        ("keep_checkpoints", t.keep_checkpoints >= 1, "must be at least 1"),
        ("early_stopping_patience", t.early_stopping_patience >= 0, "must not be negative"),
        ("log_every", t.log_every >= 1, "must be at least 1"),
        ("num_threads", t.num_threads is None or t.num_threads >= 1, "must be at least 1"),
    ]
    for name, ok, why in rules:
        if not ok:
            raise ConfigError(f"{_where(path, lines, f'train.{name}')}: train.{name} {why}, not {getattr(t, name)!r}")
    if isinstance(config, DistillRunConfig):
        _check_distill(config, path, lines)


def _check_distill(config: DistillRunConfig, path: Path, lines: dict[str, int]) -> None:
    import json

    base = Path.cwd()
    d = config.distill
    d.soft_labels = str(resolve_path(d.soft_labels, base))
    if not d.teachers:
        raise ConfigError(f"{_where(path, lines, 'distill.teachers')}: distill.teachers names at least one teacher model")
    for i, teacher in enumerate(d.teachers):
        d.teachers[i] = _model_path(teacher, base, _where(path, lines, f"distill.teachers.{i}"))
    n_labels = 2 * len(config.data.types) + 1
    rules = [
        ("temperature", d.temperature > 0, "must be positive"),
        ("alpha", 0 <= d.alpha <= 1, "must be in 0..1"),
        ("top_k", 1 <= d.top_k <= n_labels, f"must be in 1..{n_labels} (the number of labels)"),
        ("shard_sentences", d.shard_sentences >= 1, "must be at least 1"),
    ]
    for name, ok, why in rules:
        if not ok:
            raise ConfigError(f"{_where(path, lines, f'distill.{name}')}: distill.{name} {why}, not {getattr(d, name)!r}")
    if config.model.label_all_pieces:
        raise ConfigError(f"{_where(path, lines, 'model.label_all_pieces')}: distillation labels each word's first piece: model.label_all_pieces must be false")
    if d.student_layers is not None:
        where = _where(path, lines, "distill.student_layers")
        keep = d.student_layers
        if not keep or any(i < 0 for i in keep) or keep != sorted(set(keep)):
            raise ConfigError(f"{where}: distill.student_layers is a non-empty list of increasing layer indices (from 0), not {keep!r}")
        if config.model.random_init:
            raise ConfigError(f"{where}: a student keeps layers of a pretrained model.name_or_path: model.random_init must be false")
        model_config = Path(config.model.name_or_path) / "config.json"
        if model_config.is_file():
            layers = json.loads(model_config.read_text(encoding="utf-8")).get("num_hidden_layers")
            if layers is not None and keep[-1] >= layers:
                raise ConfigError(f"{where}: {config.model.name_or_path} has {layers} layers (0..{layers - 1}): layer {keep[-1]} is not one of them")


def _model_path(value: str, base: Path, where: str) -> str:
    """A model folder here (made absolute) or a hub id as given; anything else is an error at ``where``."""
    local = resolve_path(value, base)
    if local.exists():
        return str(local)
    if not HUB_ID.fullmatch(value):
        raise ConfigError(f"{where}: no such folder: {local} (and not a hub id)")
    return value


def resolve_path(value: str, base: Path) -> Path:
    """``~`` and ``$VARS`` expanded; relative paths are relative to ``base``."""
    import os

    p = Path(os.path.expandvars(os.path.expanduser(value)))
    return p if p.is_absolute() else (base / p).resolve()


def field_help(cls) -> dict[str, str]:
    """Each field's help text, for `farsiner train --help-config`."""
    return {f.name: f.metadata.get("help", "") for f in dataclasses.fields(cls)}


def dump_config(config: RunConfig) -> str:
    return yaml.safe_dump(config.to_dict(), allow_unicode=True, sort_keys=False)
