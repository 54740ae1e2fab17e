"""The EghtesadOnline news files: one record per CSV row (headline, lead, Jalali date).

Files are ``EghtesadOnline-<file section>-400-403.csv`` with the header
``Title,Summary,Date``. Rows are numbered from 0 after the header, so a record's
id ``currency:1234`` names its row for good; the text is never copied.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from farsiner.data.corpus import CorpusFormatError, Sentence

# our section name -> the file's (it really spells "curruncy")
SECTIONS = {
    "currency": "curruncy",
    "energy": "energy",
    "industry": "industry",
    "domestic": "interior-economy",
}
FIELDS = ("title", "summary")
_DATE = re.compile(r"(1[34]\d\d)/(\d\d)/(\d\d)")


@dataclass(frozen=True)
class NewsRecord:
    """One row: ``id`` is ``<section>:<row>``; ``date`` is the Jalali ``YYYY/MM/DD`` as written."""

    id: str
    section: str
    row: int
    date: str
    title: str
    summary: str

    def text(self, field: str) -> str:
        if field not in FIELDS:
            raise ValueError(f"field must be one of {FIELDS}, not {field!r}")
        return self.title if field == "title" else self.summary


def eghtesadonline_file(folder: str | Path, section: str) -> Path:
    if section not in SECTIONS:
        raise ValueError(f"unknown EghtesadOnline section {section!r}; one of {sorted(SECTIONS)}")
    return Path(folder) / f"EghtesadOnline-{SECTIONS[section]}-400-403.csv"


def read_eghtesadonline(folder: str | Path, sections=tuple(SECTIONS)) -> list[NewsRecord]:
    """Records of the named sections, in file order, from the folder holding the CSVs."""
    records = []
    for section in sections:
        records += _read_file(eghtesadonline_file(folder, section), section)
    return records


def _read_file(path: Path, section: str) -> list[NewsRecord]:
    try:
        f = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise CorpusFormatError(path, None, "no such file") from None
    records = []
    with f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
            if header != ["Title", "Summary", "Date"]:
                raise CorpusFormatError(path, 1, f"expected the header Title,Summary,Date, found {header!r}")
            for row in reader:
                # a quoted field may span lines: the error names the line the row starts on
                line = reader.line_num - sum(field.count("\n") for field in row)
                if len(row) != 3:
                    raise CorpusFormatError(path, line, f"expected 3 fields (Title, Summary, Date), found {len(row)}")
                title, summary, date = row
                if not _DATE.fullmatch(date.strip()):
                    raise CorpusFormatError(path, line, f"the date {date!r} is not a Jalali YYYY/MM/DD")
                index = len(records)
                records.append(NewsRecord(f"{section}:{index}", section, index, date.strip(), title, summary))
        except UnicodeDecodeError as err:
            raise CorpusFormatError(path, None, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
        except csv.Error as err:
            raise CorpusFormatError(path, reader.line_num, f"not valid CSV: {err}") from None
    return records


def default_text_folder() -> Path:
    """Where the CSVs are: ``$FARSINER_SHARED_DATA/eghtesadonline``, else ``../shared/data/eghtesadonline``."""
    import os

    shared = os.environ.get("FARSINER_SHARED_DATA")
    if shared:
        return Path(shared) / "eghtesadonline"
    beside_cwd = Path("..") / "shared" / "data" / "eghtesadonline"
    beside_checkout = Path(__file__).resolve().parents[3] / "shared" / "data" / "eghtesadonline"
    return beside_cwd if beside_cwd.is_dir() or not beside_checkout.is_dir() else beside_checkout


def read_eghtesadonline_gold(path: str | Path, texts: str | Path | None = None) -> list[Sentence]:
    """Our span annotations of EghtesadOnline records, joined with the CSVs' text.

    Each line of ``path`` is ``{"id": "<section>:<row>:<field>", "sha1": ..., "entities":
    [{"start", "end", "label"}]}``; the text is looked up in the CSVs under ``texts``
    and must have that SHA-1. Each record becomes one `Sentence` per sentence of its
    text (ids ``<record id>/<k>``), split where no span crosses; ``meta`` holds the
    record id and ``gold_qty`` (so that no silver QTY is added over it).
    """
    import hashlib
    import json

    from farsiner.data.readers.jsonl import sentence_from_spans
    from farsiner.data.readers.lines import open_text
    from farsiner.data.segment import split_sentences

    path = Path(path)
    folder = Path(texts) if texts is not None else default_text_folder()
    rows: dict[str, list[NewsRecord]] = {}
    sentences = []
    for lineno, line in enumerate(open_text(path), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            rid, digest = item["id"], item["sha1"]
            section, row, field = rid.split(":")
            spans = sorted((int(e["start"]), int(e["end"]), str(e["label"])) for e in item["entities"])
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise CorpusFormatError(path, lineno, f"expected {{'id': 'section:row:field', 'sha1', 'entities': [...]}}: {err}") from None
        if section not in SECTIONS or field not in FIELDS or not row.isdigit():
            raise CorpusFormatError(path, lineno, f"bad record id {rid!r}")
        if section not in rows:
            rows[section] = _read_file(eghtesadonline_file(folder, section), section)
        if int(row) >= len(rows[section]):
            raise CorpusFormatError(path, lineno, f"{rid}: {eghtesadonline_file(folder, section)} has only {len(rows[section])} rows")
        text = rows[section][int(row)].text(field)
        if hashlib.sha1(text.encode("utf-8")).hexdigest() != digest:
            raise CorpusFormatError(path, lineno, f"{rid}: the text in {eghtesadonline_file(folder, section)} is not the annotated one (SHA-1 differs)")
        for start, end, label in spans:
            if not 0 <= start < end <= len(text):
                raise CorpusFormatError(path, lineno, f"{rid}: span ({start}, {end}) is outside the text of length {len(text)}")
        # sentences, merged where a span crosses our splitter's boundary
        pieces: list[list[int]] = []
        for a, b in split_sentences(text):
            if pieces and any(s < pieces[-1][1] and e > a for s, e, _ in spans):
                pieces[-1][1] = b
            else:
                pieces.append([a, b])
        try:
            for k, (a, b) in enumerate(pieces):
                inside = [(s - a, e - a, lab) for s, e, lab in spans if a <= s and e <= b]
                sent = sentence_from_spans(text[a:b], inside, id=f"{rid}/{k}")
                sent.meta.update(record=rid, gold_qty=True)
                sentences.append(sent)
        except ValueError as err:
            raise CorpusFormatError(path, lineno, f"{rid}: {err}") from None
        if sum(len([1 for s, e, _ in spans if a <= s and e <= b]) for a, b in pieces) != len(spans):
            raise CorpusFormatError(path, lineno, f"{rid}: a span lies outside the text's sentences")
    return sentences


def gold_annotation_files() -> list[Path]:
    """Our gold files (train, dev, test) of EghtesadOnline records, shipped in the package."""
    from importlib import resources

    folder = Path(str(resources.files("farsiner.data").joinpath("annotations", "eghtesadonline")))
    return [folder / f"{split}.jsonl" for split in ("train", "dev", "test")]


def gold_rows(files=None) -> set[str]:
    """The ``<section>:<row>`` of every record in the gold files, whichever field was annotated."""
    import json

    from farsiner.data.readers.lines import open_text

    rows = set()
    for path in files or gold_annotation_files():
        for lineno, line in enumerate(open_text(path), 1):
            if line.strip():
                try:
                    rid = json.loads(line)["id"]
                except (ValueError, KeyError, TypeError) as err:
                    raise CorpusFormatError(path, lineno, f"expected a record with an 'id': {err}") from None
                rows.add(rid.rsplit(":", 1)[0])
    return rows


def read_eghtesadonline_texts(folder: str | Path, exclude_rows: set[str] | None = None) -> list[Sentence]:
    """Unannotated sentences for distillation: the titles and summaries of the rows no gold file names.

    A row with any gold record (in train, dev or test) is left out whole, both
    fields, so that no dev or test text reaches a student. Each field is split
    into sentences and words; the tags are all ``O`` and ``meta["unlabeled"]``
    says they are not gold. Ids are ``<section>:<row>:<field>/<k>``.
    """
    from farsiner.data.segment import split_sentences, split_words

    exclude = gold_rows() if exclude_rows is None else exclude_rows
    sentences = []
    for record in read_eghtesadonline(folder):
        if record.id in exclude:
            continue
        for name in FIELDS:
            text = record.text(name)
            for k, (a, b) in enumerate(split_sentences(text)):
                words = [text[s:e] for s, e in split_words(text, a, b)]
                if words:
                    rid = f"{record.id}:{name}"
                    sentences.append(Sentence(words, ["O"] * len(words), id=f"{rid}/{k}", meta={"record": rid, "unlabeled": True}))
    return sentences
