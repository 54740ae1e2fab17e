"""Training throughput on CPU: our `farsiner train` loop against transformers' plain Trainer recipe.

The Trainer recipe is what `examples/pytorch/token-classification/run_ner.py` does:
`AutoModelForTokenClassification`, words tokenised with `is_split_into_words=True`, the
label on a word's first sub-word and -100 elsewhere, `DataCollatorForTokenClassification`
(dynamic padding per batch), `Trainer` with its default optimiser (AdamW) and a linear
schedule. Both train the same model (the pruned offline e5 folder, float32) on the same
sentences (the first N of PEYMA's train split, normalised as our loop does), batch 16,
learning rate 2e-4, for one epoch (each arm then sees every sentence once, whatever its
sampler), in one process, runs alternating. Both are timed over the same span:
from the start of step 1 to the end of step S (ours: `seconds_per_step` at step S in the
run's metrics.jsonl; the Trainer: a callback at `on_step_begin`/`on_step_end`).

Run from anywhere (it works in the repository root). On a shared 2-core CPU this took
8 minutes; the default 512 sentences take about four times as long (one sentence of 378
sub-words makes a few batches very wide):

    OMP_NUM_THREADS=1 python benchmarks/train_speed.py --sentences 256 --runs 3

It prints a table and writes it to benchmarks/train-speed-results.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # torch's default threading is slow on small machines
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / ".cache" / "e5-small-fa"
CONFIG = "configs/me5-small-peyma.yaml"
PEYMA = REPO.parent / "shared" / "data" / "peyma" / "split"
RESULTS = REPO / "benchmarks" / "train-speed-results.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=512, help="the first N sentences of PEYMA's train split")
    parser.add_argument(
        "--steps", type=int, default=None, help="optimizer steps a run; default one epoch (N / batch), so every arm trains on every sentence once"
    )
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--runs", type=int, default=3, help="rounds; each runs every arm once")
    parser.add_argument("--model", default=str(MODEL), help="encoder folder (float32 on CPU)")
    parser.add_argument("--out", default=str(RESULTS), help="where the Markdown table goes")
    args = parser.parse_args()
    os.chdir(REPO)  # the config's relative paths are relative to the working directory
    epoch = -(-args.sentences // args.batch_size)
    args.steps = args.steps or epoch
    if args.steps % epoch:
        # a part epoch is a different subset for each sampler: one long sentence (PEYMA's first
        # 512 hold one of 378 sub-words) then decides the comparison
        print(f"warning: {args.steps} steps is not a whole number of epochs ({epoch} steps): the arms train on different sentences")

    import datasets
    import transformers
    from transformers import AutoTokenizer

    from farsiner.train.config import load_config

    transformers.logging.set_verbosity_error()  # no load reports: the table is what matters
    datasets.disable_progress_bars()
    types = load_config(CONFIG).data.types
    raw, sentences = read_sentences(args.sentences)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    check_same_inputs(sentences, tokenizer, types)

    arms = {
        "ours (farsiner train)": lambda tmp, i: run_ours(raw, tmp, i, args),
        "Trainer (run_ner recipe)": lambda tmp, i: run_trainer(sentences, tokenizer, types, False, tmp, args),
        "Trainer, group_by_length": lambda tmp, i: run_trainer(sentences, tokenizer, types, True, tmp, args),
    }
    names = list(arms)
    results: dict[str, list[dict]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="train-speed-") as tmp:
        for i in range(args.runs):
            # rotate the order, so that no arm always runs first (or always right after another)
            for name in names[i % len(names) :] + names[: i % len(names)]:
                gc.collect()
                r = arms[name](Path(tmp), i)
                results[name].append(r)
                print(f"run {i + 1}/{args.runs} {name}: {r['sentences_per_second']:.2f} sentences/s, "
                      f"{r['seconds_per_step']:.3f} s/step ({r['steady_seconds_per_step']:.3f} after step 1), "
                      f"{r['tokens']} tokens ({r['padded_tokens']} padded)", flush=True)

    table = report(results, args)
    print("\n" + table)
    Path(args.out).write_text(table, encoding="utf-8")
    print(f"written to {args.out}")


# --- data ---------------------------------------------------------------------


def read_sentences(n: int):
    """The first ``n`` sentences of PEYMA's train split: as read, and normalised as our loop does."""
    from farsiner.data import read_peyma_split
    from farsiner.train.features import normalize_sentence

    raw = read_peyma_split(PEYMA / "train.txt")[:n]
    if len(raw) < n:
        sys.exit(f"PEYMA's train split has {len(raw)} sentences, fewer than {n}")
    return raw, [normalize_sentence(s, "space", "latin") for s in raw]


def write_peyma_split(sentences, path: Path) -> Path:
    """Sentences back in PEYMA's ``token|B_X`` form, for our loop's peyma-split reader."""
    with open(path, "w", encoding="utf-8") as f:
        for s in sentences:
            f.writelines(f"{w}|{t.replace('-', '_', 1)}\n" for w, t in zip(s.tokens, s.tags))
            f.write("\n")
    return path


