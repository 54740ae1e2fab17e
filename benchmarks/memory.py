"""Peak memory of tagging one big text with the default CPU backend, at 1, 5 and 10 MiB.

Each size runs in a fresh interpreter on one thread: the text (2^20 x N characters of
EghtesadOnline headlines and leads, one a line, repeated as needed) is passed whole to
``Tagger.__call__``; VmHWM is read after loading and after tagging. The Tagger works
through the text in pieces of about 50,000 characters cut at line ends, so the peak
should not grow with the size.

    OMP_NUM_THREADS=1 python benchmarks/memory.py [--mib 1 5 10] [--word-mib 0.25]

``--word-mib`` adds one text that is a single word without spaces of that size.
It prints a table and writes it to benchmarks/memory-results.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FARSINER_SHARED_DATA", REPO.parent / "shared" / "data"))
RESULTS = REPO / "benchmarks" / "memory-results.md"

SCRIPT = """
import re, sys, time
import torch
torch.set_num_threads(1)
from farsiner import Tagger
from farsiner.data import read_eghtesadonline

def peak_mib():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)) / 1024

chars = int(float(sys.argv[2]) * 2**20)
if sys.argv[3] == "word":
    text = "ب" * chars
else:
    news = "\\n".join(t for r in read_eghtesadonline(sys.argv[1]) for t in (r.title, r.summary) if t.strip())
    text = (news * (chars // len(news) + 1))[:chars]
tagger = Tagger.from_pretrained()
tagger("بانک ملی ایران ۳ میلیارد ریال وام داد.")
loaded = peak_mib()
start = time.perf_counter()
n = len(tagger(text))
print(tagger.backend, round(loaded), round(peak_mib()), round(time.perf_counter() - start), n)
"""


def measure(mib: float, kind: str) -> tuple[str, int, int, int, int]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(SHARED / "eghtesadonline"), str(mib), kind],
                          capture_output=True, text=True, check=True)
    backend, loaded, peak, seconds, n = done.stdout.split()[-5:]
    return backend, int(loaded), int(peak), int(seconds), int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, nargs="+", default=[1, 5, 10])
    parser.add_argument("--word-mib", type=float, default=0.0, help="also one word of this many MiB (0: skip)")
    args = parser.parse_args()
    rows = [("news", m, *measure(m, "news")) for m in args.mib]
    if args.word_mib:
        rows.append(("one word", args.word_mib, *measure(args.word_mib, "word")))
    lines = [
        "| text | MiB (2^20 characters) | backend | MiB after loading | peak MiB | seconds | entities |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {kind} | {m:g} | {b} | {loaded} | {peak} | {s} | {n} |" for kind, m, b, loaded, peak, s, n in rows]
    table = "\n".join(lines)
    print(table)
    RESULTS.write_text(
        "# Peak memory at size\n\n`OMP_NUM_THREADS=1 python benchmarks/memory.py"
        + (f" --word-mib {args.word_mib:g}" if args.word_mib else "")
        + "` (one thread, a fresh process per size, VmHWM)\n\n" + table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
