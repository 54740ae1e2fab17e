"""The Tagger: text in, entities with offsets into that text out, for articles of any length."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from farsiner.data.labels import spans_from_bio
from farsiner.data.normalize import normalize
from farsiner.data.segment import last_sentence_end, split_sentences, split_words
from farsiner.infer.windows import Document, merge_windows, plan_windows

BUNDLED_MODEL = "me5-news-distilled"

# Texts are tagged in pieces of about this many characters, cut where a line ends (else
# where a sentence ends): memory stays flat whatever the input's size, and since no
# sentence crosses a line break the entities are the same as in one piece.
CHUNK_CHARS = 50_000
# Arabic-script letters (the normaliser has folded presentation forms)
_PERSIAN = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]")


@dataclass
class Entity:
    """An entity or quantity; ``text == original_text[start:end]``."""

    start: int
    end: int
    label: str
    text: str
    score: float
    value: dict | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def bundled_model_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("farsiner.infer").joinpath("models", BUNDLED_MODEL)))


class Tagger:
    """Finds entities and quantities in Persian text.

    Text is normalised as the model was trained and split into sentences and
    words; each sentence is a window of at most ``max_tokens`` sub-words (a
    longer one is split into windows overlapping by ``stride`` sub-words);
    windows run in length-sorted batches with dynamic padding and are merged
    back so that every word is labelled once, by the window where it has the
    most context. Offsets are into the text the caller passed.
    """

    def __init__(
        self, model, tokenizer, settings, *, runner=None, id2label=None, batch_size: int = 32, stride: int = 64, max_tokens: int | None = None
    ):
        """``model``: the PyTorch model, or None where a ``runner`` (ONNX) runs and ``id2label`` is given."""
        from farsiner.infer.predict import TorchRunner

        if model is None and (runner is None or id2label is None):
            raise ValueError("without a model, give a runner and id2label")
        self.model = model
        self.tokenizer = tokenizer
        self.settings = settings
        # runner(sequences, batch_size, pad_id) -> per sequence, its pieces' label log-probabilities
        self.runner = runner or TorchRunner(model)
        self.batch_size = batch_size
        self.max_tokens = min(max_tokens or settings.max_length, settings.max_length)
        self.stride = min(stride, self.max_tokens // 2)
        self.id2label = {int(k): v for k, v in (id2label or model.config.id2label).items()}

    @classmethod
    def from_pretrained(cls, name_or_path: str | Path | None = None, device: str = "cpu", backend: str = "auto", **kwargs) -> "Tagger":
        """The bundled model (no argument), a model folder, or a hub id.

        ``device="cuda"`` runs in bf16 where the GPU supports it. ``backend``:
        ``"auto"`` runs an int8 ONNX Runtime copy of the model on the CPU where
        onnxruntime is installed (built on first use and cached, see
        `farsiner.infer.onnx_backend`) and PyTorch otherwise, and always on a GPU;
        ``"pytorch"`` or ``"onnx"`` force one. ``tagger.backend`` says which runs.
        """
        import torch

        from farsiner.infer.model_folder import inference_dtype, load_model_config, load_model_folder
        from farsiner.infer.onnx_backend import OnnxRunner, onnx_backend_installed, require_onnx_backend

        if backend not in ("auto", "pytorch", "onnx"):
            raise ValueError(f"backend must be 'auto', 'pytorch' or 'onnx', not {backend!r}")
        on_cpu = torch.device(device).type == "cpu"
        if backend == "auto":
            backend = "onnx" if on_cpu and onnx_backend_installed() else "pytorch"
        if backend == "onnx":
            if not on_cpu:
                raise ValueError(f"the ONNX backend runs on the CPU; use backend='pytorch' on {device}")
            require_onnx_backend()  # fail before loading anything

        path = name_or_path or bundled_model_path()
        if name_or_path is None and not Path(path).is_dir():
            raise FileNotFoundError(f"the bundled model is missing from {path}")
        if backend == "onnx":
            # No PyTorch weights stay loaded (~100 MiB): the ONNX file is all that runs.
            config, tokenizer, settings = load_model_config(path)
            if "runner" not in kwargs:
                kwargs["runner"] = OnnxRunner.from_model_folder(path)
            tagger = cls(None, tokenizer, settings, id2label=config.id2label, **kwargs)
        else:
            model, tokenizer, settings = load_model_folder(path, device=device, dtype=inference_dtype(device))
            tagger = cls(model, tokenizer, settings, **kwargs)
        tagger.backend = backend
        return tagger

    def __call__(self, text: str) -> list[Entity]:
        return self.tag_batch([text])[0]

    def tag_batch(self, texts: Sequence[str], batch_size: int | None = None) -> list[list[Entity]]:
        """Entities of each text; the windows of all texts share length-sorted batches."""
        if isinstance(texts, str):
            raise TypeError("tag_batch takes a list of texts, not one str: call the tagger on a single text")
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
            raise ValueError(f"batch_size must be a positive integer, not {batch_size!r}")
        for t in texts:
            if not isinstance(t, str):
                raise TypeError(f"Tagger takes str, not {type(t).__name__}")
        # pieces of texts, grouped so that each group holds about CHUNK_CHARS characters
        pieces = [(i, a, b) for i, t in enumerate(texts) for a, b in chunk_bounds(t)]
        out: list[list[Entity]] = [[] for _ in texts]
        group: list[tuple[int, int, int]] = []
        size = 0
        for piece in pieces + [None]:
            if piece is None or (group and size + piece[2] - piece[1] > CHUNK_CHARS):
                for (i, a, _), ents in zip(group, self._tag_pieces([texts[i][a:b] for i, a, b in group], batch_size)):
                    out[i] += [dataclasses.replace(e, start=e.start + a, end=e.end + a) for e in ents]
                group, size = [], 0
            if piece is not None:
                group.append(piece)
                size += piece[2] - piece[1]
        return out

    def _tag_pieces(self, texts: Sequence[str], batch_size: int | None) -> list[list[Entity]]:
        docs = [self._document(t) for t in texts]
        plans = [plan_windows(d, self.tokenizer, self.max_tokens, self.stride) for d in docs]
        sequences = [w.input_ids for plan in plans for w in plan]
        log_probs = self.runner(sequences, batch_size or self.batch_size, self.tokenizer.pad_token_id)
        out, k = [], 0
        for doc, plan in zip(docs, plans):
            n = len(plan)
            tags, scores = merge_windows(doc, plan, log_probs[k : k + n], self.id2label)
            k += n
            out.append(self._entities(doc, tags, scores))
        return out

    def _document(self, text: str) -> Document:
        norm = normalize(text, zwnj=self.settings.zwnj, digits=self.settings.digits)
        # a sentence without a Persian letter is not the model's to tag: it gives no entities
        sentences = [split_words(norm.text, a, b) for a, b in split_sentences(norm.text) if _PERSIAN.search(norm.text, a, b)]
        return Document(norm, [s for s in sentences if s])

    def _entities(self, doc: Document, tags: list[list[str]], scores: list[list[float]]) -> list[Entity]:
        from farsiner.data.quantities.values import parse_value
        from farsiner.data.span_checks import settle_spans

        allowed = set(self.settings.types)
        original = doc.norm.original
        entities = []
        for words, sent_tags, sent_scores in zip(doc.sentences, tags, scores):
            sent_tags = settle_spans([doc.norm.text[a:b] for a, b in words], sent_tags)
            for first, end, label in spans_from_bio(sent_tags):
                if label not in allowed:
                    continue
                start, stop = doc.norm.to_original(words[first][0], words[end - 1][1])
                span = original[start:stop]
                score = sum(sent_scores[first:end]) / (end - first)
                entities.append(Entity(start, stop, label, span, round(float(score), 4), parse_value(label, span)))
        return entities


def chunk_bounds(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of ``text`` of at most about ``size`` characters.

    Each cut is right after a line break (a sentence boundary for the splitter, so
    nothing changes), else after a sentence's end mark and its space, else (one
    enormous word) wherever the size is reached.
    """
    size = size or CHUNK_CHARS
    bounds, start, n = [], 0, len(text)
    while n - start > size:
        end = start + size
        cut = text.rfind("\n", start + size // 2, end)
        if cut != -1:
            cut += 1
            while cut < n and text[cut] == "\n":
                cut += 1
        else:
            cut = last_sentence_end(text, start + size // 2, end)
            cut = cut if cut != -1 else end
        bounds.append((start, cut))
        start = cut
    bounds.append((start, n))
    return bounds
