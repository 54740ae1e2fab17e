"""`farsiner distill`: a student trained on its teachers' soft labels, in train/loop.py's loop.

The loop reads the config's splits as `farsiner train` does; its train split must
be the one `farsiner soft-labels` labelled (the shards' hashes of words and gold
tags say so, shard by shard). On each word's first piece the loss is

    alpha · T² · KL(teacher_T ‖ student_T)  +  (1 − alpha) · CE(gold)

teacher_T: the stored top-k distribution renormalised over its k labels at
temperature T; student_T: the student's softmax at T over all labels, read at
those k (mass it puts on other labels counts against it). The cross-entropy is
taken only where a sentence has gold, never on unannotated text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from farsiner.data.align import IGNORE
from farsiner.train.soft_labels import is_unlabeled, read_meta, sentences_digest, teachers_fingerprint


def distill(config, resume: bool = False, stop_after_step: int | None = None) -> Path:
    """Train the student a `DistillRunConfig` describes; returns its model folder (``<output_dir>/model``)."""
    from farsiner.train.loop import train

    return train(config, resume=resume, stop_after_step=stop_after_step, distill=Distillation(config))


class Distillation:
    """What distillation changes in the training loop: the student, the soft targets of a batch, the loss."""

    def __init__(self, config):
        from farsiner.data.labels import check_label_order

        self.settings = d = config.distill
        self.folder = Path(d.soft_labels)
        self.meta = meta = read_meta(self.folder)
        where = f"soft labels in {self.folder}"
        check_label_order(meta["labels"], config.data.types, where)
        if d.top_k > meta["top_k"]:
            raise ValueError(f"{where} keep {meta['top_k']} labels a word: distill.top_k cannot be {d.top_k}")
        if teachers_fingerprint(d.teachers, meta["top_k"], meta["labels"]) != meta["teachers_fingerprint"]:
            raise ValueError(f"{where} were made by other teachers ({', '.join(meta['teachers'])}) or other weights of them: run farsiner soft-labels again")
        stored = meta["normalisation"]
        if (stored["zwnj"], stored["digits"]) != (config.model.zwnj, config.model.digits):
            raise ValueError(f"{where} were made from text normalised with zwnj {stored['zwnj']!r}, digits {stored['digits']!r}: set model.zwnj and model.digits so")
        self.ids: list[np.ndarray] = []
        self.log_probs: list[np.ndarray] = []
        self.has_gold: list[bool] = []

    def load_student(self, config, labels):
        """model.name_or_path with only the encoder layers distill.student_layers names."""
        from farsiner.train.loop import _load_model

        tokenizer, model = _load_model(config, labels)
        if self.settings.student_layers is not None:
            keep_encoder_layers(model, self.settings.student_layers)
        return tokenizer, model

    def attach(self, sentences) -> None:
        """Read the shards' top-k labels for the loop's (normalised) train split, after checking it is the one they were made from."""
        import pyarrow.parquet as pq

        if len(sentences) != self.meta["sentences"]:
            raise ValueError(f"the train split has {len(sentences)} sentences but the soft labels in {self.folder} were made "
                             f"for {self.meta['sentences']}: the train sources changed; run farsiner soft-labels again")
        start = 0
        for shard in self.meta["shards"]:
            chunk = sentences[start : start + shard["sentences"]]
            if sentences_digest(chunk) != shard["digest"]:
                raise ValueError(f"{self.folder / shard['file']} was made from other sentences than the train split's "
                                 f"{start}..{start + len(chunk) - 1}: the train sources changed; run farsiner soft-labels again")
            table = pq.read_table(self.folder / shard["file"], columns=["top_ids", "top_log_probs"])
            ids, offsets = _per_word(table.column("top_ids"))
            log_probs, _ = _per_word(table.column("top_log_probs"))
            for k, s in enumerate(chunk):
                a, b = offsets[k], offsets[k + 1]
                if b - a != len(s.tokens):
                    raise ValueError(f"{self.folder / shard['file']}: sentence {s.id} has {len(s.tokens)} words but {b - a} rows of soft labels")
                self.ids.append(ids[a:b])
                self.log_probs.append(log_probs[a:b])
                self.has_gold.append(not is_unlabeled(s))
            start += len(chunk)

    def targets(self, rows) -> dict:
        """A batch's soft targets, on each word's first piece (where the gold label is): ids (-1 elsewhere), log-probabilities, and which rows have gold."""
        k = self.settings.top_k
        width = max(len(x) for x in rows["input_ids"])
        ids = torch.full((len(rows["input_ids"]), width, k), -1, dtype=torch.long)
        log_probs = torch.zeros((len(rows["input_ids"]), width, k))
        for i, (s, wids, labels) in enumerate(zip(rows["sentence"], rows["word_ids"], rows["labels"])):
            pos = [p for p, lab in enumerate(labels) if lab != IGNORE]
            if pos:
                words = [wids[p] for p in pos]
                ids[i, pos] = torch.from_numpy(self.ids[s][words, :k].astype(np.int64))
                log_probs[i, pos] = torch.from_numpy(self.log_probs[s][words, :k].astype(np.float32))
        gold = torch.tensor([self.has_gold[s] for s in rows["sentence"]], dtype=torch.bool)
        return {"ids": ids, "log_probs": log_probs, "gold": gold}

    def loss(self, logits, target, soft: dict, gold_loss):
        """alpha · T² · KL over the stored top-k + (1 − alpha) · ``gold_loss`` on the rows with gold."""
        T, alpha = self.settings.temperature, self.settings.alpha
        logits = logits.float()
        total = logits.sum() * 0.0  # keeps the graph when a term is empty
        pieces = soft["ids"][..., 0] >= 0
        if alpha > 0 and bool(pieces.any()):
            ids = soft["ids"][pieces]
            # a label the teacher found impossible is stored as -inf in float16
            teacher = torch.log_softmax(soft["log_probs"][pieces].clamp(min=-1e4) / T, dim=-1)
            student = torch.log_softmax(logits[pieces] / T, dim=-1).gather(-1, ids)
            total = total + alpha * T * T * (teacher.exp() * (teacher - student)).sum(-1).mean()
        if alpha < 1:
            gold = target.masked_fill(~soft["gold"][:, None], IGNORE)
            if bool((gold != IGNORE).any()):
                total = total + (1 - alpha) * gold_loss(logits.view(-1, logits.shape[-1]), gold.view(-1))
        return total


def keep_encoder_layers(model, keep: list[int]) -> None:
    """Keep only the encoder layers ``keep`` of a BERT-style model (``model.<base>.encoder.layer``), in that order."""
    base = getattr(model, model.base_model_prefix, None)
    layers = getattr(getattr(base, "encoder", None), "layer", None)
    if not isinstance(layers, torch.nn.ModuleList):
        raise ValueError(f"distill.student_layers: {type(model).__name__} has no BERT-style encoder layers (model.{model.base_model_prefix}.encoder.layer)")
    if not keep or keep[-1] >= len(layers):
        raise ValueError(f"distill.student_layers: the model has {len(layers)} layers (0..{len(layers) - 1}), not {keep}")
    base.encoder.layer = torch.nn.ModuleList([layers[i] for i in keep])
    model.config.num_hidden_layers = len(keep)


def _per_word(column) -> tuple[np.ndarray, np.ndarray]:
    """A list<fixed_size_list> column as (all words × k, sentence offsets into it)."""
    arr = column.combine_chunks()
    k = arr.type.value_type.list_size
    values = arr.values.flatten().to_numpy(zero_copy_only=False)
    return values.reshape(-1, k), arr.offsets.to_numpy()
