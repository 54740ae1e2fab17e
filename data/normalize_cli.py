"""`farsiner normalize`: show what the model sees, and the sentences with their offsets."""

from __future__ import annotations

import sys
from importlib import resources

from farsiner.data.normalize import normalize
from farsiner.data.segment import split_sentences


def sample_text() -> str:
    """The short economic-news article this package ships (written for it)."""
    return resources.files("farsiner.data").joinpath("samples/sample-news.txt").read_text(encoding="utf-8")


def read_input(path: str | None, sample: bool) -> str:
    """The text of a file or of standard input; text that is not UTF-8 is an error naming the line."""
    if sample:
        return sample_text()
    if path is None or path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream without bytes underneath (tests, embedding)
            return sys.stdin.read()
        data, name = stream.read(), "standard input"
    else:
        with open(path, "rb") as f:
            data, name = f.read(), path
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ValueError(f"{name}:{line}: not UTF-8 text ({err.reason} at byte {err.start})") from None


def register(subparsers) -> None:
    p = subparsers.add_parser("normalize", help="normalise Persian text and show its sentences with offsets")
    p.add_argument("file", nargs="?", help="a UTF-8 text file, or - for standard input")
    p.add_argument("--sample", action="store_true", help="use the sample article the package ships")
    p.add_argument("--zwnj", choices=["keep", "remove", "space"], default="keep", help="what ZWNJ becomes (default: keep)")
    p.add_argument("--digits", choices=["latin", "persian", "keep"], default="latin", help="digit script (default: latin)")
    p.add_argument("--sentences", action="store_true", help="print one sentence a line with its offsets in the input")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.file is None and not args.sample and sys.stdin.isatty():
        raise ValueError("give a file, - for standard input, or --sample")
    text = read_input(args.file, args.sample)
    norm = normalize(text, zwnj=args.zwnj, digits=args.digits)
    if not args.sentences:
        print(norm.text)
        return 0
    for start, end in split_sentences(norm.text):
        ostart, oend = norm.to_original(start, end)
        print(f"{ostart}\t{oend}\t{norm.text[start:end]}")
    return 0
