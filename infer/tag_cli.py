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
from farsiner.infer.workers import launched_state


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
    p.add_argument("--batch-size", type=positive_int, default=32)
    p.add_argument("--workers", type=positive_int, default=1, help="CPU worker processes for a corpus")
    p.add_argument("--strict", action="store_true", help="fail on an unreadable input line instead of skipping it")
    p.set_defaults(func=run)


def positive_int(value: str) -> int:
    import argparse

    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {value!r}")
    return n


def run(args) -> int:
    fmt = args.format or ("jsonl" if args.input else "table")
    check_device(args.device)
    check_output(args.output, [args.input, args.file])
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
    schema = None
    if args.input and Path(args.input).suffix == ".parquet":
        import pyarrow.parquet as pq

        schema = pq.read_schema(args.input)
    if args.output and args.output.endswith(".parquet"):
        _parquet_table(docs, [[] for _ in docs], schema)  # fields Parquet cannot hold fail now, not after the tagging
    results = tag_texts(texts, args)
    if results is None:  # a non-main process of accelerate launch: its share is written
        return 0
    write_output(docs, texts, results, fmt, args.output, schema)
    return 0


def check_device(device: str) -> None:
    """A device this machine has, or one line saying what it has."""
    import torch

    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError):
        raise ValueError(f"--device {device!r} is not a device name; this machine has: {available_devices()}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"--device {device}: CUDA is not available here; this machine has: {available_devices()}")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(f"--device {device}: there are {torch.cuda.device_count()} CUDA devices; this machine has: {available_devices()}")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"--device {device}: MPS is not available here; this machine has: {available_devices()}")
    if dev.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"--device {device}: farsiner runs on cpu or cuda; this machine has: {available_devices()}")


def available_devices() -> str:
    import torch

    names = ["cpu"] + [f"cuda:{i}" for i in range(torch.cuda.device_count() if torch.cuda.is_available() else 0)]
    return ", ".join(names)


def check_output(output: str | None, inputs) -> None:
    """Before any work: the output's folder exists and is writable, and the output is not an input."""
    if not output:
        return
    out = Path(output)
    for given in inputs:
        if given and given != "-" and Path(given).exists() and out.exists() and out.resolve() == Path(given).resolve():
            raise ValueError(f"--output {output} is the input file: write the results somewhere else")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"--output {output}: the folder {folder} does not exist")
    if out.is_dir():
        raise ValueError(f"--output {output} is a folder; give a file name")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"--output {output}: the folder {folder} is not writable")


def read_documents(path: str, text_field: str, strict: bool) -> list[dict]:
    """Documents with a string ``text_field``; a bad line is reported and skipped (or fatal with ``strict``).

    JSONL is read line by line as UTF-8 (a BOM allowed): a line that is not
    UTF-8 or not JSON is reported with its number. NaN and Infinity, which are
    not JSON, are read as null.
    """
    path_ = Path(path)
    if path_.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path_)
        numbered = list(enumerate(table.to_pylist(), 1))
        where = "row"
    else:
        numbered = []
        with open(path_, "rb") as f:
            for lineno, raw in enumerate(f, 1):
                try:
                    line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
                except UnicodeDecodeError as err:
                    _bad(path, lineno, f"not UTF-8 ({err.reason} at byte {err.start})", strict)
                    continue
                if not line.strip():
                    continue
                try:
                    numbered.append((lineno, json.loads(line, parse_constant=lambda _: None)))
                except json.JSONDecodeError as err:
                    _bad(path, lineno, f"not JSON ({err.msg})", strict)
                except RecursionError:
                    _bad(path, lineno, "JSON nested too deeply", strict)
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

    state = launched_state(cpu=args.device == "cpu")
    if state is not None:
        return _tag_distributed(texts, args, state)
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
    from farsiner.infer.workers import start_worker

    global _worker_tagger
    start_worker(threads)
    try:
        _worker_tagger = _load_tagger(model, "cpu")
    except Exception as err:  # noqa: BLE001 - raised again with the first job: a pool restarts workers whose start fails
        _worker_tagger = err


