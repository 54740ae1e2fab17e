"""Scoring a model folder on an annotated corpus: what `farsiner evaluate` does."""

from __future__ import annotations

from pathlib import Path

from farsiner.data.annotations import add_span_annotations, peyma_test_qty_path, read_span_annotations
from farsiner.data.readers import read_conll, read_eghtesadonline_gold, read_jsonl_spans, read_peyma_split
from farsiner.infer.model_folder import load_model_folder
from farsiner.infer.predict import predict_pieces, word_labels
from farsiner.train.evaluate import errors, keep_types, score, write_report
from farsiner.data.corpus import Sentence
from farsiner.data.span_checks import settle_spans
from farsiner.train.features import encode, normalize_words

READERS = {"peyma-split": read_peyma_split, "conll": read_conll, "jsonl": read_jsonl_spans, "eghtesadonline": read_eghtesadonline_gold}


def predict_tags(model, tokenizer, settings, sentences, batch_size: int = 32) -> list[list[str]]:
    """Predicted IOB2 tags for the words of pre-tokenised sentences (a word the normaliser empties is O)."""
    id2label = {int(k): v for k, v in model.config.id2label.items()}
    run = lambda seqs: predict_pieces(model, seqs, batch_size, tokenizer.pad_token_id)  # noqa: E731
    return _decode(run, id2label, tokenizer, settings.zwnj, settings.digits, settings.max_length, sentences)


def predict_tags_ensemble(teachers, sentences, batch_size: int = 32) -> list[list[str]]:
    """The same, decoding the models' label distributions averaged piece by piece (`soft_labels.Teachers`)."""
    id2label = dict(enumerate(teachers.labels))
    run = lambda seqs: teachers.log_probs(seqs, batch_size)  # noqa: E731
    return _decode(run, id2label, teachers.tokenizer, teachers.zwnj, teachers.digits, teachers.max_length, sentences)


def _decode(run, id2label, tokenizer, zwnj, digits, max_length, sentences) -> list[list[str]]:
    words = [normalize_words(s.tokens, zwnj, digits) for s in sentences]
    kept = [[i for i, w in enumerate(ws) if w] for ws in words]
    inputs = [Sentence([ws[i] for i in k], ["O"] * len(k), id=s.id) for s, ws, k in zip(sentences, words, kept)]
    rows = encode(inputs, tokenizer, {v: k for k, v in id2label.items()}, max_length)
    log_probs = run(list(rows["input_ids"]))
    pred, _ = word_labels(list(rows["word_ids"]), log_probs, list(rows["sentence"]), [len(k) for k in kept], id2label)
    out = []
    for s, ws, k, p in zip(sentences, words, kept, pred):
        p = settle_spans([ws[i] for i in k], p)
        tags = ["O"] * len(s.tokens)
        for i, tag in zip(k, p):
            tags[i] = tag
        out.append(tags)
    return out


def evaluate_model(model_path, data_path, fmt: str = "peyma-split", qty_gold=None, types=None, out_dir=None, batch_size: int = 32) -> dict:
    """Strict and lenient scores of a model folder, or of an ensemble (a list of folders: distributions averaged)."""
    paths = [model_path] if isinstance(model_path, (str, Path)) else list(model_path)
    if not paths:
        raise ValueError("evaluate_model needs a model folder, or a list of them for an ensemble")
    sentences = READERS[fmt](data_path)
    if qty_gold:
        path = peyma_test_qty_path() if qty_gold == "peyma-test" else Path(qty_gold)
        sentences = add_span_annotations(sentences, read_span_annotations(path))
    if len(paths) == 1:
        model, tokenizer, settings = load_model_folder(paths[0])
        pred = predict_tags(model, tokenizer, settings, sentences, batch_size)
    else:
        from farsiner.train.soft_labels import load_teachers

        pred = predict_tags_ensemble(load_teachers([str(p) for p in paths]), sentences, batch_size)
    pred = keep_types(pred, types)
    gold = keep_types([s.tags for s in sentences], types)
    result = score(gold, pred)
    if out_dir:
        write_report(result, errors(sentences, gold, pred), out_dir, Path(data_path).stem)
    return result
