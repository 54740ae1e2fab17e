"""Words with labels → sub-word ids with labels, in windows the model can take."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

IGNORE = -100  # the label id PyTorch's cross-entropy skips


@dataclass
class Window:
    """One model input: sub-word ids with special tokens, and per piece the word it belongs to."""

    input_ids: list[int]
    word_ids: list[int | None]  # index into the sentence's words; None for special tokens
    labels: list[int] | None = None


def model_max_tokens(config) -> int:
    """The longest input a model takes, from its config, never from its tokenizer.

    ParsBERT's tokenizer has no ``model_max_length``; RoBERTa-style models
    reserve ``pad_token_id + 1`` positions.
    """
    limit = getattr(config, "max_position_embeddings", None) or 512
    if getattr(config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
        limit -= (getattr(config, "pad_token_id", 1) or 1) + 1
    return limit


def special_tokens(tokenizer) -> tuple[list[int], list[int]]:
    """The ids a tokenizer puts before and after a single sequence (``[CLS]``, ``[SEP]``)."""
    enc = tokenizer("a", add_special_tokens=True, return_special_tokens_mask=True)
    ids, mask = enc["input_ids"], enc["special_tokens_mask"]
    first = mask.index(0) if 0 in mask else len(ids)
    last = len(mask) - mask[::-1].index(0) if 0 in mask else len(ids)
    return ids[:first], ids[last:]


def window_bounds(word_ids: Sequence[int | None], budget: int, stride: int = 0) -> list[tuple[int, int]]:
    """Split pieces into windows of at most ``budget`` pieces, cutting between words.

    Consecutive windows overlap by about ``stride`` pieces (whole words). A
    single word longer than ``budget`` is cut inside it, the only cut that can
    fall inside a word. Nothing is ever dropped.
    """
    n = len(word_ids)
    if budget < 1:
        raise ValueError(f"window budget must be positive, not {budget}")
    if not 0 <= stride < budget:
        raise ValueError(f"stride must be in 0..{budget - 1}, not {stride}")
    # word starts: the piece positions where a new word begins
    starts = [i for i in range(n) if i == 0 or word_ids[i] != word_ids[i - 1]]
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < n:
        end = min(start + budget, n)
        if end < n:
            k = bisect.bisect_right(starts, end) - 1  # the last word start at or before `end`
            if starts[k] > start:
                end = starts[k]
        bounds.append((start, end))
        if end >= n:
            break
        nxt = end
        if stride:
            k = bisect.bisect_left(starts, max(end - stride, start + 1))
            if k < len(starts) and starts[k] < end:  # none there: the window ended inside a long last word
                nxt = starts[k]
        start = nxt
    return bounds


def align_labels(
    words: Sequence[str],
    labels: Sequence[int] | None,
    tokenizer,
    max_length: int,
    *,
    label_all_pieces: bool = False,
    b_to_i: dict[int, int] | None = None,
    stride: int = 0,
) -> list[Window]:
    """Tokenise ``words`` into windows of at most ``max_length`` ids, labels on sub-words.

    The first piece of a word carries its label and the others ``-100``; with
    ``label_all_pieces`` every piece carries it, a ``B-`` turned into its ``I-``
    (``b_to_i`` maps the ids). Words that contain spaces stay one word (the
    tokenizer's ``word_ids`` say so); a word the tokenizer reduces to nothing
    (a lone ZWNJ for ParsBERT) has no piece and so no label. Sequences longer
    than the model takes are split into windows, never cut.
    """
    if labels is not None and len(labels) != len(words):
        raise ValueError(f"{len(words)} words but {len(labels)} labels")
    prefix, suffix = special_tokens(tokenizer)
    budget = max_length - len(prefix) - len(suffix)
    if not words:
        return [Window(prefix + suffix, [None] * (len(prefix) + len(suffix)), [IGNORE] * (len(prefix) + len(suffix)) if labels is not None else None)]
    enc = tokenizer(list(words), is_split_into_words=True, add_special_tokens=False, verbose=False)
    ids, word_ids = enc["input_ids"], enc.word_ids()
    windows = []
    for start, end in window_bounds(word_ids, budget, stride):
        piece_words = word_ids[start:end]
        win_labels = None
        if labels is not None:
            win_labels = []
            for k, w in enumerate(piece_words):
                first = start + k == 0 or word_ids[start + k - 1] != w
                if first:
                    win_labels.append(labels[w])
                elif label_all_pieces:
                    win_labels.append((b_to_i or {}).get(labels[w], labels[w]))
                else:
                    win_labels.append(IGNORE)
            win_labels = [IGNORE] * len(prefix) + win_labels + [IGNORE] * len(suffix)
        windows.append(
            Window(
                prefix + ids[start:end] + suffix,
                [None] * len(prefix) + list(piece_words) + [None] * len(suffix),
                win_labels,
            )
        )
    return windows