def tokenize_and_align_labels(sentences, tokenizer, label2id):
    """run_ner.py's `tokenize_and_align_labels` (label_all_tokens False, no padding)."""
    enc = tokenizer([s.tokens for s in sentences], is_split_into_words=True, truncation=True, padding=False)
    labels = []
    for i, s in enumerate(sentences):
        previous, row = None, []
        for w in enc.word_ids(batch_index=i):
            row.append(-100 if w is None or w == previous else label2id[s.tags[w]])
            previous = w
        labels.append(row)
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "labels": labels}


def check_same_inputs(sentences, tokenizer, types) -> None:
    """Both arms must see the same sub-words and labels: compare our encoder's rows to run_ner's."""
    from farsiner.data.labels import bio_labels
    from farsiner.train.features import encode

    label2id = {lab: i for i, lab in enumerate(bio_labels(types))}
    ours = encode(sentences, tokenizer, label2id, tokenizer.model_max_length)
    theirs = tokenize_and_align_labels(sentences, tokenizer, label2id)
    if ours["input_ids"] != theirs["input_ids"] or ours["labels"] != theirs["labels"]:
        sys.exit("our features and run_ner's differ: the comparison would not be fair")


# --- the arms -----------------------------------------------------------------


def run_ours(raw, tmp: Path, i: int, args) -> dict:
    """`farsiner.train.loop.train` on a PEYMA-split file of the same sentences, timed from its metrics.jsonl."""
    from farsiner.data import read_peyma_split
    from farsiner.train.config import load_config
    from farsiner.train.loop import train

    train_file = write_peyma_split(raw, tmp / "train.txt")
    dev_file = write_peyma_split(read_peyma_split(PEYMA / "dev.txt")[:8], tmp / "dev.txt")
    never = args.steps + 1000
    out = tmp / f"ours-{i}"
    sources = (
        f"[{{format: peyma-split, path: '{train_file}', split: train}},"
        f" {{format: peyma-split, path: '{dev_file}', split: dev}}]"
    )
    config = load_config(
        CONFIG,
        [
            f"model.name_or_path={args.model}",
            f"data.sources={sources}",
            "data.silver_qty=false",
            f"train.output_dir={out}",
            f"train.max_steps={args.steps}",
            f"train.batch_size={args.batch_size}",
            f"train.learning_rate={args.learning_rate}",
            f"train.eval_every={never}",
            f"train.save_every={never}",
            "train.early_stopping_patience=0",
            "train.mixed_precision=no",
            "train.log_every=1",
        ],
    )
    train(config)
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if "seconds_per_step" in r]
    # seconds_per_step is the time since the loop started over the steps done: cumulative
    elapsed = {r["step"]: r["seconds_per_step"] * r["step"] for r in rows}
    last = max(elapsed)
    if last != args.steps:
        sys.exit(f"ours stopped at step {last}, not {args.steps}")
    sentences, tokens, padded = our_batch_tokens(args, config)
    return timing(elapsed[last], elapsed[last] - elapsed[1], args, sentences, tokens, padded)


def our_batch_tokens(args, config) -> tuple[int, int, int]:
    """Rows, real and padded sub-words in the batches our loop trained on (its own batching function)."""
    from transformers import AutoTokenizer

    from farsiner.data.labels import bio_labels
    from farsiner.train.features import encode
    from farsiner.train.loop import _epoch_batches

    sentences = read_sentences(args.sentences)[1]
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    label2id = {lab: i for i, lab in enumerate(bio_labels(config.data.types))}
    lengths = encode(sentences, tokenizer, label2id, tokenizer.model_max_length)["length"]
    batches, epoch = [], 0
    while len(batches) < args.steps:
        batches += _epoch_batches(lengths, args.batch_size, config.train.seed + epoch, config.train.group_by_length, 1)
        epoch += 1
    batches = batches[: args.steps]
    lengths = list(lengths)
    rows = sum(len(b) for b in batches)
    return rows, sum(lengths[i] for b in batches for i in b), sum(len(b) * max(lengths[i] for i in b) for b in batches)


