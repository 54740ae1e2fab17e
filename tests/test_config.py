import textwrap
from pathlib import Path

import pytest

from farsiner.train.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path, text):
    path = tmp_path / "run.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """\
model:
  name_or_path: some/model
data:
  sources:
    - {format: conll, path: CORPUS, split: train}
train:
  output_dir: out
  learning_rate: 5e-5
"""


@pytest.fixture
def corpus(tmp_path):
    f = tmp_path / "train.conll"
    f.write_text("بانک\tB-ORG\n", encoding="utf-8")
    return f


def test_good_config_and_defaults(tmp_path, corpus):
    cfg = load_config(write(tmp_path, GOOD.replace("CORPUS", str(corpus))))
    assert cfg.train.learning_rate == 5e-5 and cfg.train.batch_size == 16
    assert cfg.data.types == ["PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT", "QTY"]
    assert cfg.data.sources[0].path == str(corpus)


def test_overrides(tmp_path, corpus):
    cfg = load_config(
        write(tmp_path, GOOD.replace("CORPUS", str(corpus))),
        ["train.learning_rate=3e-5", "train.epochs=2", "data.silver_qty=true", "data.sources.0.limit=5", "model.zwnj=space"],
    )
    assert (cfg.train.learning_rate, cfg.train.epochs, cfg.data.silver_qty) == (3e-5, 2.0, True)
    assert cfg.data.sources[0].limit == 5 and cfg.model.zwnj == "space"


@pytest.mark.parametrize(
    "change, message",
    [
        (("  learning_rate: 5e-5", "  learning_rat: 5e-5"), r"run.yaml:8: unknown key 'train.learning_rat'"),
        (("  learning_rate: 5e-5", "  learning_rate: fast"), r"run.yaml:8: train.learning_rate must be a number"),
        (("  output_dir: out", "  output_dir: out\n  batch_size: 8.5"), r"run.yaml:8: train.batch_size must be an integer"),
        (("split: train", "split: training"), r"run.yaml:5: data.sources.0.split must be one of train, dev, test"),
        (("format: conll", "format: excel"), r"run.yaml:5: data.sources.0.format must be one of"),
        (("  name_or_path: some/model", "  zwnj: keep"), r"run.yaml:1: missing key 'model.name_or_path'"),
        (("split: train", "split: dev"), r"no source feeds the train split"),
    ],
)
def test_errors_name_file_and_line(tmp_path, corpus, change, message):
    text = GOOD.replace("CORPUS", str(corpus)).replace(*change)
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))


def test_missing_data_file(tmp_path):
    with pytest.raises(ConfigError, match=r"run.yaml:5: no such file or folder: .*nowhere.conll"):
        load_config(write(tmp_path, GOOD.replace("CORPUS", str(tmp_path / "nowhere.conll"))))


def test_bad_override_and_missing_config(tmp_path, corpus):
    with pytest.raises(ConfigError, match="expected section.key=value"):
        load_config(write(tmp_path, GOOD.replace("CORPUS", str(corpus))), ["train.epochs"])
    with pytest.raises(ConfigError, match="No such file"):
        load_config(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        load_config(bad)


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "configs").glob("*.yaml")))
def test_shipped_configs_validate(name, shared_data, monkeypatch):
    monkeypatch.chdir(REPO)
    cfg = load_config(REPO / "configs" / name)
    assert cfg.data.sources


def test_cli_reports_config_errors(tmp_path, capsys):
    from farsiner.cli import main

    path = write(tmp_path, "model: {}\n")
    assert main(["train", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "run.yaml" in err and "Traceback" not in err
