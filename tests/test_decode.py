"""Decoding word tags from label probabilities (the most probable valid IOB2 path), and character spans onto tokens."""

import numpy as np

from farsiner.data.labels import bio_labels
from farsiner.infer.predict import decode_tags, word_labels

LABELS = bio_labels(("PER", "ORG"))  # O B-PER I-PER B-ORG I-ORG
ID2LABEL = dict(enumerate(LABELS))


def rows(*dists):
    """Log-probabilities from {label: probability} dicts (the rest share what is left)."""
    out = []
    for d in dists:
        p = np.full(len(LABELS), (1.0 - sum(d.values())) / (len(LABELS) - len(d)))
        for lab, v in d.items():
            p[LABELS.index(lab)] = v
        out.append(np.log(p))
    return np.array(out)


def test_argmax_path_when_it_is_valid():
    tags, probs = decode_tags(rows({"B-PER": 0.9}, {"I-PER": 0.8}, {"O": 0.95}), ID2LABEL)
    assert tags == ["B-PER", "I-PER", "O"]
    assert np.allclose(probs, [0.9, 0.8, 0.95])


def test_an_inside_tag_never_starts_an_entity():
    # word-by-word argmax would give I-ORG I-ORG, which continues nothing
    tags, _ = decode_tags(rows({"I-ORG": 0.5, "B-ORG": 0.4}, {"I-ORG": 0.9}), ID2LABEL)
    assert tags == ["B-ORG", "I-ORG"]


def test_the_sentence_decides_the_type():
    # B-PER wins the first word alone, but the second word is strongly I-ORG: B-ORG I-ORG is more probable
    tags, _ = decode_tags(rows({"B-PER": 0.5, "B-ORG": 0.45}, {"I-ORG": 0.9, "I-PER": 0.02}), ID2LABEL)
    assert tags == ["B-ORG", "I-ORG"]


def test_inside_after_outside_is_never_chosen():
    tags, _ = decode_tags(rows({"O": 0.9}, {"I-PER": 0.6, "O": 0.3}), ID2LABEL)
    assert tags in (["O", "O"], ["B-PER", "I-PER"])
    assert tags == ["O", "O"]  # 0.9 * 0.3 > P(B-PER) * 0.6 = 0.025 * 0.6


def test_empty_sentence():
    assert decode_tags(np.zeros((0, len(LABELS))), ID2LABEL) == ([], [])


def test_word_labels_reads_first_pieces_and_fills_wordless_words_with_o():
    # one window of sentence 0: [CLS] w0 w0' w1 [SEP]; word 2 has no piece
    pieces = rows({"O": 0.9}, {"B-PER": 0.9}, {"O": 0.9}, {"I-PER": 0.9}, {"O": 0.9})
    tags, probs = word_labels([[-1, 0, 0, 1, -1]], [pieces], [0], [3], ID2LABEL)
    assert tags == [["B-PER", "I-PER", "O"]]
    assert probs[0][2] == 1.0


def test_character_spans_onto_tokens():
    from farsiner.train.evaluate import tags_from_char_spans

    # tokens "بانک" "ملی" "ایران" "گفت" at these offsets
    offsets = [(0, 4), (5, 8), (9, 14), (15, 18)]
    spans = [(0, 14, "ORG"), (6, 8, "LOC"), (16, 17, "PER")]  # the LOC shares a token with the ORG: dropped
    assert tags_from_char_spans(offsets, spans) == ["B-ORG", "I-ORG", "I-ORG", "B-PER"]
    assert tags_from_char_spans(offsets, []) == ["O"] * 4
