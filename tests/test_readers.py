import json
import zipfile

import pytest

from farsiner.data import (
    CorpusFormatError,
    Sentence,
    label_counts,
    read_arman,
    read_conll,
    read_jsonl_spans,
    read_peyma_nsurl,
    read_peyma_split,
    to_dataset,
    write_conll,
    write_jsonl_spans,
)

# --- the real corpora -------------------------------------------------------


@pytest.fixture(scope="module")
def peyma_split(shared_data):
    folder = shared_data / "peyma" / "split"
    return {name: read_peyma_split(folder / f"{name}.txt") for name in ("train", "dev", "test")}


def test_peyma_split_counts(peyma_split):
    assert {k: len(v) for k, v in peyma_split.items()} == {"train": 8028, "dev": 925, "test": 1026}
    assert sum(len(s.tokens) for s in peyma_split["test"]) == 32176
    assert sum(len(s.tokens) for s in peyma_split["train"]) == 243546
    assert label_counts(peyma_split["test"]) == {
        "ORG": 667, "LOC": 595, "PER": 434, "DAT": 208, "PCT": 36, "MON": 26, "TIM": 16,
    }


def test_peyma_split_sentence(peyma_split):
    first = peyma_split["train"][1]
    assert first.id == "train:1"
    assert first.tokens[:4] == ["به", "گزارش", "خبرگزاری", "مهر"]
    assert first.tags[:4] == ["O", "O", "B-ORG", "I-ORG"]
    a, b, label = first.spans[0]
    assert (first.text[a:b], label) == ("خبرگزاری مهر", "ORG")


def test_peyma_tokens_with_spaces_stay_whole(peyma_split):
    assert any(" " in t for s in peyma_split["train"] for t in s.tokens)


def test_peyma_nsurl_300k_counts_equal_published(shared_data):
    sents = read_peyma_nsurl(shared_data / "peyma" / "Farsi-NER-TrainingDataFixed.zip", parts=["300K"])
    assert len(sents) == 9980
    assert sum(len(s.tokens) for s in sents) == 302528
    tagged = {}
    for s in sents:
        for t in s.tags:
            if t != "O":
                tagged[t[2:]] = tagged.get(t[2:], 0) + 1
    assert tagged == {"ORG": 16964, "LOC": 8782, "PER": 7675, "DAT": 4259, "MON": 2037, "TIM": 732, "PCT": 699}
    # CRLF line ends never leak into tokens or tags
    assert not any("\r" in t for s in sents[:500] for t in s.tokens + s.tags)


def test_peyma_nsurl_600k_repairs(shared_data):
    sents = read_peyma_nsurl(shared_data / "peyma" / "Farsi-NER-TrainingDataFixed.zip", parts=["600K"])
    assert len(sents) == 17453
    # the glued tags (`شدO`) are split off, never kept inside a token
    assert not any(t.endswith(("O", "-PER", "-ORG")) and len(t) > 1 and not t.isascii() for s in sents for t in s.tokens)
    # the orphan I- tag is repaired to valid IOB2
    for s in sents:
        for prev, tag in zip(["O"] + s.tags, s.tags):
            if tag.startswith("I-"):
                assert prev[2:] == tag[2:]
    assert any("ي" in t for s in sents[:200] for t in s.tokens)  # Arabic letters left for the normaliser


def test_arman_folds(shared_data):
    path = shared_data / "arman" / "ArmanPersoNERCorpus.zip"
    total_sents = total_tokens = 0
    for fold in (1, 2, 3):
        train, test = read_arman(path, fold=fold), read_arman(path, fold=fold, split="test")
        total_sents += len(test)
        total_tokens += sum(len(s.tokens) for s in test)
        assert {t[2:] for s in train for t in s.tags if t != "O"} == {"PER", "ORG", "LOC"}
    # the three test folds are the whole corpus once
    assert (total_sents, total_tokens) == (7681, 249996)
    kept = read_arman(path, fold=1, split="test", extra_types="keep")
    assert {t[2:] for s in kept for t in s.tags if t != "O"} == {"PER", "ORG", "LOC", "FAC", "PRO", "EVENT"}


