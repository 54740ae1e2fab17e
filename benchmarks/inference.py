"""CPU inference speed and accuracy: the default Tagger against transformers' pipeline on the 12-layer model.

All arms run on one CPU thread in one process, runs alternating, on the same texts:
PEYMA's test sentences as a list of strings (``sentence.text``), and the same sentences
joined into articles of about 800 words.

- (a) ``pipeline("token-classification", aggregation_strategy="simple")``, batch 16, fp32, on
  the 12-layer PEYMA model that was bundled before the economic and distilled ones (git
  ``893825f``, ``infer/models/me5-small-peyma``): what a user would otherwise run. The
  articles with ``stride=128`` (``model_max_length=512``). It sees the raw text.
- (b) ``Tagger.from_pretrained(<the 12-layer economic model>)``, ONNX int8, where the bundled
  model is another one: the previous default (git ``81bf8c9``, ``infer/models/me5-small-news``).
- (d) ``Tagger.from_pretrained()``: the bundled model as a user gets it (ONNX Runtime int8 on
  the CPU); (c) the same with ``backend="pytorch"`` (fp32), timed on the sample article only.
- ``--also FOLDER``: a Tagger (ONNX int8) on another model folder, a student say.

Models taken from git history are extracted once into ``runs/bench-models/<commit>/``.

F1 is seqeval strict micro over PEYMA's seven types against the test gold: each arm's
character spans are mapped onto the gold tokens (a token is in an entity if their
characters overlap) and read as IOB2. Also measured: the shared sample article tagged
whole by the default CPU backend, and the peak RSS of tagging 1 MiB of text (2^20
characters, the sample article repeated) with the default backend, in a fresh process.

    OMP_NUM_THREADS=1 python benchmarks/inference.py [--runs 5] [--quick] [--also FOLDER ...]

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
# (commit, folder): the 12-layer models the default is measured against
PEYMA_12 = ("893825ff9af030f5566177846254f11384928f34", "infer/models/me5-small-peyma")
NEWS_12 = ("81bf8c9ef83cc3c20e7d862502e336e92ff3fd93", "infer/models/me5-small-news")

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


def model_from_git(commit: str, folder: str) -> Path:
    """A model folder as it was at ``commit``, extracted once under runs/bench-models/ (the repository's own history)."""
    import shutil
    import tempfile

    out = REPO / "runs" / "bench-models" / commit[:7]
    if not (out / folder).is_dir():
        got = subprocess.run(["git", "-C", str(REPO), "archive", commit, folder], capture_output=True)
        if got.returncode != 0:
            sys.exit(f"{folder} at {commit[:7]} is not in this checkout's history ({got.stderr.decode().strip()}): a full clone has it")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=out.parent))  # renamed into place whole: no half-extracted folder is reused
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=got.stdout, check=True)
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
    return out / folder


