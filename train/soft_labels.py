"""`farsiner soft-labels`: the teachers' label distributions over a distillation config's train split, in Parquet shards.

config → the train split (normalised as the student will see it) → teachers
(checked to share the tokenizer, the labels and the normalisation) → shards of
``shard_sentences`` sentences, each written atomically and skipped on a rerun
when it is already there for the same sentences and teachers → ``meta.json``.

A shard row is a sentence: ``id``, ``source``, its normalised ``words``, its gold
``tags`` (null for unannotated text), and for each word (the label distribution
of its first piece) the ``top_k`` most probable label ids (``top_ids``, uint8)
and their log-probabilities (``top_log_probs``, float16), most probable first.
An ensemble's distributions are averaged as probabilities, piece by piece. A word
the tokenizer reduces to nothing has no piece: it is stored as certainly ``O``.

Shards can be shared out to CPU worker processes (``workers``) or, under
`accelerate launch` (or torchrun), process r of N labels shards r, r+N, ...
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from farsiner.data.atomic import atomic_write
from farsiner.infer.workers import launched_state

META = "meta.json"
FORMAT = 1


def shard_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


class Shard(NamedTuple):
    path: Path
    sentences: list
    header: dict  # what it is made from: kept in the file, compared on a rerun


@dataclass
class Teachers:
    """One or more teacher models over one tokenizer and one label list."""

    paths: list[str]
    models: list
    tokenizer: object
    labels: list[str]
    max_length: int
    zwnj: str
    digits: str

    def log_probs(self, sequences: list[list[int]], batch_size: int) -> list[np.ndarray]:
        """Per sequence, its pieces' label log-probabilities, averaged over the teachers as probabilities."""
        from farsiner.infer.predict import predict_pieces

        runs = [predict_pieces(m, sequences, batch_size, self.tokenizer.pad_token_id) for m in self.models]
        if len(runs) == 1:
            return runs[0]
        return [np.logaddexp.reduce(np.stack(rows), axis=0) - np.log(len(rows)) for rows in zip(*runs)]


