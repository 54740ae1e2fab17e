"""Reading one-token-a-line files: lines grouped into sentences at blank lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from farsiner.data.corpus import CorpusFormatError, Sentence
from farsiner.data.labels import repair_bio, split_tag

# parse_line(line) -> (token, tag), or raise ValueError with the reason.
LineParser = Callable[[str], tuple[str, str]]


def read_token_lines(
    lines: Iterable[str], path: str | Path, parse_line: LineParser, id_prefix: str
) -> Iterator[Sentence]:
    """Sentences from ``token/tag`` lines; blank lines end sentences.

    Lines are split by ``parse_line``; tags are checked against IOB2 and an
    ``I-X`` that continues nothing becomes ``B-X`` (seqeval's reading of it).
    """
    tokens: list[str] = []
    tags: list[str] = []
    index = 0
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if tokens:
                yield Sentence(tokens, repair_bio(tags), id=f"{id_prefix}{index}")
                index += 1
                tokens, tags = [], []
            continue
        try:
            token, tag = parse_line(line)
            split_tag(tag)
        except ValueError as err:
            raise CorpusFormatError(path, lineno, f"{err}: {line!r}") from None
        if token:
            tokens.append(token)
            tags.append(tag)
    if tokens:
        yield Sentence(tokens, repair_bio(tags), id=f"{id_prefix}{index}")


def split_lines(text: str) -> list[str]:
    """Lines split at ``\n`` (a ``\r`` before it dropped) and nowhere else.

    ``str.splitlines`` also splits at U+2028, U+0085 and other marks that can
    sit inside a token; a corpus line ends only at a line feed.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def open_text(path: str | Path) -> list[str]:
    """The lines of a UTF-8 file, with a clear error for anything else."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return split_lines(f.read())
    except UnicodeDecodeError as err:
        raise CorpusFormatError(path, None, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
