"""CPU inference speed and accuracy: the Tagger (PyTorch fp32, ONNX Runtime int8) against transformers' pipeline.

All arms run on one CPU thread in one process, runs alternating, on the same texts:
PEYMA's test sentences as a list of strings (``sentence.text``), and the same sentences
joined into articles of about 800 words.

- (a) ``pipeline("token-classification", aggregation_strategy="simple")``, batch 16, on the
  bundled model's weights in fp32; the articles with ``stride=128`` (``model_max_length=512``).
  It sees the raw text.
- (a') the same pipeline on text normalised as the model was trained (farsiner's
  normaliser, its time included, offsets mapped back): the fairer accuracy baseline.
- (b) ``Tagger.from_pretrained(backend="pytorch")``; (c) ``backend="onnx"`` (int8).

F1 is seqeval strict micro over PEYMA's seven types against the test gold: each arm's
character spans are mapped onto the gold tokens (a token is in an entity if their
characters overlap) and read as IOB2. Also measured: the shared sample article tagged
whole by the default CPU backend, and the peak RSS of tagging 1 MiB of text (2^20
characters, the sample article repeated) with the default backend, in a fresh process.

    OMP_NUM_THREADS=1 python benchmarks/inference.py [--runs 5] [--quick]

It prints a table and writes it to benchmarks/inference-results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FARSINER_SHARED_DATA", REPO.parent / "shared" / "data"))
TEST = SHARED / "peyma" / "split" / "test.txt"
ARTICLE = SHARED / "samples" / "qom-industrial-clusters.txt"
RESULTS = REPO / "benchmarks" / "inference-results.md"

# Run in a fresh interpreter so that its peak RSS is that of the default backend alone. VmHWM, not
# getrusage's ru_maxrss: Linux carries ru_maxrss over from the forked parent across exec.
PEAK_RSS_SCRIPT = """
import re, sys, time
import torch
torch.set_num_threads(1)
from farsiner import Tagger
def peak_kib():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
text = open(sys.argv[1], encoding="utf-8").read()
big = (text * (int(sys.argv[2]) // len(text) + 1))[: int(sys.argv[2])]
tagger = Tagger.from_pretrained()
loaded = peak_kib()
start = time.perf_counter()
n = len(tagger(big))
print(tagger.backend, loaded, peak_kib(), time.perf_counter() - start, n)
"""


def join_articles(texts: list[str], words: int = 800) -> list[str]:
    """Consecutive sentences joined by spaces into articles of about ``words`` words."""
    articles, current, n = [], [], 0
    for t in texts:
        current.append(t)
        n += len(t.split())
        if n >= words:
            articles.append(" ".join(current))
            current, n = [], 0
    if current:
        articles.append(" ".join(current))
    return articles


def peyma_f1(sentences, spans_per_sentence) -> float:
    from farsiner.data.readers.peyma import PEYMA_TYPES
    from farsiner.train.evaluate import keep_types, score, tags_from_char_spans

    pred = keep_types([tags_from_char_spans(s.token_offsets, spans) for s, spans in zip(sentences, spans_per_sentence)], PEYMA_TYPES)
    gold = keep_types([s.tags for s in sentences], PEYMA_TYPES)
    return 100 * score(gold, pred)["strict"]["micro avg"]["f1"]


class PipelineArm:
    """transformers' pipeline; with ``normalize`` the text goes through farsiner's normaliser first."""

    def __init__(self, pipe, settings=None, stride: int | None = None):
        self.pipe, self.settings, self.stride = pipe, settings, stride

    def __call__(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        from farsiner.data.normalize import normalize

        kwargs = {"batch_size": 16} | ({"stride": self.stride} if self.stride else {})
        if self.settings is None:
            return [[(g["start"], g["end"], g["entity_group"]) for g in groups] for groups in self.pipe(texts, **kwargs)]
        norms = [normalize(t, zwnj=self.settings.zwnj, digits=self.settings.digits) for t in texts]
        out = self.pipe([n.text for n in norms], **kwargs)
        return [[(*n.to_original(g["start"], g["end"]), g["entity_group"]) for g in groups] for n, groups in zip(norms, out)]


class TaggerArm:
    def __init__(self, tagger):
        self.tagger = tagger

    def __call__(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        return [[(e.start, e.end, e.label) for e in ents] for ents in self.tagger.tag_batch(texts)]


def time_arms(arms: dict, texts: list[str], runs: int) -> tuple[dict, dict]:
    """Seconds of each run per arm, the arms alternating, after a warm-up on a few texts; and each arm's last output."""
    for arm in arms.values():
        arm(texts[:16])
    seconds = {name: [] for name in arms}
    outputs = {}
    for r in range(runs):
        for name, arm in arms.items():
            start = time.perf_counter()
            outputs[name] = arm(texts)
            seconds[name].append(time.perf_counter() - start)
            print(f"  run {r + 1}/{runs} {name}: {seconds[name][-1]:.1f} s", flush=True)
    return seconds, outputs


def peak_rss(chars: int) -> tuple[str, float, float, float, int]:
    """Backend, RSS after loading and peak RSS (MiB), seconds, entities: the default backend tagging ``chars`` characters."""
    out = subprocess.run([sys.executable, "-c", PEAK_RSS_SCRIPT, str(ARTICLE), str(chars)], capture_output=True, text=True,
                         env=os.environ | {"OMP_NUM_THREADS": "1"}, check=True)
    backend, loaded, peak, seconds, n = out.stdout.split()[-5:]
    return backend, int(loaded) / 1024, int(peak) / 1024, float(seconds), int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per arm (medians reported), after a warm-up")
    parser.add_argument("--quick", action="store_true", help="the first 150 sentences, 2 runs, a 100k-character memory check")
    parser.add_argument("--out", default=str(RESULTS), help="where the Markdown table goes")
    args = parser.parse_args()
    if not TEST.exists():
        sys.exit(f"PEYMA test is not at {TEST} (set FARSINER_SHARED_DATA)")
    torch.set_num_threads(1)

    from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

    from farsiner import Tagger
    from farsiner.data.readers import read_peyma_split
    from farsiner.infer.tagger import bundled_model_path

    sentences = read_peyma_split(TEST)
    runs = 2 if args.quick else args.runs
    if args.quick:
        sentences = sentences[:150]
    texts = [s.text for s in sentences]
    articles = join_articles(texts)
    load_avg = os.getloadavg()

    path = bundled_model_path()
    torch_tagger = Tagger.from_pretrained(backend="pytorch")
    onnx_tagger = Tagger.from_pretrained(backend="onnx")  # builds and caches the int8 file on first use
    default_backend = Tagger.from_pretrained().backend
    model = AutoModelForTokenClassification.from_pretrained(path, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.model_max_length = 512  # the folder leaves it unset; the pipeline's stride needs it
    pipe = pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="simple", device=-1)

    print(f"{len(texts)} sentences ({sum(map(len, texts))} characters), {len(articles)} articles; {runs} runs", flush=True)
    print("sentences:", flush=True)
    sentence_arms = {
        "(a) HF pipeline": PipelineArm(pipe),
        "(a') HF pipeline, normalised text": PipelineArm(pipe, torch_tagger.settings),
        "(b) Tagger, PyTorch fp32": TaggerArm(torch_tagger),
        "(c) Tagger, ONNX int8": TaggerArm(onnx_tagger),
    }
    sent_seconds, sent_out = time_arms(sentence_arms, texts, runs)
    print("articles:", flush=True)
    article_arms = {
        "(a) HF pipeline": PipelineArm(pipe, stride=128),
        "(b) Tagger, PyTorch fp32": TaggerArm(torch_tagger),
        "(c) Tagger, ONNX int8": TaggerArm(onnx_tagger),
    }
    art_seconds, _ = time_arms(article_arms, articles, runs)

    article = ARTICLE.read_text(encoding="utf-8")
    default_tagger = onnx_tagger if default_backend == "onnx" else torch_tagger
    default_tagger(article)
    whole_ms = []
    for _ in range(20):
        start = time.perf_counter()
        default_tagger(article)
        whole_ms.append(1000 * (time.perf_counter() - start))
    torch_ms = []
    for _ in range(5):
        start = time.perf_counter()
        torch_tagger(article)
        torch_ms.append(1000 * (time.perf_counter() - start))

    print("peak memory...", flush=True)
    mem_chars = 100_000 if args.quick else 1 << 20
    mem_backend, rss_loaded, rss_peak, mem_seconds, mem_entities = peak_rss(mem_chars)

    chars, art_chars = sum(map(len, texts)), sum(map(len, articles))
    base = chars / statistics.median(sent_seconds["(a) HF pipeline"])
    art_base = art_chars / statistics.median(art_seconds["(a) HF pipeline"])
    rows = []
    for name in sentence_arms:
        cps = chars / statistics.median(sent_seconds[name])
        art = f"{art_chars / statistics.median(art_seconds[name]):,.0f} | {art_chars / statistics.median(art_seconds[name]) / art_base:.2f}" if name in art_seconds else "- | -"
        rows.append(f"| {name} | {cps:,.0f} | {cps / base:.2f} | {art} | {peyma_f1(sentences, sent_out[name]):.2f} |")
    per_run = "; ".join(f"{n}: {', '.join(f'{s:.1f}' for s in v)}" for n, v in sent_seconds.items())
    per_run_art = "; ".join(f"{n}: {', '.join(f'{s:.1f}' for s in v)}" for n, v in art_seconds.items())
    import onnxruntime
    import transformers

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    lines = [
        "# CPU inference: the Tagger against transformers' token-classification pipeline",
        "",
        f"Medians of {runs} runs each, arms alternating in one process, one thread (torch and ONNX Runtime), after a warm-up. "
        f"Texts: {'the first ' if args.quick else ''}{len(texts)} {'' if args.quick else 'PEYMA test '}sentences{' of PEYMA test' if args.quick else ''} as a list ({chars:,} characters), "
        f"and the same sentences joined into {len(articles)} articles of about 800 words ({art_chars:,} characters). "
        "Model: the bundled `me5-small-peyma` (fp16 on disk, fp32 in PyTorch; int8 weights in ONNX Runtime).",
        "",
        "| arm | sentences: chars/s | × (a) | articles: chars/s | × (a) | F1, sentences (strict, 7 PEYMA types) |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"- The shared sample article ({len(article):,} characters), tagged whole by the default CPU backend ({default_backend}): "
        f"median {statistics.median(whole_ms):.0f} ms of 20 (PyTorch fp32: {statistics.median(torch_ms):.0f} ms of 5).",
        f"- Peak RSS tagging {mem_chars:,} characters (the sample article repeated) in a fresh process with the default backend "
        f"({mem_backend}): {rss_peak:,.0f} MiB ({rss_loaded:,.0f} MiB after loading, before tagging); {mem_seconds:.0f} s, {mem_entities:,} entities.",
        f"- Each run, sentences (s): {per_run}",
        f"- Each run, articles (s): {per_run_art}",
        "- (a) and (a') run `pipeline(..., aggregation_strategy=\"simple\")` with `batch_size=16` (articles: `stride=128`, "
        "`model_max_length=512`); (a') normalises with the model's settings first (that time included) and maps offsets back. "
        "F1: each arm's character spans mapped onto PEYMA's gold tokens (overlap), seqeval strict IOB2, micro average. "
        "PEYMA test is already nearly normalised (2 of 1,026 sentences change), so (a) and (a') differ little.",
        f"- machine: {cpu}, {os.cpu_count()} cores (shared; load average {load_avg[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end), "
        f"Python {platform.python_version()}, torch {torch.__version__}, onnxruntime {onnxruntime.__version__}, transformers {transformers.__version__}.",
        "",
        f"Command: `OMP_NUM_THREADS=1 python benchmarks/inference.py --runs {runs}{' --quick' if args.quick else ''}`",
    ]
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    Path(args.out).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
