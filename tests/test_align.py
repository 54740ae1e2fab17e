import pytest

from farsiner.data import align_labels, model_max_tokens, read_peyma_split
from farsiner.data.align import IGNORE, special_tokens, window_bounds

# label ids for the tests: O=0, B-ORG=1, I-ORG=2, B-QTY=3, I-QTY=4
B_TO_I = {1: 2, 3: 4}


@pytest.fixture(scope="module")
def unigram_tokenizer(shared_data):
    """An XLM-R-like tokenizer (SentencePiece unigram, ZWNJ → space) trained here on PEYMA."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    sentences = [s.text for s in read_peyma_split(shared_data / "peyma" / "split" / "dev.txt")]
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.Replace("\u200c", " "), normalizers.NFKC()])
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=2000, special_tokens=["<s>", "<pad>", "</s>", "<unk>"], unk_token="<unk>")
    tok.train_from_iterator(sentences, trainer)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>")


@pytest.fixture(params=["parsbert", "unigram"])
def tokenizer(request):
    return request.getfixturevalue(f"{request.param}_tokenizer")


def first_piece_labels(window):
    return [(w, lab) for w, lab in zip(window.word_ids, window.labels) if lab != IGNORE]


def test_special_tokens(parsbert_tokenizer, unigram_tokenizer):
    assert special_tokens(parsbert_tokenizer) == ([2], [4])
    assert special_tokens(unigram_tokenizer) == ([0], [2])


def test_first_piece_carries_the_label(tokenizer):
    words = ["شرکت", "شهرکهای", "صنعتی", "۳۸۹", "خوشه", "ثبت نام"]
    labels = [1, 2, 2, 3, 4, 0]
    (win,) = align_labels(words, labels, tokenizer, 512)
    assert first_piece_labels(win) == list(enumerate(labels))
    assert win.input_ids[0] == special_tokens(tokenizer)[0][0]
    assert len(win.input_ids) == len(win.word_ids) == len(win.labels)
    # every piece of the words is there, in order
    assert [w for w in win.word_ids if w is not None] == sorted(w for w in win.word_ids if w is not None)


def test_word_with_spaces_is_one_word(tokenizer):
    (win,) = align_labels(["ثبت نام", "کرد"], [1, 0], tokenizer, 512)
    pieces_of_first = [i for i, w in enumerate(win.word_ids) if w == 0]
    assert len(pieces_of_first) >= 2  # «ثبت» and «نام» are separate pieces of one word
    assert [win.labels[i] for i in pieces_of_first] == [1] + [IGNORE] * (len(pieces_of_first) - 1)


def test_label_all_pieces_turns_b_into_i(tokenizer):
    (win,) = align_labels(["ثبت نام", "کرد"], [1, 0], tokenizer, 512, label_all_pieces=True, b_to_i=B_TO_I)
    labels = [lab for w, lab in zip(win.word_ids, win.labels) if w == 0]
    assert labels[0] == 1 and set(labels[1:]) == {2}


def test_zwnj_parsbert_deletes_unigram_splits(parsbert_tokenizer, unigram_tokenizer):
    words = ["کتاب\u200cهای", "جدید"]
    (pb,) = align_labels(words, [1, 0], parsbert_tokenizer, 512)
    (xl,) = align_labels(words, [1, 0], unigram_tokenizer, 512)
    assert parsbert_tokenizer.convert_ids_to_tokens(pb.input_ids)[1] == "کتابهای"
    # the unigram tokenizer sees two pre-tokens, still one word with one label
    assert xl.word_ids.count(0) >= 2
    assert first_piece_labels(pb) == first_piece_labels(xl) == [(0, 1), (1, 0)]


def test_word_without_pieces_loses_only_its_label(parsbert_tokenizer):
    (win,) = align_labels(["بانک", "\u200c", "ملی"], [1, 0, 2], parsbert_tokenizer, 512)
    assert first_piece_labels(win) == [(0, 1), (2, 2)]


@pytest.mark.parametrize("max_length", [16, 64, 512])
def test_long_sequences_become_windows_not_cuts(tokenizer, shared_data, max_length):
    sents = read_peyma_split(shared_data / "peyma" / "split" / "test.txt")[:40]
    words = [w for s in sents for w in s.tokens]
    labels = [i % 5 for i in range(len(words))]
    windows = align_labels(words, labels, tokenizer, max_length)
    assert len(windows) > 1
    assert all(len(w.input_ids) <= max_length for w in windows)
    seen = [pair for w in windows for pair in first_piece_labels(w)]
    assert seen == [(i, labels[i]) for i in range(len(words)) if _has_pieces(tokenizer, words[i])]
    # windows end between words
    for a, b in zip(windows, windows[1:]):
        assert [x for x in a.word_ids if x is not None][-1] < [x for x in b.word_ids if x is not None][0]


def _has_pieces(tokenizer, word):
    return bool(tokenizer([word], is_split_into_words=True, add_special_tokens=False)["input_ids"])


def test_stride_overlaps_windows(parsbert_tokenizer):
    words = [f"کلمه{i}" for i in range(100)]
    windows = align_labels(words, None, parsbert_tokenizer, 32, stride=8)
    assert windows[0].labels is None
    covered = set()
    for a, b in zip(windows, windows[1:]):
        wa = {x for x in a.word_ids if x is not None}
        wb = {x for x in b.word_ids if x is not None}
        assert wa & wb  # overlap
        covered |= wa | wb
    assert covered == set(range(100))


def test_window_bounds_cuts_a_giant_word():
    assert window_bounds([0] * 7 + [1, 1, 2], 3) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert window_bounds([0, 1, 2, 3, 4, 5], 4, stride=2) == [(0, 4), (2, 6)]
    with pytest.raises(ValueError):
        window_bounds([0], 4, stride=4)


def test_empty_sentence(parsbert_tokenizer):
    (win,) = align_labels([], [], parsbert_tokenizer, 512)
    assert win.input_ids == [2, 4] and win.labels == [IGNORE, IGNORE]


def test_model_max_tokens_comes_from_config():
    from transformers import BertConfig, XLMRobertaConfig

    assert model_max_tokens(BertConfig(max_position_embeddings=512)) == 512
    assert model_max_tokens(XLMRobertaConfig(max_position_embeddings=514, pad_token_id=1)) == 512


def test_mismatched_labels_raise(parsbert_tokenizer):
    with pytest.raises(ValueError, match="2 words but 1 labels"):
        align_labels(["a", "b"], [0], parsbert_tokenizer, 512)
