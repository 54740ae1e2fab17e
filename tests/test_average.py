"""`farsiner average`: the weight average of two model folders."""

import pytest
import torch
from conftest import save_tiny_tagger

from farsiner.cli import main
from farsiner.infer.model_folder import load_model_folder


def test_average_of_two_folders(tmp_path, parsbert_tokenizer, capsys):
    torch.manual_seed(1)
    a = save_tiny_tagger(tmp_path / "a", parsbert_tokenizer)
    torch.manual_seed(2)
    b = save_tiny_tagger(tmp_path / "b", parsbert_tokenizer)
    assert main(["average", "--models", str(a), str(b), "--weights", "0.25", "0.75", "--out", str(tmp_path / "avg")]) == 0
    (ma, _, _), (mb, _, _), (mavg, _, settings) = (load_model_folder(p) for p in (a, b, tmp_path / "avg"))
    for name, value in mavg.state_dict().items():
        assert torch.allclose(value, 0.25 * ma.state_dict()[name] + 0.75 * mb.state_dict()[name], atol=1e-6), name
    assert settings.types == load_model_folder(a)[2].types
    assert main(["average", "--models", str(a), str(b), "--weights", "0.5", "0.6", "--out", str(tmp_path / "bad")]) == 2
    assert "add up to 1" in capsys.readouterr().err and not (tmp_path / "bad").exists()
    with pytest.raises(ValueError, match="at least two"):
        from farsiner.train.average import average_models

        average_models([a], None, tmp_path / "one")
