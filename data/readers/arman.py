"""ARMAN (ArmanPersoNERCorpus) folds: ``token tag`` lines, lower-case types."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from farsiner.data.corpus import CorpusFormatError, Sentence
from farsiner.data.labels import split_tag
from farsiner.data.readers.lines import open_text, read_token_lines, split_lines

ARMAN_TO_OURS = {"pers": "PER", "org": "ORG", "loc": "LOC"}
ARMAN_EXTRA = {"fac": "FAC", "pro": "PRO", "event": "EVENT"}


def read_arman(
    path: str | Path,
    fold: int = 1,
    split: Literal["train", "test"] = "train",
    extra_types: Literal["drop", "keep"] = "drop",
) -> list[Sentence]:
    """One ARMAN fold file, from the zip or its folder, or a path to the file itself.

    Types map pers→PER, org→ORG, loc→LOC; fac, pro, event become O
    (``extra_types="drop"``) or FAC, PRO, EVENT (``"keep"``). Never train on all
    six files: each train fold is the other two test folds.
    """
    if split not in ("train", "test"):
        raise ValueError(f"ARMAN split must be 'train' or 'test', not {split!r}")
    if fold not in (1, 2, 3):
        raise ValueError(f"ARMAN fold must be 1, 2 or 3, not {fold!r}")
    if extra_types not in ("drop", "keep"):
        raise ValueError(f"extra_types must be 'drop' or 'keep', not {extra_types!r}")
    path = Path(path)
    name = f"{split}_fold{fold}.txt"
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            member = next((n for n in archive.namelist() if n.split("/")[-1] == name), None)
            if member is None:
                raise CorpusFormatError(path, None, f"no {name} in the archive")
            lines = split_lines(archive.read(member).decode("utf-8-sig"))
        source = f"{path}/{member}"
    else:
        file = path / name if path.is_dir() else path
        lines, source = open_text(file), file
    mapping = dict(ARMAN_TO_OURS)
    mapping.update(ARMAN_EXTRA if extra_types == "keep" else dict.fromkeys(ARMAN_EXTRA))

    def parse_line(line: str) -> tuple[str, str]:
        token, sep, tag = line.strip().rpartition(" ")
        if not sep:
            raise ValueError("expected 'token tag'")
        prefix, label = split_tag(tag)
        if prefix == "O":
            return token, "O"
        if label not in mapping:
            raise ValueError(f"unknown ARMAN type {label!r}")
        ours = mapping[label]
        return token, f"{prefix}-{ours}" if ours else "O"

    return list(read_token_lines(lines, source, parse_line, f"arman-{split}{fold}:"))
