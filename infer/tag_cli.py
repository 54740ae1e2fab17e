"""`farsiner tag`: a text file, standard input, or a whole JSONL/Parquet corpus.

Corpora can be split over CPU worker processes (``--workers N``) or over the
processes of ``accelerate launch`` (one share each, merged in input order).
Outputs are written to a temporary file and renamed at the end.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from farsiner.data.atomic import atomic_write


def register(subparsers) -> None:
    p = subparsers.add_parser("tag", help="find entities and quantities in Persian text")
    p.add_argument("file", nargs="?", help="a UTF-8 text file, or - for standard input")
    p.add_argument("--sample", action="store_true", help="tag the sample article the package ships")
    p.add_argument("--input", help="a corpus of documents: .jsonl (one JSON object a line) or .parquet")
    p.add_argument("--output", help="output file; default: standard output")
    p.add_argument("--format", choices=["table", "jsonl", "html", "conll"], help="default: table for a text, jsonl for a corpus")
    p.add_argument("--text-field", default="text", help="the field holding the text in --input (default: text)")
    p.add_argument("--model", help="model folder or hub id (default: the bundled model)")
    p.add_argument("--device", default="cpu", help="cpu (default), cuda, cuda:1, ...")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--workers", type=int, default=1, help="CPU worker processes for a corpus")
    p.add_argument("--strict", action="store_true", help="fail on an unreadable input line instead of skipping it")
    p.set_defaults(func=run)


def run(args) -> int:
    fmt = args.format or ("jsonl" if args.input else "table")
    if args.input:
        if args.file or args.sample:
            raise ValueError("give either --input or a text file, not both")
        docs = read_documents(args.input, args.text_field, args.strict)
    else:
        from farsiner.data.normalize_cli import read_input

        if args.file is None and not args.sample:
            raise ValueError("give a text file, - for standard input, --sample, or --input CORPUS")
        docs = [{args.text_field: read_input(args.file, args.sample)}]
    texts = [d[args.text_field] for d in docs]
    if fmt == "table" and args.output and args.output.endswith(".parquet"):
        fmt = "jsonl"
    results = tag_texts(texts, args)
    if results is None:  # a non-main process of accelerate launch: its share is written
        return 0
    write_output(docs, texts, results, fmt, args.output)
    return 0


def read_documents(path: str, text_field: str, strict: bool) -> list[dict]:
    """Documents with a string ``text_field``; a bad line is reported and skipped (or fatal with ``strict``)."""
    path_ = Path(path)
    if path_.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path_).to_pylist()
        numbered = list(enumerate(rows, 1))
        where = "row"
    else:
        numbered = []
        with open(path_, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    numbered.append((lineno, json.loads(line)))
                except json.JSONDecodeError as err:
                    _bad(path, lineno, f"not JSON ({err.msg})", strict)
        where = "line"
    docs = []
    for lineno, row in numbered:
        if not isinstance(row, dict):
            _bad(path, lineno, "not a JSON object", strict, where)
        elif not isinstance(row.get(text_field), str):
            _bad(path, lineno, f"no string field {text_field!r}", strict, where)
        else:
            docs.append(row)
    return docs


def _bad(path, lineno, message, strict, where="line") -> None:
    text = f"{path}:{lineno}: {message}" if where == "line" else f"{path}: {where} {lineno}: {message}"
    if strict:
        raise ValueError(text)
    print(f"farsiner tag: skipped {text}", file=sys.stderr)


def tag_texts(texts: list[str], args) -> list[list] | None:
    """Entities of every text, in input order."""
    from tqdm.auto import tqdm

    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        return _tag_distributed(texts, args)
    show = len(texts) > 5
    if args.workers > 1:
        return _tag_in_workers(texts, args, show)
    tagger = _load_tagger(args.model, args.device)
    out = []
    chunk = max(args.batch_size, 1)
    with tqdm(total=len(texts), disable=not show, unit="doc", desc="tagging") as bar:
        for k in range(0, len(texts), chunk):
            out += tagger.tag_batch(texts[k : k + chunk], args.batch_size)
            bar.update(len(texts[k : k + chunk]))
    return out


def _load_tagger(model, device):
    from farsiner.infer.tagger import Tagger

    return Tagger.from_pretrained(model, device=device)


_worker_tagger = None


def _worker_init(model, threads):
    import torch

    global _worker_tagger
    torch.set_num_threads(threads)
    _worker_tagger = _load_tagger(model, "cpu")


def _worker_tag(job):
    texts, batch_size = job
    return _worker_tagger.tag_batch(texts, batch_size)


def _tag_in_workers(texts, args, show):
    import multiprocessing as mp

    from tqdm.auto import tqdm

    threads = max(1, (os.cpu_count() or 1) // args.workers)
    chunk = max(args.batch_size, 1)
    jobs = [(texts[k : k + chunk], args.batch_size) for k in range(0, len(texts), chunk)]
    out = []
    ctx = mp.get_context("spawn")  # a fresh interpreter: no torch threads inherited from a fork
    with ctx.Pool(args.workers, initializer=_worker_init, initargs=(args.model, threads)) as pool:
        with tqdm(total=len(texts), disable=not show, unit="doc", desc="tagging") as bar:
            for result in pool.imap(_worker_tag, jobs):
                out += result
                bar.update(len(result))
    return out


def _tag_distributed(texts, args):
    """Under `accelerate launch`: process r tags documents r, r+N, ...; the main process merges."""
    from accelerate import PartialState

    from farsiner.infer.tagger import Entity

    state = PartialState()
    if not args.output:
        raise ValueError("under accelerate launch, give --output")
    mine = list(range(state.process_index, len(texts), state.num_processes))
    tagger = _load_tagger(args.model, str(state.device))
    part = Path(f"{args.output}.part{state.process_index}")
    results = []
    for k in range(0, len(mine), args.batch_size):
        idx = mine[k : k + args.batch_size]
        results += zip(idx, tagger.tag_batch([texts[i] for i in idx], args.batch_size))
    with atomic_write(part) as f:
        for i, ents in results:
            f.write(json.dumps([i, [e.to_dict() for e in ents]], ensure_ascii=False) + "\n")
    state.wait_for_everyone()
    if not state.is_main_process:
        return None
    merged: list = [None] * len(texts)
    for r in range(state.num_processes):
        p = Path(f"{args.output}.part{r}")
        for line in p.read_text(encoding="utf-8").splitlines():
            i, ents = json.loads(line)
            merged[i] = [Entity(**e) for e in ents]
        p.unlink()
    missing = [i for i, m in enumerate(merged) if m is None]
    if missing:
        raise RuntimeError(f"documents {missing[:5]} were tagged by no process")
    return merged


def write_output(docs, texts, results, fmt: str, output: str | None) -> None:
    if output and output.endswith(".parquet"):
        _write_parquet(docs, results, output)
        return
    if fmt == "html":
        from farsiner.infer.html_view import render_html

        content = render_html(texts, results)
    elif fmt == "jsonl":
        content = "".join(json.dumps({**d, "entities": [e.to_dict() for e in r]}, ensure_ascii=False) + "\n" for d, r in zip(docs, results))
    elif fmt == "conll":
        content = "".join(_conll(t, r) for t, r in zip(texts, results))
    else:
        content = "".join(_table(r) for r in results)
    if output:
        with atomic_write(output) as f:
            f.write(content)
    else:
        sys.stdout.write(content)


def _write_parquet(docs, results, output: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{**d, "entities": json.dumps([e.to_dict() for e in r], ensure_ascii=False)} for d, r in zip(docs, results)]
    with atomic_write(output, "wb") as f:
        pq.write_table(pa.Table.from_pylist(rows), f)


def _table(entities) -> str:
    if not entities:
        return "(no entities)\n"
    lines = [f"{'start':>6} {'end':>6}  {'label':<5}  {'score':>5}  text | value"]
    for e in entities:
        value = json.dumps(e.value, ensure_ascii=False) if e.value else ""
        lines.append(f"{e.start:>6} {e.end:>6}  {e.label:<5}  {e.score:>5.2f}  {e.text}" + (f" | {value}" if value else ""))
    return "\n".join(lines) + "\n"


def _conll(text: str, entities) -> str:
    """Words of the original text with BIO tags, a blank line after each sentence."""
    from farsiner.data.segment import split_sentences, split_words

    out = []
    for a, b in split_sentences(text):
        for ws, we in split_words(text, a, b):
            tag = "O"
            for e in entities:
                if e.start <= ws and we <= e.end:
                    tag = ("B-" if ws == e.start or not text[e.start:ws].strip() else "I-") + e.label
                    break
            out.append(f"{text[ws:we]}\t{tag}\n")
        out.append("\n")
    return "".join(out)
