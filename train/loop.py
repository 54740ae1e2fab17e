"""`farsiner train`: one workflow, top to bottom.

config → seed → data → labels → model → features → batches → optimizer →
(resume) → train with evaluation and checkpoints → the best model, saved
atomically → reports and plots. Runs on CPU, one GPU, or several processes
under `accelerate launch`.
"""

from __future__ import annotations

import contextlib
import sys
import json
import math
import shutil
import time
from pathlib import Path

import numpy as np
import torch

from farsiner.data.atomic import atomic_folder, atomic_write
from farsiner.data.labels import bio_labels
from farsiner.data.sources import load_splits
from farsiner.infer.model_folder import ModelSettings, save_model_folder
from farsiner.infer.predict import pad_batch, predict_pieces, word_labels
from farsiner.train.config import RunConfig, dump_config
from farsiner.train.evaluate import errors, gold_types, keep_types, score, write_report
from farsiner.train.features import encode, normalize_sentence


def train(config: RunConfig, resume: bool = False, stop_after_step: int | None = None, distill=None) -> Path:
    """Train as the config says; returns the final model folder (``<output_dir>/model``).

    ``stop_after_step`` ends the run early without a final save, as a crash
    would (for testing ``resume``). ``distill`` (a `farsiner.train.distill.Distillation`)
    makes the run a student's: its model, the train split's soft targets, its loss.
    """
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    cfg = config.train
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    accelerator = Accelerator(mixed_precision=cfg.mixed_precision, cpu=not torch.cuda.is_available())
    main = accelerator.is_main_process
    out = Path(cfg.output_dir)
    if resume and not _checkpoints(out):
        if main:
            print(f"farsiner train: {out} has no checkpoint yet: starting from the beginning", file=sys.stderr)
        resume = False
    if main:
        out.mkdir(parents=True, exist_ok=True)
        # what a killed save left behind: half-written model folders and checkpoints; a save
        # killed between its two renames left the only whole copy as .NAME.old: put it back
        for name in ("model", "best"):
            if not (out / name).exists() and (out / f".{name}.old").is_dir():
                (out / f".{name}.old").rename(out / name)
        for stale in [*out.glob(".model.*.tmp"), *out.glob(".best.*.tmp"), *out.glob(".*.old"), *(out / "checkpoints").glob("*.tmp")]:
            shutil.rmtree(stale, ignore_errors=True)
        if not resume:
            for stale in ("metrics.jsonl", "checkpoints", "best"):
                shutil.rmtree(out / stale, ignore_errors=True) if (out / stale).is_dir() else (out / stale).unlink(missing_ok=True)
        (out / "config.yaml").write_text(dump_config(config), encoding="utf-8")
    accelerator.wait_for_everyone()
    set_seed(cfg.seed)

    # data
    labels = bio_labels(config.data.types)
    label2id = {lab: i for i, lab in enumerate(labels)}
    splits = load_splits(config.data.sources, config.data.types, config.data.silver_qty)
    if not splits["train"]:
        files = ", ".join(s.path for s in config.data.sources if s.split == "train")
        raise ValueError(f"no training sentences in {files}")
    splits = {k: [normalize_sentence(s, config.model.zwnj, config.model.digits) for s in v] for k, v in splits.items()}

    # model and tokenizer
    tokenizer, model = distill.load_student(config, labels) if distill else _load_model(config, labels)
    if distill:
        distill.attach(splits["train"])
    max_length = config.model.max_length or _model_limit(model.config)
    settings = ModelSettings(config.model.zwnj, config.model.digits, max_length, list(config.data.types))

    # features and batches
    with accelerator.main_process_first():
        features = {k: encode(v, tokenizer, label2id, max_length, config.model.label_all_pieces) for k, v in splits.items() if v}
    train_rows = features["train"]
    lengths = list(train_rows["length"])  # a plain list: a datasets column is slow to index
    batches_per_epoch = math.ceil(len(train_rows) / cfg.batch_size / accelerator.num_processes)
    steps_per_epoch = max(1, batches_per_epoch // cfg.gradient_accumulation_steps)
    total_steps = cfg.max_steps or max(1, round(cfg.epochs * steps_per_epoch))
    eval_every = cfg.eval_every or steps_per_epoch

    # optimizer, schedule, loss
    optimizer = _optimizer(model, cfg)
    from transformers import get_linear_schedule_with_warmup

    scheduler = get_linear_schedule_with_warmup(optimizer, round(cfg.warmup_ratio * total_steps), total_steps)
    weights = _class_weights(splits["train"], labels, cfg.class_weight_power) if cfg.class_weights else None
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    model, optimizer = accelerator.prepare(model, optimizer)
    loss_fn.to(accelerator.device)

    state = {"step": 0, "epoch": 0, "batch": 0, "best_f1": -1.0, "best_step": 0, "bad_evals": 0, "seconds": 0.0, "sentences": 0}
    if resume:
        state = _load_checkpoint(accelerator, scheduler, out, state)

    writer = _tensorboard(out) if main else None
    progress = _progress(total_steps, state["step"], main)
    model.train()
    running, running_n, t0 = 0.0, 0, time.perf_counter()
    done = state["step"] >= total_steps
    while not done:
        batches = _epoch_batches(lengths, cfg.batch_size, cfg.seed + state["epoch"], cfg.group_by_length, accelerator.num_processes)
        mine = batches[accelerator.process_index :: accelerator.num_processes]
        for b in range(state["batch"], len(mine)):
            rows = train_rows[mine[b]]
            batch = {k: v.to(accelerator.device) for k, v in pad_batch(rows["input_ids"], tokenizer.pad_token_id, rows["labels"]).items()}
            soft = {k: v.to(accelerator.device) for k, v in distill.targets(rows).items()} if distill else None
            last_micro = (b + 1) % cfg.gradient_accumulation_steps == 0 or b + 1 == len(mine)
            ctx = accelerator.no_sync(model) if not last_micro else contextlib.nullcontext()
            with ctx, accelerator.autocast():
                target = batch.pop("labels")
                logits = model(**batch).logits
                if distill:
                    loss = distill.loss(logits, target, soft, loss_fn)
                else:
                    loss = loss_fn(logits.float().view(-1, logits.shape[-1]), target.view(-1))
                accelerator.backward(loss / cfg.gradient_accumulation_steps)
            running += loss.item()
            running_n += 1
            state["sentences"] += len(mine[b])
            state["batch"] = b + 1
            if not last_micro:
                continue
            if cfg.max_grad_norm:
                accelerator.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            state["step"] += 1
            progress.update(1)
            step = state["step"]
            if step % cfg.log_every == 0 or step == total_steps:
                elapsed = state["seconds"] + time.perf_counter() - t0
                row = {
                    "step": step,
                    "epoch": round(state["epoch"] + (b + 1) / len(mine), 4),
                    "loss": running / running_n,
                    "learning_rate": scheduler.get_last_lr()[0],
                    "sentences_per_second": state["sentences"] * accelerator.num_processes / elapsed if elapsed else 0.0,
                    "seconds_per_step": elapsed / step if step else 0.0,
                }
                _log(out, row, writer, main)
                progress.set_postfix(loss=f"{row['loss']:.4f}")
                running, running_n = 0.0, 0
            if "dev" in features and (step % eval_every == 0 or step == total_steps):
                eval_start = time.perf_counter()
                f1 = _evaluate_dev(accelerator, model, tokenizer, features["dev"], splits["dev"], labels, cfg, out, step, writer, config.data.dev_weighting)
                if f1 > state["best_f1"]:
                    state.update(best_f1=f1, best_step=step, bad_evals=0)
                    if main:
                        _save_best(accelerator, model, tokenizer, settings, out)
                else:
                    state["bad_evals"] += 1
                accelerator.wait_for_everyone()
                t0 += time.perf_counter() - eval_start  # training speed excludes evaluation
            stop_early = cfg.early_stopping_patience and state["bad_evals"] >= cfg.early_stopping_patience
            if cfg.max_minutes and step % cfg.log_every == 0:
                late = state["seconds"] + time.perf_counter() - t0 > 60 * cfg.max_minutes
                # every process must stop at the same step
                stop_early = stop_early or bool(accelerator.reduce(torch.tensor(float(late), device=accelerator.device), "max"))
            if (cfg.save_every and step % cfg.save_every == 0) or step == stop_after_step:
                state["seconds"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                _save_checkpoint(accelerator, scheduler, out, state, cfg.keep_checkpoints)
            if step == stop_after_step:
                progress.close()
                return out / "model"
            if step >= total_steps or stop_early:
                done = True
                break
        else:
            state["epoch"] += 1
            state["batch"] = 0
    progress.close()
    state["seconds"] += time.perf_counter() - t0

    # the final model: the best on dev, or the last one when there is no dev split
    accelerator.wait_for_everyone()
    if main:
        if "dev" not in features:
            _save_best(accelerator, model, tokenizer, settings, out)
        _finish(out, config, state, features, splits, tokenizer, labels, settings, cfg, accelerator.device)
    accelerator.wait_for_everyone()
    return out / "model"


# --- the steps ----------------------------------------------------------------


def _load_model(config: RunConfig, labels: list[str]):
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    name = config.model.name_or_path
    id2label = dict(enumerate(labels))
    label2id = {v: k for k, v in id2label.items()}
    tokenizer = AutoTokenizer.from_pretrained(config.model.tokenizer or name)
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(f"{name}: a fast tokenizer is needed for label alignment")
    extra = dict(config.model.config_overrides)
    if config.train.dropout is not None:
        extra["hidden_dropout_prob"] = config.train.dropout
    heads = {"num_labels": len(labels), "id2label": id2label, "label2id": label2id}
    if config.model.random_init:
        extra.setdefault("vocab_size", len(tokenizer))
        extra.setdefault("pad_token_id", tokenizer.pad_token_id)
        model = AutoModelForTokenClassification.from_config(AutoConfig.for_model(**extra, **heads))
    else:
        _check_trained_labels(name, labels)
        model = AutoModelForTokenClassification.from_pretrained(name, dtype=torch.float32, use_safetensors=True, **heads, **extra)
    return tokenizer, model


def _check_trained_labels(name: str, labels: list[str]) -> None:
    """Going on training a tagger (the bundled model, say) keeps its head only with the same labels, in the same order."""
    from transformers import AutoConfig

    from farsiner.data.labels import check_label_order

    id2label = AutoConfig.from_pretrained(name).id2label
    # by id, not in the file's key order: a config.json written with sorted keys lists "10" before "2"
    trained = [id2label[i] for i in range(len(id2label))]
    if any(lab[:2] in ("B-", "I-") for lab in trained):  # a tagger, not a bare encoder
        check_label_order(trained, [lab[2:] for lab in labels if lab.startswith("B-")], f"{name}, to go on training it")


def _model_limit(model_config) -> int:
    from farsiner.data.align import model_max_tokens

    return model_max_tokens(model_config)


def _optimizer(model, cfg):
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight", "LayerNorm.bias")
    head_lr = cfg.head_learning_rate or cfg.learning_rate
    groups = {}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        head = name.startswith("classifier")
        decay = 0.0 if name.endswith(no_decay) else cfg.weight_decay
        key = (head, decay)
        groups.setdefault(key, {"params": [], "weight_decay": decay, "lr": head_lr if head else cfg.learning_rate})
        groups[key]["params"].append(p)
    return torch.optim.AdamW(list(groups.values()), lr=cfg.learning_rate)


def _class_weights(sentences, labels: list[str], power: float) -> torch.Tensor:
    """Rare types weigh more: (count of O / count of the label) ** power, at least 1."""
    counts = {lab: 1 for lab in labels}
    for s in sentences:
        for t in s.tags:
            counts[t] = counts.get(t, 1) + 1
    base = counts["O"]
    return torch.tensor([max(1.0, (base / counts[lab]) ** power) if lab != "O" else 1.0 for lab in labels])


def _epoch_batches(lengths, batch_size: int, seed: int, group_by_length: bool, world: int) -> list[list[int]]:
    """The epoch's batches of row indices, the same on every process and every resume.

    Length-grouped like transformers' sampler: shuffle, cut into mega-batches of
    50 batches, sort each by length, then shuffle the batches.
    """
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(lengths)).tolist()
    if group_by_length:
        mega = batch_size * 50
        order = [i for k in range(0, len(order), mega) for i in sorted(order[k : k + mega], key=lambda i: -lengths[i])]
    batches = [order[k : k + batch_size] for k in range(0, len(order), batch_size)]
    if group_by_length:
        rng.shuffle(batches)
    # every process gets the same number of batches: repeat from the start
    while len(batches) % world:
        batches.append(batches[len(batches) % world])
    return batches


def _evaluate_dev(accelerator, model, tokenizer, dev_rows, dev_sents, labels, cfg, out: Path, step: int, writer, dev_weighting: str = "pooled") -> float:
    """Micro F1 (default mode) on dev, pooled or the mean over dev sources; every process computes it, the main one logs it."""
    unwrapped = accelerator.unwrap_model(model)
    with accelerator.autocast():
        piece_log_probs = predict_pieces(unwrapped, list(dev_rows["input_ids"]), cfg.eval_batch_size, tokenizer.pad_token_id)
    id2label = dict(enumerate(labels))
    pred, _ = word_labels(list(dev_rows["word_ids"]), piece_log_probs, list(dev_rows["sentence"]), [len(s.tokens) for s in dev_sents], id2label)
    result = score([s.tags for s in dev_sents], pred)
    f1 = result["default"]["micro avg"]["f1"]
    row = {"step": step, "dev_f1": f1, "dev_f1_strict": result["strict"]["micro avg"]["f1"]}
    sources = sorted({s.meta.get("source", "") for s in dev_sents})
    if len(sources) > 1:
        per_source = {}
        for name in sources:
            idx = [i for i, s in enumerate(dev_sents) if s.meta.get("source", "") == name]
            per_source[name] = score([dev_sents[i].tags for i in idx], [pred[i] for i in idx])["default"]["micro avg"]["f1"]
        row["dev_f1_per_source"] = per_source
        if dev_weighting == "mean":
            f1 = row["dev_f1"] = sum(per_source.values()) / len(per_source)
            row["dev_f1_pooled"] = result["default"]["micro avg"]["f1"]
    if accelerator.is_main_process:
        _log(out, row, writer, True)
    return f1


def _save_best(accelerator, model, tokenizer, settings, out: Path) -> None:
    save_model_folder(accelerator.unwrap_model(model), tokenizer, settings, out / "best")


def _save_checkpoint(accelerator, scheduler, out: Path, state: dict, keep: int) -> None:
    """Model, optimizer, RNG states, schedule and position, written atomically."""
    folder = out / "checkpoints" / f"step-{state['step']:07d}"
    accelerator.wait_for_everyone()
    tmp = folder.with_name(folder.name + ".tmp")
    if accelerator.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)
    accelerator.wait_for_everyone()
    accelerator.save_state(str(tmp))
    if accelerator.is_main_process:
        torch.save(scheduler.state_dict(), tmp / "scheduler.pt")
        (tmp / "trainer_state.json").write_text(json.dumps(state), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
        for old in sorted(p for p in folder.parent.glob("step-*") if not p.name.endswith(".tmp"))[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()


def _checkpoints(out: Path) -> list[Path]:
    """The complete checkpoints, oldest first."""
    return sorted(p for p in (out / "checkpoints").glob("step-*") if not p.name.endswith(".tmp") and (p / "trainer_state.json").is_file())


def _load_checkpoint(accelerator, scheduler, out: Path, state: dict) -> dict:
    done = _checkpoints(out)
    if not done:
        raise ValueError(f"{out}: no checkpoint to resume from")
    folder = done[-1]
    accelerator.load_state(str(folder))
    scheduler.load_state_dict(torch.load(folder / "scheduler.pt", weights_only=True))
    state = json.loads((folder / "trainer_state.json").read_text(encoding="utf-8"))
    # the metrics log goes on from the checkpoint: drop what a crashed run wrote after it
    log = out / "metrics.jsonl"
    if accelerator.is_main_process and log.exists():
        rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
        with atomic_write(log) as f:
            for row in rows:
                if row["step"] <= state["step"]:
                    f.write(json.dumps(row) + "\n")
    return state


def _finish(out: Path, config, state, features, splits, tokenizer, labels, settings, cfg, device) -> None:
    """The final model folder, evaluation reports, the model card, and plots."""
    from farsiner.infer.model_folder import load_model_folder

    model, _, _ = load_model_folder(out / "best", device=str(device))
    reports = {}
    for split in ("dev", "test"):
        if split in features:
            rows = features[split]
            log_probs = predict_pieces(model, list(rows["input_ids"]), cfg.eval_batch_size, tokenizer.pad_token_id)
            pred, _ = word_labels(list(rows["word_ids"]), log_probs, list(rows["sentence"]), [len(s.tokens) for s in splits[split]], dict(enumerate(labels)))
            gold = [s.tags for s in splits[split]]
            # a type the split's gold lacks (QTY in PEYMA's test) is left out of its score
            pred = keep_types(pred, gold_types(gold))
            reports[split] = score(gold, pred)
            write_report(reports[split], errors(splits[split], gold, pred), out / "eval", split)
            if split == "dev":
                _plot_confusion(gold, pred, config.data.types, out / "confusion.png")
    summary = {
        "best_step": state["best_step"],
        "steps": state["step"],
        "train_seconds": round(state["seconds"], 1),
        "train_sentences": len(splits["train"]),
        "sentences_per_second": round(state["sentences"] / state["seconds"], 2) if state["seconds"] else None,
        "hardware": _hardware(),
        "scores": {k: {m: v[m]["micro avg"] for m in v} for k, v in reports.items()},
    }
    with atomic_write(out / "summary.json") as f:
        json.dump(summary, f, indent=2)
    from farsiner.train.model_card import model_card

    card = model_card(config, summary, reports)
    with atomic_folder(out / "model") as tmp:
        for item in (out / "best").iterdir():
            shutil.copy2(item, tmp / item.name)
        (tmp / "README.md").write_text(card, encoding="utf-8")
        (tmp / "training_config.yaml").write_text(dump_config(config), encoding="utf-8")
    _plot_curves(out / "metrics.jsonl", out / "curves.png")


def _hardware() -> str:
    import os
    import platform

    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} ({torch.cuda.device_count()} GPU)"
    return f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} thread(s) of {os.cpu_count()} cores"


