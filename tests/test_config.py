from pathlib import Path

import pytest

from conftest import write_config

from farsiner.train.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[1]


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
    cfg = load_config(write_config(tmp_path, GOOD.replace("CORPUS", str(corpus))))
    assert cfg.train.learning_rate == 5e-5 and cfg.train.batch_size == 16
    assert cfg.data.types == ["PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT", "QTY"]
    assert cfg.data.sources[0].path == str(corpus)


def test_overrides(tmp_path, corpus):
    cfg = load_config(
        write_config(tmp_path, GOOD.replace("CORPUS", str(corpus))),
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
        load_config(write_config(tmp_path, text))


def test_missing_data_file(tmp_path):
    with pytest.raises(ConfigError, match=r"run.yaml:5: no such file or folder: .*nowhere.conll"):
        load_config(write_config(tmp_path, GOOD.replace("CORPUS", str(tmp_path / "nowhere.conll"))))


def test_bad_override_and_missing_config(tmp_path, corpus):
    with pytest.raises(ConfigError, match="expected section.key=value"):
        load_config(write_config(tmp_path, GOOD.replace("CORPUS", str(corpus))), ["train.epochs"])
    with pytest.raises(ConfigError, match="No such file"):
        load_config(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        load_config(bad)


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "configs").glob("*.yaml")))
def test_shipped_configs_validate(name, shared_data, monkeypatch):
    monkeypatch.chdir(REPO)
    import yaml

    from farsiner.train.config import DistillRunConfig, RunConfig

    raw = yaml.safe_load((REPO / "configs" / name).read_text(encoding="utf-8"))
    base = raw["model"]["name_or_path"]
    # a base folder that `farsiner base-model` (or a run in runs/) builds may not be here yet: any model folder stands in
    from farsiner.infer.tagger import bundled_model_path

    stand_in = str(bundled_model_path())
    overrides = [] if (REPO / base).exists() or not base.startswith((".", "runs/")) else [f"model.name_or_path={stand_in}"]
    if "distill" in raw:  # a student's config: its teachers are trained first
        teachers = [t if (REPO / t).exists() or not t.startswith((".", "runs/")) else stand_in for t in raw["distill"]["teachers"]]
        overrides.append(f"distill.teachers=[{','.join(teachers)}]")
    cfg = load_config(REPO / "configs" / name, overrides, schema=DistillRunConfig if "distill" in raw else RunConfig)
    assert cfg.data.sources


def test_missing_local_model_folder_names_the_line(tmp_path, corpus):
    text = GOOD.replace("CORPUS", str(corpus)).replace("name_or_path: some/model", "name_or_path: ./no/such/base")
    with pytest.raises(ConfigError, match=r"run.yaml:2: no such folder: .*no/such/base"):
        load_config(write_config(tmp_path, text))
    text = GOOD.replace("CORPUS", str(corpus)).replace("  name_or_path: some/model", "  name_or_path: some/model\n  tokenizer: /no/tokenizer/here")
    with pytest.raises(ConfigError, match=r"run.yaml:3: no such folder: /no/tokenizer/here"):
        load_config(write_config(tmp_path, text))


def test_duplicate_keys_are_errors(tmp_path, corpus):
    text = GOOD.replace("CORPUS", str(corpus)) + "  learning_rate: 1e-4\n"
    with pytest.raises(ConfigError, match=r"run.yaml:9: 'train.learning_rate' is given twice \(first at line 8\)"):
        load_config(write_config(tmp_path, text))


@pytest.mark.parametrize("override, message", [
    ("train.epochs=abc", "override 'train.epochs=abc': train.epochs must be a number"),
    ("train.epochs=-1", "override 'train.epochs=-1': train.epochs must be positive"),
    ("train.batch_size=0", "override 'train.batch_size=0': train.batch_size must be at least 1"),
    ("train.epochs=[1", "override 'train.epochs=\\[1': not a YAML value"),
])
def test_bad_overrides_name_the_override(tmp_path, corpus, override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path, GOOD.replace("CORPUS", str(corpus))), [override])


@pytest.mark.parametrize("line, message", [
    ("  epochs: -1", r"run.yaml:9: train.epochs must be positive, not -1"),
    ("  warmup_ratio: 2", r"run.yaml:9: train.warmup_ratio must be in 0..1"),
    ("  max_steps: 0", r"run.yaml:9: train.max_steps must be at least 1"),
])
def test_out_of_range_values_name_the_line(tmp_path, corpus, line, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path, GOOD.replace("CORPUS", str(corpus)) + line + "\n"))


def test_repeat_is_for_train_sources(tmp_path, corpus):
    text = GOOD.replace("CORPUS", str(corpus)).replace("split: train}", "split: train, repeat: 3}")
    assert load_config(write_config(tmp_path, text)).data.sources[0].repeat == 3
    text = GOOD.replace("CORPUS", str(corpus)).replace("split: train}", "split: train}\n    - {format: conll, path: %s, split: dev, repeat: 2}" % corpus)
    with pytest.raises(ConfigError, match="repeat is a positive count, for train sources only"):
        load_config(write_config(tmp_path, text))


def test_cli_reports_config_errors(tmp_path, capsys):
    from farsiner.cli import main

    path = write_config(tmp_path, "model: {}\n")
    assert main(["train", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "run.yaml" in err and "Traceback" not in err
