"""PEYMA: the common split (`token|B_X`) and the NSURL-2019 release (zip or folders)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from farsiner.data.corpus import CorpusFormatError, Sentence
from farsiner.data.readers.lines import open_text, read_token_lines, split_lines

PEYMA_TYPES = ("PER", "LOC", "ORG", "DAT", "TIM", "MON", "PCT")


def _parse_split_line(line: str) -> tuple[str, str]:
    token, sep, tag = line.rpartition("|")
    if not sep:
        raise ValueError("expected token|TAG")
    return token, tag.replace("_", "-", 1)


def read_peyma_split(path: str | Path) -> list[Sentence]:
    """The commonly used PEYMA split file (train/dev/test.txt): ``token|B_X`` lines.

    Sentence ids are ``<file stem>:<index>`` (``test:0`` is the first test sentence).
    """
    path = Path(path)
    return list(read_token_lines(open_text(path), path, _parse_split_line, f"{path.stem}:"))


_GLUED_TAG = re.compile(r"^(.*?)((?:[BI]-(?:%s))|O)$" % "|".join(PEYMA_TYPES))


def _parse_nsurl_line(line: str) -> tuple[str, str]:
    # Tokens may contain spaces (`ثبت نام`): split on the TAB only.
    token, sep, tag = line.rpartition("\t")
    if sep:
        return token, tag.strip()
    # The 600K part has 391 lines without a TAB. Documented repairs: a tag glued
    # to the end of the word (`شدO`) is split off; a line that is only a tag is
    # a token lost in the release and is dropped; a word with no tag (sentence-
    # final words and punctuation, `است.`) is O.
    m = _GLUED_TAG.match(line.strip())
    if not m:
        return line.strip(), "O"
    return m.group(1), m.group(2)


def read_peyma_nsurl(path: str | Path, parts: Iterable[str] = ("300K", "600K")) -> list[Sentence]:
    """The NSURL-2019 release: the zip, or a folder holding ``300K/`` and ``600K/``.

    Files are read in name order; sentence ids are ``<part>/<file>:<index>``.
    The 600K part's repairs are in `_parse_nsurl_line`; an orphan ``I-X``
    becomes ``B-X``. Its Arabic letters are left for the normaliser.
    """
    path = Path(path)
    parts = tuple(parts)
    for part in parts:
        if part not in ("300K", "600K"):
            raise ValueError(f"unknown PEYMA NSURL part {part!r}: choose 300K or 600K")
    sentences: list[Sentence] = []
    if path.is_file():
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise CorpusFormatError(path, None, "not a zip file") from None
        with archive:
            names = sorted(n for n in archive.namelist() if not n.endswith("/") and n.split("/")[0] in parts)
            for name in names:
                try:
                    lines = split_lines(archive.read(name).decode("utf-8-sig"))
                except UnicodeDecodeError as err:
                    raise CorpusFormatError(f"{path}/{name}", None, f"not UTF-8 text ({err.reason})") from None
                sentences += read_token_lines(lines, f"{path}/{name}", _parse_nsurl_line, f"{name}:")
    elif path.is_dir():
        for part in parts:
            folder = path / part
            if not folder.is_dir():
                raise CorpusFormatError(path, None, f"no {part}/ folder")
            for file in sorted(p for p in folder.iterdir() if p.is_file()):
                sentences += read_token_lines(open_text(file), file, _parse_nsurl_line, f"{part}/{file.name}:")
    else:
        raise FileNotFoundError(f"{path}: no such file or folder")
    return sentences
