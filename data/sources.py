"""Corpora named in a config → train/dev/test sentences in our label set."""

from __future__ import annotations

from collections.abc import Sequence

from farsiner.data.corpus import Sentence
from farsiner.data.labels import repair_bio, split_tag
from farsiner.data.normalize import normalize
from farsiner.data.readers import (
    read_arman,
    read_conll,
    read_eghtesadonline_gold,
    read_eghtesadonline_texts,
    read_jsonl_spans,
    read_peyma_nsurl,
    read_peyma_split,
)


def read_source(source) -> list[Sentence]:
    """Sentences of one source (a `SourceConfig` or anything with its fields)."""
    fmt = source.format
    if fmt == "peyma-split":
        sents = read_peyma_split(source.path)
    elif fmt == "peyma-nsurl":
        sents = read_peyma_nsurl(source.path, parts=source.parts)
    elif fmt == "arman":
        # FAC/PRO/EVENT are kept here so that label_map decides what they become
        sents = read_arman(source.path, fold=source.fold, split=source.arman_split, extra_types="keep")
        if not source.label_map:
            source.label_map = {"FAC": "O", "PRO": "O", "EVENT": "O"}
    elif fmt == "conll":
        sents = read_conll(source.path)
    elif fmt == "jsonl":
        sents = read_jsonl_spans(source.path)
    elif fmt == "eghtesadonline":
        sents = read_eghtesadonline_gold(source.path, source.texts)
    elif fmt == "eghtesadonline-texts":
        # unannotated text, all O: only a distillation's train split may take it, never dev or test
        if getattr(source, "split", "train") != "train":
            raise ValueError(f"eghtesadonline-texts {source.path}: unannotated text feeds the train split only, not {source.split}")
        sents = read_eghtesadonline_texts(source.path)
    else:
        raise ValueError(f"unknown corpus format {fmt!r}")
    return sents[: source.limit] if source.limit is not None else sents


def map_types(sentences: list[Sentence], label_map: dict, types: Sequence[str], where: str) -> list[Sentence]:
    """Rename types by ``label_map`` (a type mapped to ``O`` is dropped); every type left must be in ``types``."""
    known = set(types)
    out = []
    for s in sentences:
        tags = []
        for tag in s.tags:
            prefix, label = split_tag(tag)
            if label is not None:
                label = label_map.get(label, label)
                if label == "O":
                    tags.append("O")
                    continue
                if label not in known:
                    raise ValueError(f"{where}: sentence {s.id}: type {label!r} is not in the config's types; map it with label_map")
                tags.append(f"{prefix}-{label}")
            else:
                tags.append("O")
        out.append(Sentence(s.tokens, repair_bio(tags), id=s.id, meta=s.meta))
    return out


def dedupe_key(sentence: Sentence) -> str:
    """Sentences are the same if their normalised, space-free text is."""
    return "".join(normalize(sentence.text, zwnj="remove").text.split())


def load_splits(sources, types: Sequence[str], silver_qty: bool = False) -> dict[str, list[Sentence]]:
    """Read every source into its split; drop duplicates of the splits a source names in ``dedupe_against``.

    Silver QTY spans (never over a gold label) are added to the train and dev
    splits when asked: dev too, so that a model is not chosen for predicting
    fewer quantities. The test split keeps its gold as it is (score QTY on test
    with hand annotations: `farsiner evaluate --qty-gold`).
    """
    splits: dict[str, list[Sentence]] = {"train": [], "dev": [], "test": []}
    pending = []
    for source in sources:
        where = f"{source.format} {source.path}"
        sents = map_types(read_source(source), source.label_map, types, where)
        for s in sents:
            s.meta["source"] = where  # for per-source dev scores
        pending.append((source, sents))
    # dev and test first, so that train sources can be deduplicated against them
    for source, sents in sorted(pending, key=lambda p: p[0].split == "train"):
        if source.dedupe_against:
            seen = {dedupe_key(s) for split in source.dedupe_against for s in splits[split]}
            sents = [s for s in sents if dedupe_key(s) not in seen]
        splits[source.split] += sents * getattr(source, "repeat", 1)
    if silver_qty and "QTY" in types:
        from farsiner.data.quantities.silver import add_silver_qty

        splits["train"] = add_silver_qty(splits["train"])
        splits["dev"] = add_silver_qty(splits["dev"])
    return splits