def _worker_tag(job):
    if isinstance(_worker_tagger, Exception):
        raise ValueError(str(_worker_tagger))
    texts, batch_size = job
    return _worker_tagger.tag_batch(texts, batch_size)


def _tag_in_workers(texts, args, show):
    from tqdm.auto import tqdm

    from farsiner.infer.model_folder import load_model_config
    from farsiner.infer.tagger import bundled_model_path
    from farsiner.infer.workers import worker_pool

    # a bad model is one error here, not a pool of workers failing to start, again and again
    load_model_config(args.model or bundled_model_path())
    threads = max(1, (os.cpu_count() or 1) // args.workers)
    chunk = max(args.batch_size, 1)
    jobs = [(texts[k : k + chunk], args.batch_size) for k in range(0, len(texts), chunk)]
    out = []
    with worker_pool(args.workers, _worker_init, (args.model, threads)) as pool:
        with tqdm(total=len(texts), disable=not show, unit="doc", desc="tagging") as bar:
            for result in pool.imap(_worker_tag, jobs):
                out += result
                bar.update(len(result))
    return out


def _tag_distributed(texts, args, state):
    """Under `accelerate launch`: process r tags documents r, r+N, ...; the main process merges."""
    from farsiner.infer.tagger import Entity

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
            f.write(json_line([i, [e.to_dict() for e in ents]]))
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
        raise ValueError(f"documents {missing[:5]} were tagged by no process")
    return merged


def _json_default(value):
    """What JSON has no type for, as Parquet gives it: bytes as UTF-8 text (else base64), dates as ISO 8601."""
    import base64
    import datetime
    import decimal

    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def json_line(obj) -> str:
    """One line of standard JSON: no NaN; a lone surrogate in a string is written escaped."""
    import math

    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    line = json.dumps(clean(obj), ensure_ascii=False, default=_json_default, allow_nan=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(clean(obj), ensure_ascii=True, default=_json_default, allow_nan=False)
    return line + "\n"


def _utf8(content: str) -> bytes:
    try:
        return content.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from the input: shown escaped
        return content.encode("utf-8", "backslashreplace")


def write_output(docs, texts, results, fmt: str, output: str | None, schema=None) -> None:
    if output and output.endswith(".parquet"):
        _write_parquet(docs, results, output, schema)
        return
    if fmt == "html":
        from farsiner.infer.html_view import render_html

        content = render_html(texts, results)
    elif fmt == "jsonl":
        content = "".join(json_line({**d, "entities": [e.to_dict() for e in r]}) for d, r in zip(docs, results))
    elif fmt == "conll":
        content = "".join(_conll(t, r) for t, r in zip(texts, results))
    else:
        content = "".join(_table(r) for r in results)
    if output:
        with atomic_write(output, "wb") as f:
            f.write(_utf8(content))
    else:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(_utf8(content).decode("utf-8"))
            return
        sys.stdout.flush()
        buffer.write(_utf8(content))
        buffer.flush()


def _parquet_table(docs, results, schema=None):
    """The input's columns (its schema, also when no row is left) plus ``entities`` as JSON text."""
    import pyarrow as pa

    rows = [{**d, "entities": json_line([e.to_dict() for e in r]).rstrip("\n")} for d, r in zip(docs, results)]
    if schema is not None:
        schema = schema.remove_metadata()
        if "entities" in schema.names:
            schema = schema.remove(schema.get_field_index("entities"))
        schema = schema.append(pa.field("entities", pa.string()))
    try:
        return pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowException, OverflowError) as err:
        raise ValueError(f"the documents' fields do not make one Parquet table ({err}); write JSONL instead") from None


def _write_parquet(docs, results, output: str, schema=None) -> None:
    import pyarrow.parquet as pq

    table = _parquet_table(docs, results, schema)
    with atomic_write(output, "wb") as f:
        pq.write_table(table, f)


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
