"""The bundled model's published PEYMA test scores are what `farsiner evaluate` gives."""

import json
import re

import pytest

from farsiner.cli import main
from farsiner.infer.tagger import bundled_model_path


def card_f1(pattern: str) -> float:
    card = (bundled_model_path() / "README.md").read_text(encoding="utf-8")
    return float(re.search(pattern, card).group(1))


@pytest.mark.slow
def test_model_card_scores_are_reproduced(shared_data, tmp_path):
    test = shared_data / "peyma" / "split" / "test.txt"
    assert main(["evaluate", "--model", str(bundled_model_path()), "--data", str(test),
                 "--types", "PER,ORG,LOC,DAT,TIM,MON,PCT", "--out", str(tmp_path / "seven")]) == 0
    seven = json.loads((tmp_path / "seven" / "test.json").read_text())["strict"]["micro avg"]["f1"]
    assert 100 * seven == pytest.approx(card_f1(r"PEYMA's seven types: \*\*micro F1 ([\d.]+)\*\*"), abs=0.006)
    assert main(["evaluate", "--model", str(bundled_model_path()), "--data", str(test),
                 "--qty-gold", "peyma-test", "--out", str(tmp_path / "eight")]) == 0
    eight = json.loads((tmp_path / "eight" / "test.json").read_text())["strict"]
    assert 100 * eight["micro avg"]["f1"] == pytest.approx(card_f1(r"All eight types.*?micro F1 ([\d.]+)"), abs=0.006)
    assert 100 * eight["QTY"]["f1"] == pytest.approx(card_f1(r"QTY F1 ([\d.]+)"), abs=0.006)


@pytest.mark.slow
def test_model_card_economic_score_is_reproduced(shared_data, tmp_path):
    from pathlib import Path

    test = Path(__file__).resolve().parents[1] / "data" / "annotations" / "eghtesadonline" / "test.jsonl"
    assert main(["evaluate", "--model", str(bundled_model_path()), "--data", str(test), "--format", "eghtesadonline",
                 "--out", str(tmp_path / "news")]) == 0
    result = json.loads((tmp_path / "news" / "test.json").read_text())["strict"]
    assert 100 * result["micro avg"]["f1"] == pytest.approx(card_f1(r"Economic test split, eight types: \*\*micro F1 ([\d.]+)\*\*"), abs=0.006)
    assert (tmp_path / "news" / "test-errors.jsonl").is_file()
