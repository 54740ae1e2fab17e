import pytest

from farsiner.data.labels import ENTITY_TYPES, bio_from_spans, bio_labels, repair_bio, spans_from_bio, split_tag


def test_label_set_is_peyma_plus_qty():
    assert ENTITY_TYPES == ("PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT", "QTY")
    labels = bio_labels()
    assert labels[0] == "O" and len(labels) == 17 and "B-QTY" in labels and "I-QTY" in labels


@pytest.mark.parametrize(
    "tags, spans",
    [
        (["O", "B-PER", "I-PER", "O"], [(1, 3, "PER")]),
        (["B-PER", "B-PER"], [(0, 1, "PER"), (1, 2, "PER")]),
        (["I-ORG", "I-ORG", "O"], [(0, 2, "ORG")]),
        (["B-ORG", "I-LOC"], [(0, 1, "ORG"), (1, 2, "LOC")]),
        (["B-MON", "I-MON", "I-MON"], [(0, 3, "MON")]),
        (["O", "O"], []),
        ([], []),
    ],
)
def test_spans_from_bio(tags, spans):
    assert spans_from_bio(tags) == spans


def test_bio_round_trip():
    tags = ["B-PER", "I-PER", "O", "B-QTY", "B-LOC"]
    assert bio_from_spans(len(tags), spans_from_bio(tags)) == tags


def test_repair_orphan_inside():
    assert repair_bio(["O", "I-ORG", "I-ORG", "I-LOC"]) == ["O", "B-ORG", "I-ORG", "B-LOC"]


def test_bad_tags_and_spans():
    with pytest.raises(ValueError):
        split_tag("X-PER")
    with pytest.raises(ValueError):
        split_tag("B-")
    with pytest.raises(ValueError, match="overlaps"):
        bio_from_spans(3, [(0, 2, "PER"), (1, 3, "ORG")])
    with pytest.raises(ValueError, match="outside"):
        bio_from_spans(2, [(1, 3, "PER")])
