"""Running a token-classification model over windows, and reading word labels off the pieces."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from farsiner.data.labels import repair_bio


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
def predict_pieces(model, sequences: Sequence[Sequence[int]], batch_size: int, pad_id: int, device=None):
    """Label ids and their probabilities for every piece of every sequence, in input order.

    Sequences run in batches sorted by length, so padding stays small.
    """
    device = device or next(model.parameters()).device
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]), reverse=True)
    labels: list = [None] * len(sequences)
    probs: list = [None] * len(sequences)
    was_training = model.training
    model.eval()
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        batch = pad_batch([sequences[i] for i in idx], pad_id)
        batch = {k: v.to(device) for k, v in batch.items()}
        logits = model(**batch).logits.float()
        p, lab = torch.softmax(logits, dim=-1).max(dim=-1)
        p, lab = p.cpu(), lab.cpu()
        for row, i in enumerate(idx):
            n = len(sequences[i])
            labels[i] = lab[row, :n].tolist()
            probs[i] = p[row, :n].tolist()
    model.train(was_training)
    return labels, probs


def word_labels(word_ids: Sequence[Sequence[int]], piece_labels, piece_probs, owners: Sequence[int], n_words: Sequence[int], id2label):
    """Per sentence, the label and probability of each word: those of its first piece.

    ``owners[w]`` is the sentence of window ``w``; ``word_ids`` use -1 for special
    tokens. A word with no piece (the tokenizer dropped it) is ``O`` with probability 1.
    Tags are repaired to IOB2: an ``I-X`` that continues nothing starts an entity.
    """
    tags = [["O"] * n for n in n_words]
    scores = [[1.0] * n for n in n_words]
    seen = [[False] * n for n in n_words]  # a word cut across windows is decided in the first
    for wids, labs, probs, owner in zip(word_ids, piece_labels, piece_probs, owners):
        for w, lab, p in zip(wids, labs, probs):
            if w >= 0 and not seen[owner][w]:
                seen[owner][w] = True
                tags[owner][w] = id2label[lab]
                scores[owner][w] = p
    return [repair_bio(t) for t in tags], scores


class TorchRunner:
    """The PyTorch backend of the Tagger: `predict_pieces` on a loaded model."""

    def __init__(self, model):
        self.model = model

    def __call__(self, sequences, batch_size: int, pad_id: int):
        return predict_pieces(self.model, sequences, batch_size, pad_id)
