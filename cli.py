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
    "farsiner.infer.tag_cli",
    "farsiner.train.base_model",
]


class UserError(Exception):
    """An error in what the user asked for: printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="farsiner", description=__doc__)
    from farsiner import __version__

    parser.add_argument("--version", action="version", version=f"farsiner {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except (UserError, ValueError, OSError) as err:
        print(f"farsiner {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
