"""The in-memory corpus type every reader produces, and its `datasets` form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from farsiner.data.labels import spans_from_bio, split_tag


class CorpusFormatError(ValueError):
    """Malformed corpus input, with the file and line it was found at."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class Sentence:
    """A sentence of words with IOB2 tags.

    Its text is the words joined by single spaces; entity spans are character
    offsets into that text. A word may itself contain spaces (PEYMA's «ثبت نام»).
    """

    tokens: list[str]
    tags: list[str]
    id: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if len(self.tokens) != len(self.tags):
            raise ValueError(f"sentence {self.id!r}: {len(self.tokens)} tokens but {len(self.tags)} tags")
        for tag in self.tags:
            split_tag(tag)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def token_offsets(self) -> list[tuple[int, int]]:
        offsets, pos = [], 0
        for tok in self.tokens:
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        return offsets

    @property
    def spans(self) -> list[tuple[int, int, str]]:
        """Entity spans ``(start, end, label)`` as character offsets into ``text``."""
        offsets = self.token_offsets
        return [(offsets[a][0], offsets[b - 1][1], label) for a, b, label in spans_from_bio(self.tags)]


def label_counts(sentences: Iterable[Sentence]) -> dict[str, int]:
    """Entity (span) counts per type."""
    counts: dict[str, int] = {}
    for s in sentences:
        for _, _, label in spans_from_bio(s.tags):
            counts[label] = counts.get(label, 0) + 1
    return counts


def to_dataset(splits: Mapping[str, Sequence[Sentence]]):
    """A `datasets.DatasetDict` with columns ``id``, ``tokens``, ``tags``."""
    import datasets

    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "tokens": datasets.Sequence(datasets.Value("string")),
            "tags": datasets.Sequence(datasets.Value("string")),
        }
    )
    return datasets.DatasetDict(
        {
            name: datasets.Dataset.from_dict(
                {
                    "id": [s.id for s in sents],
                    "tokens": [s.tokens for s in sents],
                    "tags": [s.tags for s in sents],
                },
                features=features,
            )
            for name, sents in splits.items()
        }
    )
