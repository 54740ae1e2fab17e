"""Sentences → normalised words → sub-word windows with label ids, as a `datasets.Dataset`."""

from __future__ import annotations

from collections.abc import Sequence

from farsiner.data.align import align_labels
from farsiner.data.corpus import Sentence, to_dataset
from farsiner.data.labels import repair_bio, split_tag
from farsiner.data.normalize import normalize


def normalize_words(words: Sequence[str], zwnj: str, digits: str) -> list[str]:
    """Each word as the model will see it; a word of only marks or spaces becomes ``""``."""
    return [" ".join(normalize(w, zwnj=zwnj, digits=digits).text.split()) for w in words]


def normalize_sentence(sentence: Sentence, zwnj: str, digits: str) -> Sentence:
    """Normalise each word; words that become empty are dropped."""
    kept = [(w, t) for w, t in zip(normalize_words(sentence.tokens, zwnj, digits), sentence.tags) if w]
    return Sentence([w for w, _ in kept], repair_bio([t for _, t in kept]), id=sentence.id, meta=sentence.meta)


def b_to_i_ids(label2id: dict[str, int]) -> dict[int, int]:
    out = {}
    for label, i in label2id.items():
        prefix, t = split_tag(label)
        if prefix == "B":
            out[i] = label2id[f"I-{t}"]
    return out


def encode(sentences: Sequence[Sentence], tokenizer, label2id: dict[str, int], max_length: int, label_all_pieces: bool = False):
    """A `datasets.Dataset` of windows: ``input_ids``, ``labels``, ``word_ids`` (-1 for special
    tokens), ``sentence`` (index into ``sentences``) and ``length``."""
    b_to_i = b_to_i_ids(label2id)
    ds = to_dataset({"split": list(sentences)})["split"]

    def windows(batch, indices):
        out = {"input_ids": [], "labels": [], "word_ids": [], "sentence": [], "length": []}
        for tokens, tags, index in zip(batch["tokens"], batch["tags"], indices):
            label_ids = [label2id[t] for t in tags]
            for w in align_labels(tokens, label_ids, tokenizer, max_length, label_all_pieces=label_all_pieces, b_to_i=b_to_i):
                out["input_ids"].append(w.input_ids)
                out["labels"].append(w.labels)
                out["word_ids"].append([-1 if x is None else x for x in w.word_ids])
                out["sentence"].append(index)
                out["length"].append(len(w.input_ids))
        return out

    return ds.map(windows, batched=True, with_indices=True, remove_columns=ds.column_names, desc="aligning labels")