def tokenizer_fingerprint(tokenizer) -> str:
    """What decides the pieces and their ids: the normaliser, the pre-tokenizer, the vocabulary, the added tokens."""
    spec = json.loads(tokenizer.backend_tokenizer.to_str())
    kept = {k: spec.get(k) for k in ("normalizer", "pre_tokenizer", "model", "added_tokens")}
    return hashlib.sha1(json.dumps(kept, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def load_teachers(paths: list[str], device: str = "cpu") -> Teachers:
    """Load every teacher; they must share the tokenizer, the labels and the normalisation (an error names the first that does not)."""
    from farsiner.data.align import model_max_tokens
    from farsiner.infer.model_folder import inference_dtype, load_model_folder

    dtype = inference_dtype(device)
    models, first = [], None
    for path in paths:
        model, tokenizer, settings = load_model_folder(path, device=device, dtype=dtype)
        labels = [model.config.id2label[i] for i in range(len(model.config.id2label))]
        this = (tokenizer_fingerprint(tokenizer), labels, settings.zwnj, settings.digits)
        if first is None:
            first = (tokenizer, labels, settings, this)
        else:
            what = [name for name, a, b in zip(("tokenizer", "labels", "ZWNJ normalisation", "digit normalisation"), first[3], this) if a != b]
            if what:
                raise ValueError(f"teachers {paths[0]} and {path} differ in their {' and '.join(what)}: an ensemble's teachers must share the tokenizer, the labels and the normalisation")
        models.append(model)
    tokenizer, labels, settings, _ = first
    if len(labels) > 256:
        raise ValueError(f"{paths[0]}: {len(labels)} labels do not fit the shards' uint8 label ids")
    max_length = min([settings.max_length, *(model_max_tokens(m.config) for m in models)])
    return Teachers(list(paths), models, tokenizer, labels, max_length, settings.zwnj, settings.digits)


def train_sentences(config) -> list:
    """The config's train split, normalised as the training loop normalises it (the order is the shards' order)."""
    from farsiner.data.sources import load_splits
    from farsiner.train.features import normalize_sentence

    splits = load_splits(config.data.sources, config.data.types, config.data.silver_qty)
    return [normalize_sentence(s, config.model.zwnj, config.model.digits) for s in splits["train"]]


def is_unlabeled(sentence) -> bool:
    return bool(sentence.meta.get("unlabeled"))


def sentences_digest(sentences) -> str:
    """A hash of the words and gold tags of a run of sentences: what a shard was made from."""
    h = hashlib.sha1()
    for s in sentences:
        h.update(json.dumps([s.tokens, None if is_unlabeled(s) else s.tags], ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def teachers_fingerprint(paths: list[str], top_k: int, labels: list[str]) -> str:
    """Changes with the teachers' weights and config (their bytes, not their paths: a copied
    or re-extracted teacher keeps its soft labels), top_k and the labels."""
    h = hashlib.sha1(json.dumps([top_k, labels]).encode())
    for p in paths:
        for name in ("config.json", "model.safetensors"):
            f = Path(p) / name
            if f.is_file():
                h.update(name.encode())
                with open(f, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 22), b""):
                        h.update(block)
    return h.hexdigest()


def label_sentences(teachers: Teachers, sentences, top_k: int, batch_size: int, progress=None):
    """Per sentence, ``(ids, log_probs)``: arrays of words × top_k (uint8, float16), most probable label first."""
    from farsiner.data.align import align_labels
    from farsiner.infer.predict import certain_outside

    outside = certain_outside(dict(enumerate(teachers.labels)))
    out = []
    step = batch_size * 16  # windows of a few batches at a time: length-sorted inside, progress between
    for start in range(0, len(sentences), step):
        chunk = sentences[start : start + step]
        windows = [(k, w) for k, s in enumerate(chunk) for w in align_labels(s.tokens, None, teachers.tokenizer, teachers.max_length)]
        log_probs = teachers.log_probs([w.input_ids for _, w in windows], batch_size)
        rows: list[list] = [[None] * len(s.tokens) for s in chunk]
        for (k, w), lp in zip(windows, log_probs):
            for wid, row in zip(w.word_ids, lp):
                if wid is not None and rows[k][wid] is None:  # a word cut across windows: its first piece
                    rows[k][wid] = row
        for sentence_rows in rows:
            matrix = np.stack([outside if r is None else r for r in sentence_rows]) if sentence_rows else np.zeros((0, len(outside)), np.float32)
            ids = np.argsort(-matrix, axis=1, kind="stable")[:, :top_k]
            out.append((ids.astype(np.uint8), np.take_along_axis(matrix, ids, axis=1).astype(np.float16)))
        if progress is not None:
            progress(len(chunk))
    return out


def shard_table(sentences, labelled, top_k: int, header: dict):
    """The Parquet table of one shard; ``header`` goes into its key-value metadata."""
    import pyarrow as pa

    def per_word(arrays, kind):
        flat = np.concatenate([a.reshape(-1) for a in arrays]) if arrays else np.zeros(0, kind)
        offsets = np.cumsum([0] + [len(a) for a in arrays]).astype(np.int32)
        return pa.ListArray.from_arrays(pa.array(offsets), pa.FixedSizeListArray.from_arrays(pa.array(flat), top_k))

    table = pa.table({
        "id": pa.array([s.id for s in sentences], pa.string()),
        "source": pa.array([s.meta.get("source", "") for s in sentences], pa.string()),
        "words": pa.array([s.tokens for s in sentences], pa.list_(pa.string())),
        "tags": pa.array([None if is_unlabeled(s) else s.tags for s in sentences], pa.list_(pa.string())),
        "top_ids": per_word([ids for ids, _ in labelled], np.uint8),
        "top_log_probs": per_word([lp for _, lp in labelled], np.float16),
    })
    return table.replace_schema_metadata({"farsiner": json.dumps(header)})


def shard_header(path: Path) -> dict | None:
    """What a finished shard was made from; None where there is no readable shard."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta[b"farsiner"])
    except (OSError, KeyError, ValueError):
        return None


def write_shard(path: Path, sentences, teachers: Teachers, top_k: int, batch_size: int, header: dict, progress=None) -> None:
    import pyarrow.parquet as pq

    labelled = label_sentences(teachers, sentences, top_k, batch_size, progress)
    with atomic_write(path, "wb") as f:
        pq.write_table(shard_table(sentences, labelled, top_k, header), f, compression="zstd")


# --- the command ------------------------------------------------------------------


def make_soft_labels(config, workers: int = 1, batch_size: int | None = None, show_progress: bool = True) -> Path:
    """Write (or complete) the soft-label folder ``config.distill.soft_labels``; returns it."""
    import torch
    from tqdm.auto import tqdm

    d = config.distill
    out = Path(d.soft_labels)
    batch_size = batch_size or config.train.eval_batch_size
    if config.train.num_threads:
        torch.set_num_threads(config.train.num_threads)
    state = launched_state(cpu=not torch.cuda.is_available())
    main = state is None or state.is_main_process
    device = str(state.device) if state is not None else ("cuda" if torch.cuda.is_available() and workers == 1 else "cpu")

    teachers = load_teachers(d.teachers, device)
    _check_teachers(teachers, config)
    sentences = train_sentences(config)
    if not sentences:
        raise ValueError(f"no training sentences in {', '.join(s.path for s in config.data.sources if s.split == 'train')}")
    fingerprint = teachers_fingerprint(d.teachers, d.top_k, teachers.labels)
    size = d.shard_sentences
    plan = []
    for index, start in enumerate(range(0, len(sentences), size)):
        chunk = sentences[start : start + size]
        header = {"format": FORMAT, "shard": index, "sentences": len(chunk), "digest": sentences_digest(chunk), "teachers": fingerprint}
        plan.append(Shard(out / shard_name(index), chunk, header))
    # what is left to do, read by every process before any of them writes a shard
    todo = [shard for shard in plan if shard_header(shard.path) != shard.header]
    if main:
        out.mkdir(parents=True, exist_ok=True)
        wanted = {shard.path.name for shard in plan}
        for stale in out.glob("part-*.parquet"):  # a bigger earlier run's
            if stale.name not in wanted:
                stale.unlink()
        (out / META).unlink(missing_ok=True)  # written again once every shard is there
    if state is not None:
        state.wait_for_everyone()
    rank, world = (state.process_index, state.num_processes) if state is not None else (0, 1)
    mine = todo[rank::world]

    total = sum(len(shard.sentences) for shard in mine)
    bar = tqdm(total=total, disable=not (main and show_progress), unit="sentence", desc=f"soft labels ({len(mine)} of {len(plan)} shards)", file=sys.stderr)
    t0 = time.perf_counter()
    if workers > 1 and len(mine) > 1:
        del teachers.models[:]  # the workers load their own
        _label_in_workers(mine, d, batch_size, workers, bar)
    else:
        for shard in mine:
            write_shard(shard.path, shard.sentences, teachers, d.top_k, batch_size, shard.header, bar.update)
    bar.close()
    if state is not None:
        state.wait_for_everyone()
    seconds = time.perf_counter() - t0
    labelled = sum(len(shard.sentences) for shard in todo)  # by every process
    if main:
        missing = [shard.path.name for shard in plan if shard_header(shard.path) != shard.header]
        if missing:
            raise ValueError(f"{out}: shards {missing[:5]} were written by no process")
        _write_meta(out, config, teachers, sentences, plan)
        rate = f"{labelled / seconds:.1f} sentences/s" if labelled and seconds else "nothing to label"
        print(f"soft labels: {labelled} sentences in {len(todo)} shards labelled in {seconds:.2f} s ({rate}); "
              f"{len(plan) - len(todo)} shards were already there; {len(sentences)} sentences in {out}")
    return out


def _check_teachers(teachers: Teachers, config) -> None:
    from farsiner.data.labels import check_label_order

    check_label_order(teachers.labels, config.data.types, "the teachers")
    for name, theirs in (("zwnj", teachers.zwnj), ("digits", teachers.digits)):
        if getattr(config.model, name) != theirs:
            raise ValueError(f"the teachers were trained with {name} {theirs!r}: set model.{name} to {theirs!r} (the student must see the text as they did)")


def _write_meta(out: Path, config, teachers: Teachers, sentences, plan) -> None:
    meta = {
        "format": FORMAT,
        "teachers": list(config.distill.teachers),
        "labels": teachers.labels,
        "top_k": config.distill.top_k,
        "tokenizer": {"name_or_path": teachers.tokenizer.name_or_path, "fingerprint": tokenizer_fingerprint(teachers.tokenizer), "pieces": len(teachers.tokenizer)},
        "normalisation": {"zwnj": teachers.zwnj, "digits": teachers.digits},
        "max_length": teachers.max_length,
        "sentences": len(sentences),
        "unlabeled": sum(is_unlabeled(s) for s in sentences),
        "shards": [{"file": s.path.name, "sentences": s.header["sentences"], "digest": s.header["digest"]} for s in plan],
        "teachers_fingerprint": plan[0].header["teachers"],
    }
    with atomic_write(out / META) as f:
        json.dump(meta, f, indent=1, ensure_ascii=False)


def read_meta(folder: str | Path) -> dict:
    path = Path(folder) / META
    if not path.is_file():
        raise ValueError(f"{folder}: no soft labels here yet ({META} is missing): run farsiner soft-labels with this config first")
    return json.loads(path.read_text(encoding="utf-8"))


# --- CPU worker processes ------------------------------------------------------------

_worker_teachers = None


def _worker_init(paths, threads):
    from farsiner.infer.workers import start_worker

    global _worker_teachers
    start_worker(threads)
    _worker_teachers = load_teachers(paths, "cpu")


def _worker_shard(job):
    path, chunk, top_k, batch_size, header = job
    write_shard(Path(path), chunk, _worker_teachers, top_k, batch_size, header)
    return len(chunk)


def _label_in_workers(mine, d, batch_size: int, workers: int, bar) -> None:
    import torch

    from farsiner.infer.workers import worker_pool

    threads = max(1, torch.get_num_threads() // workers)
    jobs = [(str(shard.path), shard.sentences, d.top_k, batch_size, shard.header) for shard in mine]
    with worker_pool(min(workers, len(jobs)), _worker_init, (list(d.teachers), threads)) as pool:
        for n in pool.imap_unordered(_worker_shard, jobs):
            bar.update(n)
