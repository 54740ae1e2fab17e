"""`farsiner train` and `farsiner evaluate`."""

from __future__ import annotations

import json
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("train", help="fine-tune a token-classification model from a YAML config")
    p.add_argument("--config", required=True, help="a YAML config (see configs/)")
    p.add_argument("overrides", nargs="*", metavar="section.key=value", help="override config values, e.g. train.learning_rate=3e-5")
    p.add_argument("--resume", action="store_true", help="go on from the last checkpoint in the output folder")
    p.set_defaults(func=run_train)

    e = subparsers.add_parser("evaluate", help="seqeval scores of a model on an annotated corpus")
    e.add_argument("--model", required=True, action="append", help="model folder or hub id; give it more than once to score their ensemble (label distributions averaged)")
    e.add_argument("--data", required=True, help="annotated corpus file")
    e.add_argument("--format", default="peyma-split", choices=["peyma-split", "conll", "jsonl", "eghtesadonline"],
                   help="corpus format (default: peyma-split; eghtesadonline: our annotation files, joined with the CSVs in ../shared/data/eghtesadonline or $FARSINER_SHARED_DATA)")
    e.add_argument("--qty-gold", help="span annotations to add to the gold (e.g. the shipped PEYMA test QTY set: 'peyma-test')")
    e.add_argument("--types", help="score only these types, comma-separated (others become O in gold and predictions)")
    e.add_argument("--out", help="folder for the JSON scores, the table and the errors file")
    e.add_argument("--batch-size", type=int, default=32)
    e.set_defaults(func=run_evaluate)

    k = subparsers.add_parser("package", help="copy a trained model folder for shipping, weights in float16")
    k.add_argument("--model", required=True, help="a model folder written by farsiner train")
    k.add_argument("--out", required=True, help="the folder to write")
    k.add_argument("--dtype", default="float16", choices=["float16", "bfloat16", "float32"])
    k.set_defaults(func=run_package)

    a = subparsers.add_parser("average", help="average the weights of models fine-tuned from one start (a model soup)")
    a.add_argument("--models", nargs="+", required=True, help="model folders (same architecture, labels and tokenizer)")
    a.add_argument("--weights", nargs="+", type=float, help="one weight a model, adding up to 1 (default: equal)")
    a.add_argument("--out", required=True, help="the folder to write")
    a.set_defaults(func=run_average)


def run_train(args) -> int:
    from farsiner.train.config import load_config
    from farsiner.train.loop import train

    config = load_config(args.config, args.overrides)
    folder = train(config, resume=args.resume)
    print(f"model saved to {folder}")
    return 0


def run_evaluate(args) -> int:
    from farsiner.train.evaluate import format_table
    from farsiner.train.evaluate_model import evaluate_model

    types = args.types.split(",") if args.types else None
    result = evaluate_model(args.model, args.data, args.format, qty_gold=args.qty_gold, types=types, out_dir=args.out, batch_size=args.batch_size)
    print(format_table(result))
    if args.out:
        print(f"scores, table and errors written to {Path(args.out)}")
    else:
        print(json.dumps({m: result[m]["micro avg"] for m in result}, indent=1))
    return 0


def run_package(args) -> int:
    from farsiner.infer.model_folder import package_model

    out = package_model(args.model, args.out, args.dtype)
    size = sum(p.stat().st_size for p in Path(out).iterdir()) / 1e6
    print(f"{out}: {size:.1f} MB")
    return 0


def run_average(args) -> int:
    from farsiner.train.average import average_models

    out = average_models(args.models, args.weights, args.out)
    print(f"averaged model saved to {out}")
    return 0
