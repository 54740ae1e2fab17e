"""Generic CoNLL: a token column and a tag column, blank lines between sentences."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from farsiner.data.atomic import atomic_write
from farsiner.data.corpus import Sentence
from farsiner.data.readers.lines import open_text, read_token_lines


def _parse_line(line: str) -> tuple[str, str]:
    # TAB-separated when there is a TAB (tokens may hold spaces), else whitespace.
    columns = line.split("\t") if "\t" in line else line.split()
    if len(columns) < 2:
        raise ValueError("expected a token column and a tag column")
    return columns[0].strip(), columns[-1].strip()


def read_conll(path: str | Path) -> list[Sentence]:
    """Sentences from a CoNLL file: first column the token, last column the IOB2 tag.

    ``-DOCSTART-`` lines are skipped; an orphan ``I-X`` becomes ``B-X``.
    """
    path = Path(path)
    # Keep line numbers right in errors: blank out DOCSTART lines instead of dropping them.
    lines = ["" if line.startswith("-DOCSTART-") else line for line in open_text(path)]
    return list(read_token_lines(lines, path, _parse_line, f"{path.stem}:"))


def write_conll(sentences: Iterable[Sentence], path: str | Path) -> None:
    """Write ``token<TAB>tag`` lines, a blank line after each sentence."""
    with atomic_write(path) as f:
        for s in sentences:
            for token, tag in zip(s.tokens, s.tags):
                f.write(f"{token}\t{tag}\n")
            f.write("\n")
