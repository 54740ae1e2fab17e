"""Precision and recall of the silver QTY labeller against the hand-annotated PEYMA test set.

    python benchmarks/silver_qty.py [--split ../shared/data/peyma/split/test.txt]
                                    [--gold data/annotations/peyma_test_qty.jsonl]

Scored on exactly the sentences the gold file lists (they were annotated in
full, including those with no QTY), by exact match of character start/end.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from farsiner.data.annotations import read_span_annotations
from farsiner.data.labels import spans_from_bio
from farsiner.data.readers.peyma import read_peyma_split
from farsiner.data.quantities.silver import add_silver_qty

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SPLIT = REPO.parent / "shared" / "data" / "peyma" / "split" / "test.txt"
DEFAULT_GOLD = REPO / "data" / "annotations" / "peyma_test_qty.jsonl"


def score_silver_qty(split_path: str | Path = DEFAULT_SPLIT, gold_path: str | Path = DEFAULT_GOLD) -> dict:
    """``{"precision", "recall", "tp", "false_positives", "false_negatives"}`` of the silver QTY spans.

    False positives/negatives are ``(sentence id, start, end, text)``.
    """
    gold = read_span_annotations(gold_path)
    sentences = [s for s in read_peyma_split(split_path) if s.id in gold]
    missing = set(gold) - {s.id for s in sentences}
    if missing:
        raise ValueError(f"{len(missing)} gold sentence ids are not in {split_path}, e.g. {sorted(missing)[:3]}")
    fps, fns, tp = [], [], 0
    for s in add_silver_qty(sentences):
        offsets = s.token_offsets
        found = {(offsets[a][0], offsets[b - 1][1]) for a, b, label in spans_from_bio(s.tags) if label == "QTY"}
        wanted = {(a, b) for a, b, label in gold[s.id] if label == "QTY"}
        tp += len(found & wanted)
        fps += [(s.id, a, b, s.text[a:b]) for a, b in sorted(found - wanted)]
        fns += [(s.id, a, b, s.text[a:b]) for a, b in sorted(wanted - found)]
    n_found, n_wanted = tp + len(fps), tp + len(fns)
    return {
        "precision": tp / n_found if n_found else 1.0,
        "recall": tp / n_wanted if n_wanted else 1.0,
        "tp": tp,
        "false_positives": fps,
        "false_negatives": fns,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default=DEFAULT_SPLIT, help="the PEYMA split file (token|TAG lines)")
    parser.add_argument("--gold", default=DEFAULT_GOLD, help="the hand-annotated QTY spans (JSON lines)")
    args = parser.parse_args()
    r = score_silver_qty(args.split, args.gold)
    print(f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
          f"(tp {r['tp']}, fp {len(r['false_positives'])}, fn {len(r['false_negatives'])})")
    for title, rows in (("false positives", r["false_positives"]), ("false negatives", r["false_negatives"])):
        print(f"\n{title}:")
        for sid, a, b, text in rows:
            print(f"  {sid} [{a}:{b}] {text}")


if __name__ == "__main__":
    main()
