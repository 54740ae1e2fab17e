"""The `farsiner` command: one subcommand per step of the life cycle."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module has `register(subparsers)`, which adds its subcommand and sets
# `func` on it; `func(args)` returns the exit status.
COMMANDS = [
    "farsiner.data.normalize_cli",
    "farsiner.train.train_cli",
    "farsiner.train.distill_cli",
    "farsiner.infer.tag_cli",
    "farsiner.infer.serve",
    "farsiner.train.base_model",
]


class UserError(Exception):
    """An error in what the user asked for: printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="farsiner", description=__doc__)
    from farsiner import __version__

    parser.add_argument("--version", action="version", version=f"farsiner {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--verbose", action="store_true", help="also show the libraries' own logs and progress bars")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parser = subparsers.add_parser
    subparsers.add_parser = lambda *a, **k: add_parser(*a, parents=[common, *k.pop("parents", [])], **k)
    for name in COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def quiet_libraries() -> None:
    """Only farsiner's own progress (a corpus, training) and errors: no "Loading weights" bars or library notices."""
    import logging
    import os

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.getLogger().setLevel(logging.ERROR)  # onnxruntime's quantiser logs to the root logger
    try:
        import transformers

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
    except ImportError:
        pass
    try:
        import datasets

        datasets.disable_progress_bars()
        datasets.utils.logging.set_verbosity_error()
    except ImportError:
        pass


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not getattr(args, "verbose", False):
        quiet_libraries()
    try:
        return args.func(args) or 0
    except (UserError, ValueError, OSError) as err:
        print(f"farsiner {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