def run_trainer(sentences, tokenizer, types, group_by_length: bool, tmp: Path, args) -> dict:
    """run_ner.py's recipe with a `Trainer`, timed by a callback."""
    import datasets
    from transformers import (
        AutoModelForTokenClassification,
        DataCollatorForTokenClassification,
        Trainer,
        TrainerCallback,
        TrainingArguments,
        set_seed,
    )

    from farsiner.data.labels import bio_labels

    class StepClock(TrainerCallback):
        def __init__(self):
            self.begin, self.ends = None, []

        def on_step_begin(self, args, state, control, **kwargs):
            if self.begin is None:
                self.begin = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            self.ends.append(time.perf_counter())

    class CountingCollator(DataCollatorForTokenClassification):
        """The recipe's collator, noting each batch's real and padded sub-words."""

        def __call__(self, features, return_tensors=None):
            batch = super().__call__(features, return_tensors)
            self.shapes.append((len(features), int(batch["attention_mask"].sum()), batch["input_ids"].numel()))
            return batch

    labels = bio_labels(types)
    label2id = {lab: i for i, lab in enumerate(labels)}
    set_seed(42)
    dataset = datasets.Dataset.from_dict(tokenize_and_align_labels(sentences, tokenizer, label2id))
    model = AutoModelForTokenClassification.from_pretrained(
        args.model, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id, dtype=torch.float32
    )
    collator = CountingCollator(tokenizer)
    collator.shapes = []
    clock = StepClock()
    training_args = TrainingArguments(
        output_dir=str(tmp / "trainer"),
        per_device_train_batch_size=args.batch_size,
        max_steps=args.steps,
        learning_rate=args.learning_rate,
        weight_decay=0.01,  # as our config
        warmup_steps=0.1,  # a ratio, as our config's warmup_ratio
        lr_scheduler_type="linear",
        train_sampling_strategy="group_by_length" if group_by_length else "random",
        eval_strategy="no",
        logging_strategy="no",
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        dataloader_num_workers=0,
        seed=42,
    )
    trainer = Trainer(
        model=model,
        args=training_args,
        train_dataset=dataset,
        data_collator=collator,
        processing_class=tokenizer,
        callbacks=[clock],
    )
    trainer.train()
    if len(clock.ends) != args.steps:
        sys.exit(f"the Trainer ran {len(clock.ends)} steps, not {args.steps}")
    run_trainer.optim = str(training_args.optim.value if hasattr(training_args.optim, "value") else training_args.optim)
    shapes = collator.shapes[: args.steps]
    sentences, tokens, padded = (sum(s[k] for s in shapes) for k in range(3))
    result = timing(clock.ends[-1] - clock.begin, clock.ends[-1] - clock.ends[0], args, sentences, tokens, padded)
    del trainer, model
    return result


def timing(seconds: float, after_first: float, args, sentences: int, tokens: int, padded: int) -> dict:
    steps = args.steps
    return {
        "seconds": seconds,
        "seconds_per_step": seconds / steps,
        "steady_seconds_per_step": after_first / (steps - 1) if steps > 1 else seconds,
        "sentences_per_second": sentences / seconds,
        "tokens_per_second": tokens / seconds,
        "tokens": tokens,
        "padded_tokens": padded,
    }


# --- the report ---------------------------------------------------------------


def report(results: dict[str, list[dict]], args) -> str:
    med = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in results.items()}
    ours = med["ours (farsiner train)"]
    lines = [
        "# Training throughput on CPU: `farsiner train` against the Trainer recipe",
        "",
        f"Medians of {args.runs} runs each, alternating in one process. {args.steps} optimizer steps of "
        f"batch {args.batch_size} on the first {args.sentences} sentences of PEYMA's train split "
        f"(normalised zwnj=space, digits=latin, the same sub-words and labels for every arm), "
        f"model `{Path(args.model).name}` (float32), learning rate {args.learning_rate}, AdamW, linear schedule, "
        "no evaluation or saving in the timed span.",
        "",
        "| arm | sentences/s | real sub-words/s | s/step | padded sub-words | padding | ours / arm (sentences/s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in med.items():
        pad = 1 - m["tokens"] / m["padded_tokens"]
        lines.append(
            f"| {name} | {m['sentences_per_second']:.2f} | {m['tokens_per_second']:.0f} | {m['seconds_per_step']:.3f} "
            f"| {m['padded_tokens']:.0f} | {pad:.0%} | {ours['sentences_per_second'] / m['sentences_per_second']:.2f} |"
        )
    lines += [
        "",
        "Each run (sentences/s): "
        + "; ".join(name + ": " + ", ".join(f"{r['sentences_per_second']:.2f}" for r in rs) for name, rs in results.items()),
        "",
        "Settings:",
        "- ours: `farsiner.train.loop.train` with `configs/me5-small-peyma.yaml` and overrides (sources = a temporary "
        "PEYMA-split file of the same sentences plus 8 dev sentences, `data.silver_qty=false`, "
        f"`train.max_steps={args.steps}`, evaluation and checkpoints after the last step, `train.mixed_precision=no`, "
        "`train.log_every=1`); length-grouped batches (mega-batches of 50 batches sorted by length, batches shuffled) "
        "and dynamic padding; time = `seconds_per_step` × steps at the last step of metrics.jsonl.",
        f"- Trainer: run_ner.py's recipe, `optim={getattr(run_trainer, 'optim', '?')}` (the default), weight decay 0.01, "
        "warm-up 0.1, `DataCollatorForTokenClassification` (dynamic padding per batch), `report_to=[]`, `use_cpu=True`, "
        "`dataloader_num_workers=0`, logging and saving off; sampling random (run_ner's default) or "
        "`train_sampling_strategy=\"group_by_length\"`; time from `on_step_begin` of step 1 to `on_step_end` of the last.",
        "- padding: the share of padded positions in the timed batches; real sub-words/s counts the others.",
        f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__} with {torch.get_num_threads()} thread(s), Python {platform.python_version()}, "
        f"transformers {__import__('transformers').__version__}, accelerate {__import__('accelerate').__version__}.",
        "",
        f"Command: `OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')} python benchmarks/train_speed.py "
        f"--sentences {args.sentences} --steps {args.steps} --batch-size {args.batch_size} --runs {args.runs}`",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
