"""Averaging the weights of models fine-tuned from one start (a "model soup").

Going on training the PEYMA tagger on economic news moves it towards the new domain;
averaging the two weight sets keeps much of what each knew. The models must have the
same architecture, labels and tokenizer; the first one's folder gives the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def average_models(folders: Sequence[str | Path], weights: Sequence[float] | None, out: str | Path, dtype: str = "float32") -> Path:
    import torch

    from farsiner.infer.model_folder import load_model_folder, save_model_folder

    if len(folders) < 2:
        raise ValueError("give at least two model folders to average")
    weights = list(weights) if weights else [1.0 / len(folders)] * len(folders)
    if len(weights) != len(folders) or any(w < 0 for w in weights) or abs(sum(weights) - 1) > 1e-6:
        raise ValueError(f"weights must be {len(folders)} non-negative numbers that add up to 1, not {weights}")
    first, tokenizer, settings = load_model_folder(folders[0])
    states = [first.state_dict()]
    for folder in folders[1:]:
        model, _, other = load_model_folder(folder)
        if model.config.id2label != first.config.id2label or other != settings:
            raise ValueError(f"{folder}: its labels or settings differ from {folders[0]}'s")
        state = model.state_dict()
        if state.keys() != states[0].keys() or any(state[k].shape != states[0][k].shape for k in state):
            raise ValueError(f"{folder}: its weights do not have {folders[0]}'s shapes")
        states.append(state)
    averaged = {k: sum(w * s[k].float() for w, s in zip(weights, states)) for k in states[0]}
    first.load_state_dict(averaged)
    first.to(getattr(torch, dtype))
    card = "\n".join(["# Averaged farsiner model", "", "The weight average of:", ""]
                     + [f"- {w:g} × `{Path(f).name}`" for w, f in zip(weights, folders)]) + "\n"
    return save_model_folder(first, tokenizer, settings, out, card=card, load_dtype="float32")
