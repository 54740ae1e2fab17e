"""`farsiner soft-labels` and `farsiner distill`: a smaller student from one or more teachers."""

from __future__ import annotations


def register(subparsers) -> None:
    from farsiner.infer.tag_cli import positive_int

    s = subparsers.add_parser("soft-labels", help="the teachers' top-k label distributions over a distillation config's train split, in Parquet shards")
    s.add_argument("--config", required=True, help="a distillation config (a training config with a distill section, e.g. configs/tiny-distill.yaml)")
    s.add_argument("overrides", nargs="*", metavar="section.key=value", help="override config values")
    s.add_argument("--workers", type=positive_int, default=1, help="CPU worker processes, a shard at a time each")
    s.add_argument("--batch-size", type=positive_int, default=None, help="windows a forward pass (default: train.eval_batch_size)")
    s.set_defaults(func=run_soft_labels)

    d = subparsers.add_parser("distill", help="train a student on the soft labels (farsiner soft-labels first), with train's loop")
    d.add_argument("--config", required=True, help="the distillation config soft-labels ran with")
    d.add_argument("overrides", nargs="*", metavar="section.key=value", help="override config values, e.g. distill.alpha=0.7")
    d.add_argument("--resume", action="store_true", help="go on from the last checkpoint in the output folder")
    d.set_defaults(func=run_distill)


def run_soft_labels(args) -> int:
    from farsiner.train.config import DistillRunConfig, load_config
    from farsiner.train.soft_labels import make_soft_labels

    config = load_config(args.config, args.overrides, schema=DistillRunConfig)
    make_soft_labels(config, workers=args.workers, batch_size=args.batch_size)
    return 0


def run_distill(args) -> int:
    from farsiner.train.config import DistillRunConfig, load_config
    from farsiner.train.distill import distill

    config = load_config(args.config, args.overrides, schema=DistillRunConfig)
    folder = distill(config, resume=args.resume)
    print(f"model saved to {folder}")
    return 0