def _log(out: Path, row: dict, writer, main: bool) -> None:
    if not main:
        return
    with open(out / "metrics.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    if writer is not None:
        for k, v in row.items():
            if k != "step" and isinstance(v, (int, float)):
                writer.add_scalar(k, v, row["step"])


def _tensorboard(out: Path):
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        return None
    return SummaryWriter(str(out / "tensorboard"))


def _progress(total: int, initial: int, main: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, disable=not main, desc="training", unit="step")


def _plot_curves(metrics: Path, png: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    rows = [json.loads(line) for line in metrics.read_text(encoding="utf-8").splitlines() if line.strip()]
    loss = [(r["step"], r["loss"]) for r in rows if "loss" in r]
    f1 = [(r["step"], r["dev_f1"]) for r in rows if "dev_f1" in r]
    fig, ax = plt.subplots(figsize=(7, 4))
    if loss:
        ax.plot(*zip(*loss), label="train loss", color="tab:blue")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if f1:
        ax2 = ax.twinx()
        ax2.plot(*zip(*f1), marker="o", label="dev F1", color="tab:red")
        ax2.set_ylabel("dev micro F1")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)


def _plot_confusion(gold, pred, types, png: Path) -> None:
    """Word-level confusion between types (O included): where the model puts each gold type."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    names = ["O", *types]
    index = {n: i for i, n in enumerate(names)}
    m = np.zeros((len(names), len(names)), dtype=np.int64)
    for g, p in zip(gold, pred):
        for a, b in zip(g, p):
            m[index.get(a[2:] if a != "O" else "O", 0), index.get(b[2:] if b != "O" else "O", 0)] += 1
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=45)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i in range(len(names)):
        for j in range(len(names)):
            if m[i, j]:
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=7, color="black" if share[i, j] < 0.6 else "white")
    ax.set_title("dev words: gold type → predicted type")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)
