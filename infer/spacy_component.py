"""farsiner as a spaCy pipeline component: ``nlp.add_pipe("farsiner")``.

    import spacy
    import farsiner.infer.spacy_component  # only where farsiner's entry point is not installed

    nlp = spacy.blank("fa")
    nlp.add_pipe("farsiner")  # config={"model": "path/or/hub-id", "batch_size": 32, "backend": "auto", "device": "cpu"}
    doc = nlp("بانک ملی ایران ۳ میلیارد ریال وام داد.")
    [(e.text, e.label_, e._.value, e._.score) for e in doc.ents]

The component runs a `Tagger` on ``doc.text`` and sets ``doc.ents`` (replacing any
already there) with farsiner's labels; ``Span._.value`` and ``Span._.score`` hold the
entity's value and score. ``nlp.pipe(texts, batch_size=n)`` hands groups of ``n``
docs to `Tagger.tag_batch` (the config's ``batch_size`` is the model's batch size).

Spans are character-exact: ``doc.ents[i].start_char`` and ``.end_char`` are the
Tagger's offsets. spaCy's tokeniser does not always cut where farsiner's words do:
«اصفهان،شیراز» or «مبارکه(اصفهان» is one spaCy token but two entities' words, and
«تهران‌» keeps a ZWNJ that the entity «تهران» does not. Where an entity starts or ends
inside a spaCy token (``doc.char_span(start, end)`` is None), that token is split at
the entity's boundary with ``doc.retokenize()``, so ``len(doc)`` can grow; a span is
never widened or narrowed to token boundaries (no ``alignment_mode``). The pieces
keep the token's tag, part of speech and morphology; in a parsed doc the first piece
keeps its head and dependency label and the others attach to it as ``dep``; only the
first piece can start a sentence. Run farsiner before components whose annotations
should see the final tokens.

Saving: ``nlp.to_disk(folder)`` stores the config (``model`` is the path or hub id as
given, ``null`` for the bundled model) and a small ``farsiner/farsiner.json`` with the
labels, never the model's weights. ``spacy.load(folder)`` loads the model from
``model`` again, so a path must exist where the pipeline is loaded, and fails if the
model's labels are no longer those saved.
"""

import json
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.util import minibatch

# An existing extension is kept, never overwritten: importing this module twice, or
# beside code that registered the same names, does not raise.
for _name in ("value", "score"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.factory(
    "farsiner",
    default_config={"model": None, "batch_size": 32, "backend": "auto", "device": "cpu", "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
    retokenizes=True,
)
def make_farsiner(nlp: Language, name: str, model: str | None, batch_size: int, backend: str, device: str, scorer: Callable | None):
    """The component over ``Tagger.from_pretrained(model, device=device, backend=backend)``; ``model=None`` is the bundled model."""
    from farsiner.infer.tagger import Tagger  # torch loads here, not when spaCy reads its entry points

    tagger = Tagger.from_pretrained(model, device=device, backend=backend)
    return FarsinerComponent(tagger, name=name, model=model, batch_size=batch_size, scorer=scorer)


class FarsinerComponent(Pipe):
    """Sets ``doc.ents`` from a farsiner `Tagger`; see the module's docstring."""

    def __init__(self, tagger, *, name: str = "farsiner", model: str | None = None, batch_size: int = 32, scorer: Callable | None = None):
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, not {batch_size!r}")
        self.tagger = tagger
        self.name = name
        self.model_name = model  # not `model`: spaCy reads a component's `model` as a thinc Model
        self.batch_size = batch_size
        self.scorer = scorer

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.tagger.settings.types)

    def __call__(self, doc: Doc) -> Doc:
        return set_entities(doc, self.tagger(doc.text))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Tags ``batch_size`` docs at a time with one `Tagger.tag_batch` call."""
        error_handler = self.get_error_handler()
        for docs in minibatch(stream, size=batch_size):
            try:
                for doc, entities in zip(docs, self.tagger.tag_batch([doc.text for doc in docs], batch_size=self.batch_size)):
                    set_entities(doc, entities)
            except Exception as e:
                error_handler(self.name, self, docs, e)
                continue
            yield from docs

    def to_disk(self, path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        info = {"model": self.model_name, "labels": list(self.labels)}
        (path / "farsiner.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def from_disk(self, path, *, exclude: Iterable[str] = ()) -> "FarsinerComponent":
        # The model itself was loaded from the config; this only checks it is still the one saved.
        info_path = Path(path) / "farsiner.json"
        if info_path.is_file():
            saved = json.loads(info_path.read_text(encoding="utf-8"))["labels"]
            if saved != list(self.labels):
                raise ValueError(
                    f"the pipeline was saved with labels {saved}, but the model {self.model_name or '(bundled)'} "
                    f"now has {list(self.labels)}"
                )
        return self


def set_entities(doc: Doc, entities: Sequence) -> Doc:
    """Sets ``doc.ents`` to farsiner ``entities`` (offsets into ``doc.text``), splitting tokens where a boundary falls inside one."""
    split_tokens_at(doc, [offset for e in entities for offset in (e.start, e.end)])
    spans = []
    for e in entities:
        span = doc.char_span(e.start, e.end, label=e.label)
        if span is None:  # only text that is not ``doc.text`` gets here: fail rather than misplace an entity
            raise ValueError(f"entity {e.text!r} at {e.start}:{e.end} is not a span of the doc's text")
        span._.value = e.value
        span._.score = e.score
        spans.append(span)
    doc.ents = spans
    return doc


def split_tokens_at(doc: Doc, offsets: Iterable[int]) -> None:
    """Splits every token of ``doc`` that has one of the character ``offsets`` strictly inside it, at those offsets."""
    starts = [token.idx for token in doc]
    cuts: dict[int, set[int]] = {}  # token index -> offsets inside it, relative to its start
    for offset in offsets:
        i = _token_before(starts, offset)
        if i is not None and starts[i] < offset < starts[i] + len(doc[i]):
            cuts.setdefault(i, set()).add(offset - starts[i])
    if not cuts:
        return
    parsed = doc.has_annotation("DEP")
    sentences = doc.has_annotation("SENT_START")
    new_starts = []  # where the pieces after a token's first begin
    with doc.retokenize() as retokenizer:
        for i, inner in cuts.items():
            token = doc[i]
            bounds = [0, *sorted(inner), len(token)]
            orths = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
            n = len(orths)
            # A Token head means its first piece: the first piece takes the token's place in a parse.
            heads = [token.head] + [(token, 0)] * (n - 1) if parsed else [(token, k) for k in range(n)]
            # spaCy leaves the pieces after the first with the annotations of the tokens that followed.
            attrs = {"TAG": [token.tag_] * n, "POS": [token.pos_] * n, "MORPH": [str(token.morph)] * n}
            if parsed:
                attrs["DEP"] = [token.dep_] + ["dep"] * (n - 1)
            retokenizer.split(token, orths, heads, attrs=attrs)
            new_starts += [token.idx + b for b in bounds[1:-1]]
    if not parsed:  # in a parsed doc, sentence starts follow from the heads
        by_start = {token.idx: token for token in doc}
        for start in new_starts:
            by_start[start].is_sent_start = False if sentences else None


def _token_before(starts: list[int], offset: int) -> int | None:
    """The index of the last token that starts at or before ``offset``."""
    i = bisect_right(starts, offset) - 1
    return i if i >= 0 else None