def hf_pipeline(path: Path):
    """transformers' token-classification pipeline on a model folder, fp32, as a user would build it."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

    model = AutoModelForTokenClassification.from_pretrained(path, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.model_max_length = 512  # the folder leaves it unset; the pipeline's stride needs it
    return pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="simple", device=-1)


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
    """transformers' pipeline on the raw text."""

    def __init__(self, pipe, stride: int | None = None):
        self.pipe, self.stride = pipe, stride

    def __call__(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        kwargs = {"batch_size": 16} | ({"stride": self.stride} if self.stride else {})
        return [[(g["start"], g["end"], g["entity_group"]) for g in groups] for groups in self.pipe(texts, **kwargs)]


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
    parser.add_argument("--also", nargs="+", default=[], help="model folders to time as more Tagger arms (ONNX int8)")
    args = parser.parse_args()
    if not TEST.exists():
        sys.exit(f"PEYMA test is not at {TEST} (set FARSINER_SHARED_DATA)")
    torch.set_num_threads(1)

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

    peyma_12, news_12 = model_from_git(*PEYMA_12), model_from_git(*NEWS_12)
    torch_tagger = Tagger.from_pretrained(backend="pytorch")
    onnx_tagger = Tagger.from_pretrained(backend="onnx")  # builds and caches the int8 file on first use
    default_backend = Tagger.from_pretrained().backend
    news_12_tagger = Tagger.from_pretrained(news_12, backend="onnx")
    pipe = hf_pipeline(peyma_12)
    bundled = Path(bundled_model_path()).name
    previous = {} if bundled == Path(NEWS_12[1]).name else {"(b) Tagger, 12-layer me5-small-news, ONNX int8": TaggerArm(news_12_tagger)}
    # a run's model folder is named "model": the run's name says more
    also = {f"(e{i + 1}) Tagger, {(Path(m).parent if Path(m).name == 'model' else Path(m)).name}, ONNX int8": TaggerArm(Tagger.from_pretrained(m, backend="onnx"))
            for i, m in enumerate(args.also)}

    print(f"{len(texts)} sentences ({sum(map(len, texts))} characters), {len(articles)} articles; {runs} runs", flush=True)
    print("sentences:", flush=True)
    sentence_arms = {
        "(a) HF pipeline, 12-layer me5-small-peyma": PipelineArm(pipe),
        **previous,
        f"(d) Tagger, {bundled}, ONNX int8 (default)": TaggerArm(onnx_tagger),
        **also,
    }
    sent_seconds, sent_out = time_arms(sentence_arms, texts, runs)
    print("articles:", flush=True)
    article_arms = {
        "(a) HF pipeline, 12-layer me5-small-peyma": PipelineArm(pipe, stride=128),
        **previous,
        f"(d) Tagger, {bundled}, ONNX int8 (default)": TaggerArm(onnx_tagger),
        **also,
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
    torch_ms, news_12_ms = [], []
    for _ in range(5):
        for tagger, ms in ((torch_tagger, torch_ms), (news_12_tagger, news_12_ms)):
            start = time.perf_counter()
            tagger(article)
            ms.append(1000 * (time.perf_counter() - start))

    print("peak memory...", flush=True)
    mem_chars = 100_000 if args.quick else 1 << 20
    mem_backend, rss_loaded, rss_peak, mem_seconds, mem_entities = peak_rss(mem_chars)

    chars, art_chars = sum(map(len, texts)), sum(map(len, articles))
    baseline = next(iter(sentence_arms))
    base = chars / statistics.median(sent_seconds[baseline])
    art_base = art_chars / statistics.median(art_seconds[baseline])
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
        f"Models: the bundled `{bundled}` (fp16 on disk, fp32 in PyTorch; int8 weights in ONNX Runtime) and, from git history, "
        f"the 12-layer `me5-small-peyma` ({PEYMA_12[0][:7]}) and `me5-small-news` ({NEWS_12[0][:7]}).",
        "",
        "| arm | sentences: chars/s | × (a) | articles: chars/s | × (a) | F1, sentences (strict, 7 PEYMA types) |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"- The shared sample article ({len(article):,} characters), tagged whole by the default CPU backend ({default_backend}): "
        f"median {statistics.median(whole_ms):.0f} ms of 20 (PyTorch fp32: {statistics.median(torch_ms):.0f} ms of 5; "
        f"the 12-layer me5-small-news, ONNX int8: {statistics.median(news_12_ms):.0f} ms of 5).",
        f"- Peak RSS tagging {mem_chars:,} characters (the sample article repeated) in a fresh process with the default backend "
        f"({mem_backend}): {rss_peak:,.0f} MiB ({rss_loaded:,.0f} MiB after loading, before tagging); {mem_seconds:.0f} s, {mem_entities:,} entities.",
        f"- Each run, sentences (s): {per_run}",
        f"- Each run, articles (s): {per_run_art}",
        "- (a) runs `pipeline(..., aggregation_strategy=\"simple\")` with `batch_size=16` (articles: `stride=128`, "
        "`model_max_length=512`) on the raw text. "
        "F1: each arm's character spans mapped onto PEYMA's gold tokens (overlap), seqeval strict IOB2, micro average.",
        f"- machine: {cpu}, {os.cpu_count()} cores (shared; load average {load_avg[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end), "
        f"Python {platform.python_version()}, torch {torch.__version__}, onnxruntime {onnxruntime.__version__}, transformers {transformers.__version__}.",
        "",
        f"Command: `OMP_NUM_THREADS=1 python benchmarks/inference.py --runs {runs}{' --quick' if args.quick else ''}"
        f"{' --also ' + ' '.join(args.also) if args.also else ''}`",
    ]
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    Path(args.out).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