def test_datasetdict(peyma_split):
    ds = to_dataset({"test": peyma_split["test"][:10]})
    assert ds["test"].num_rows == 10
    assert ds["test"][0]["tokens"] == peyma_split["test"][0].tokens
    assert ds["test"][0]["id"] == "test:0"


# --- malformed input --------------------------------------------------------


def test_split_line_without_bar(tmp_path):
    f = tmp_path / "train.txt"
    f.write_text("به|O\nگزارش O\n\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"train.txt:2: expected token\|TAG"):
        read_peyma_split(f)


def test_unknown_tag_names_file_and_line(tmp_path):
    f = tmp_path / "dev.txt"
    f.write_text("به|O\n\nتهران|X_LOC\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError) as err:
        read_peyma_split(f)
    assert err.value.line == 3 and err.value.path.endswith("dev.txt")


def test_not_utf8(tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes("تهران|B_LOC\n".encode("cp1256"))
    with pytest.raises(CorpusFormatError, match="not UTF-8"):
        read_peyma_split(f)


def test_orphan_inside_becomes_begin(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("بانک|I_ORG\nملی|I_ORG\nو|O\nتهران|I_LOC\n", encoding="utf-8")
    (s,) = read_peyma_split(f)
    assert s.tags == ["B-ORG", "I-ORG", "O", "B-LOC"]


def _nsurl_zip(tmp_path, files):
    path = tmp_path / "release.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))
    return path


def test_nsurl_glued_and_untagged_lines(tmp_path):
    text = "وزير\tO\nكار\tO\nگفت\tO\nشدO\nO\nاست.\n\nعلي\tB-PER\nرضايي\tI-PER\nتهرانB-LOC\n"
    path = _nsurl_zip(tmp_path, {"300K/1.txt": "ثبت نام\tO\r\nشد\tO\r\n", "600K/NER-1": text})
    s300 = read_peyma_nsurl(path, parts=["300K"])
    assert s300[0].tokens == ["ثبت نام", "شد"] and s300[0].tags == ["O", "O"]
    a, b = read_peyma_nsurl(path, parts=["600K"])
    assert a.tokens == ["وزير", "كار", "گفت", "شد", "است."] and a.tags == ["O"] * 5
    assert b.tokens == ["علي", "رضايي", "تهران"] and b.tags == ["B-PER", "I-PER", "B-LOC"]
    assert b.id == "600K/NER-1:1"


def test_nsurl_folder_and_errors(tmp_path):
    (tmp_path / "rel" / "300K").mkdir(parents=True)
    (tmp_path / "rel" / "300K" / "1.txt").write_text("تهران\tB-LOC\n", encoding="utf-8")
    assert read_peyma_nsurl(tmp_path / "rel", parts=["300K"])[0].tags == ["B-LOC"]
    with pytest.raises(CorpusFormatError, match="no 600K/ folder"):
        read_peyma_nsurl(tmp_path / "rel")
    with pytest.raises(FileNotFoundError):
        read_peyma_nsurl(tmp_path / "nothing")
    (tmp_path / "bad.zip").write_text("not a zip")
    with pytest.raises(CorpusFormatError, match="not a zip"):
        read_peyma_nsurl(tmp_path / "bad.zip")
    with pytest.raises(ValueError, match="unknown PEYMA NSURL part"):
        read_peyma_nsurl(tmp_path / "rel", parts=["900K"])


def test_arman_fixture(tmp_path):
    (tmp_path / "test_fold2.txt").write_text(
        "دانشگاه B-fac\nتهران I-fac\nو O\nعلی B-pers\nرفت O\n\nجام B-event\n", encoding="utf-8"
    )
    dropped = read_arman(tmp_path, fold=2, split="test")
    assert dropped[0].tags == ["O", "O", "O", "B-PER", "O"]
    kept = read_arman(tmp_path / "test_fold2.txt", fold=2, split="test", extra_types="keep")
    assert kept[0].tags[:2] == ["B-FAC", "I-FAC"] and kept[1].tags == ["B-EVENT"]
    (tmp_path / "train_fold1.txt").write_text("علی B-pers\nرفت B-animal\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"train_fold1.txt:2: unknown ARMAN type 'animal'"):
        read_arman(tmp_path, fold=1)
    with pytest.raises(ValueError, match="fold"):
        read_arman(tmp_path, fold=4)


def test_conll_round_trip(tmp_path):
    sents = [Sentence(["ثبت نام", "بانک", "ملی"], ["O", "B-ORG", "I-ORG"], id="a"), Sentence(["۱۰", "تن"], ["B-QTY", "I-QTY"])]
    path = tmp_path / "out.conll"
    write_conll(sents, path)
    back = read_conll(path)
    assert [(s.tokens, s.tags) for s in back] == [(s.tokens, s.tags) for s in sents]


def test_conll_space_columns_and_docstart(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text("-DOCSTART- -X- O O\n\nبانک NN B-ORG\nملی NN I-ORG\n\nرفت\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"x.conll:6: expected a token column and a tag column"):
        read_conll(path)
    path.write_text("-DOCSTART- -X- O O\n\nبانک NN B-ORG\nملی NN I-ORG\n", encoding="utf-8")
    (s,) = read_conll(path)
    assert s.tokens == ["بانک", "ملی"] and s.tags == ["B-ORG", "I-ORG"]


def test_jsonl_formats(tmp_path):
    text = "بانک ملی ۳ میلیارد ریال وام داد."
    lines = [
        {"text": text, "entities": [{"start": 0, "end": 8, "label": "ORG"}, {"start": 9, "end": 23, "label": "MON"}]},
        {"text": text, "label": [[0, 8, "ORG"], [9, 23, "MON"]]},
        {"text": text, "entities": [{"start_offset": 0, "end_offset": 8, "label": "ORG"}, {"start_offset": 9, "end_offset": 23, "label": "MON"}]},
        {"data": {"text": text}, "annotations": [{"result": [
            {"value": {"start": 0, "end": 8, "labels": ["ORG"]}}, {"value": {"start": 9, "end": 23, "labels": ["MON"]}}]}]},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    sents = read_jsonl_spans(path)
    assert len(sents) == 4
    for s in sents:
        assert [(s.text[a:b], lab) for a, b, lab in s.spans] == [("بانک ملی", "ORG"), ("۳ میلیارد ریال", "MON")]
    out = tmp_path / "out.jsonl"
    write_jsonl_spans(sents, out)
    again = read_jsonl_spans(out)
    assert [(s.tokens, s.tags) for s in again] == [(s.tokens, s.tags) for s in sents]


def test_jsonl_span_inside_a_word_splits_it(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "درتهران بود", "label": [[2, 7, "LOC"]]}, ensure_ascii=False) + "\n", encoding="utf-8")
    (s,) = read_jsonl_spans(path)
    assert s.tokens == ["در", "تهران", "بود"] and s.tags == ["O", "B-LOC", "O"]


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "in.jsonl:2"),
        ('{"label": []}', "no text field"),
        ('{"text": "abc", "label": [[0, 9, "PER"]]}', "outside the text"),
        ('{"text": "ab cd", "label": [[0, 5, "PER"], [3, 5, "ORG"]]}', "overlaps"),
        ('["a list"]', "JSON object"),
        ('{"text": "abc", "entities": [{"end": 2, "label": "PER"}]}', "missing field"),
    ],
)
def test_jsonl_errors_name_the_line(tmp_path, line, message):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "ok", "label": []}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=message) as err:
        read_jsonl_spans(path)
    assert err.value.line == 2


def test_sentence_checks_lengths():
    with pytest.raises(ValueError, match="2 tokens but 1 tags"):
        Sentence(["a", "b"], ["O"])
