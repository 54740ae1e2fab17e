"""Running a token-classification model over windows, and decoding word tags from the pieces' label probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import torch

# Stands for log(0) in the decoder: finite, so sums stay comparable.
IMPOSSIBLE = -1e9


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int, labels: Sequence[Sequence[int]] | None = None) -> dict:
    """Dynamic padding: to the longest sequence of the batch, not the model's limit."""
    width = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for i, s in enumerate(sequences):
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, : len(s)] = 1
    batch = {"input_ids": ids, "attention_mask": mask}
    if labels is not None:
        lab = torch.full((len(sequences), width), -100, dtype=torch.long)
        for i, s in enumerate(labels):
            lab[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        batch["labels"] = lab
    return batch


@torch.inference_mode()
def predict_pieces(model, sequences: Sequence[Sequence[int]], batch_size: int, pad_id: int, device=None) -> list[np.ndarray]:
    """Log-probabilities of the labels (pieces × labels, float32) for every sequence, in input order.

    Sequences run in batches sorted by length, so padding stays small.
    """
    device = device or next(model.parameters()).device
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]), reverse=True)
    out: list = [None] * len(sequences)
    was_training = model.training
    model.eval()
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        batch = pad_batch([sequences[i] for i in idx], pad_id)
        batch = {k: v.to(device) for k, v in batch.items()}
        log_probs = torch.log_softmax(model(**batch).logits.float(), dim=-1).cpu().numpy()
        for row, i in enumerate(idx):
            out[i] = log_probs[row, : len(sequences[i])]
    model.train(was_training)
    return out


@lru_cache(maxsize=8)
def _bio_constraints(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Log-weights of a first tag and of tag-to-tag steps: 0 where IOB2 allows it, IMPOSSIBLE where not."""
    inside = np.array([lab.startswith("I-") for lab in labels])
    first = np.where(inside, IMPOSSIBLE, 0.0)
    # I-X may only follow B-X or I-X
    step = np.zeros((len(labels), len(labels)))
    for j, lab in enumerate(labels):
        if inside[j]:
            step[:, j] = [0.0 if prev[2:] == lab[2:] and prev != "O" else IMPOSSIBLE for prev in labels]
    return first, step


def decode_tags(word_log_probs: np.ndarray, id2label: dict[int, str]) -> tuple[list[str], list[float]]:
    """The most probable valid IOB2 tag sequence of a sentence (Viterbi), and each word's probability of its tag.

    Taking each word's best label and mending the invalid ``I-`` tags decides one
    word at a time; the constrained path weighs the whole sentence, which gained
    about one point of strict F1 on PEYMA dev and test (81.7 → 82.8, 85.2 → 86.2).
    """
    n = len(word_log_probs)
    if n == 0:
        return [], []
    labels = tuple(id2label[i] for i in range(len(id2label)))
    first, step = _bio_constraints(labels)
    score = first + word_log_probs[0]
    back = np.zeros((n, len(labels)), dtype=np.int64)
    for t in range(1, n):
        candidates = score[:, None] + step
        back[t] = candidates.argmax(0)
        score = candidates.max(0) + word_log_probs[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    path.reverse()
    probs = np.exp(word_log_probs[np.arange(n), path])
    return [labels[k] for k in path], probs.tolist()


def certain_outside(id2label) -> np.ndarray:
    """The log-probabilities of a word no piece speaks for (the tokenizer dropped it): surely ``O``."""
    row = np.full(len(id2label), IMPOSSIBLE, dtype=np.float32)
    row[next((i for i, lab in id2label.items() if lab == "O"), 0)] = 0.0
    return row


def word_labels(word_ids: Sequence[Sequence[int]], piece_log_probs: Sequence[np.ndarray], owners: Sequence[int], n_words: Sequence[int], id2label):
    """Per sentence, the tag and probability of each word, decoded from its first piece's label probabilities.

    ``owners[w]`` is the sentence of window ``w``; ``word_ids`` use -1 for special
    tokens. A word cut across windows is read in the first window that has it.
    """
    rows: list[list] = [[None] * n for n in n_words]
    for wids, log_probs, owner in zip(word_ids, piece_log_probs, owners):
        for w, row in zip(wids, log_probs):
            if w >= 0 and rows[owner][w] is None:
                rows[owner][w] = row
    return decode_sentences(rows, id2label)


def decode_sentences(rows: list[list], id2label) -> tuple[list[list[str]], list[list[float]]]:
    """`decode_tags` for each sentence's word rows (None: a word without pieces)."""
    outside = certain_outside(id2label)
    tags, scores = [], []
    for sentence in rows:
        matrix = np.stack([outside if r is None else r for r in sentence]) if sentence else np.zeros((0, len(id2label)))
        t, s = decode_tags(matrix, id2label)
        tags.append(t)
        scores.append(s)
    return tags, scores


class TorchRunner:
    """The PyTorch backend of the Tagger: `predict_pieces` on a loaded model."""

    def __init__(self, model):
        self.model = model

    def __call__(self, sequences, batch_size: int, pad_id: int) -> list[np.ndarray]:
        return predict_pieces(self.model, sequences, batch_size, pad_id)
