"""A bounded load test of `farsiner serve`, on the loopback interface only.

Starts `farsiner serve` on 127.0.0.1 (the bundled model, the default CPU backend,
OMP_NUM_THREADS=1, default batching: --max-batch 32, --max-wait-ms 5) in a child
process, then runs 1, 8 and 32 concurrent clients for ``--seconds`` each. Each client
posts one PEYMA test sentence (``sentence.text``) at a time, in a loop, and waits for
its answer before the next. Reported per level: requests answered per second, latency
percentiles, errors (a status other than 200, or no answer), and the mean number of
texts per batch the server ran (from /health's counters).

    OMP_NUM_THREADS=1 python benchmarks/serve.py [--seconds 30] [--clients 1,8,32]

It prints a Markdown table and writes it to benchmarks/serve-results.md.
"""

import argparse
import asyncio
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from farsiner.data import read_peyma_split

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FARSINER_SHARED_DATA", REPO.parent / "shared" / "data"))
TEST = SHARED / "peyma" / "split" / "test.txt"
RESULTS = REPO / "benchmarks" / "serve-results.md"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1"}
    log = open(log_path, "wb")
    return subprocess.Popen([sys.executable, "-m", "farsiner", "serve", "--host", HOST, "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO.parent)


def wait_until_up(base: str, server: subprocess.Popen, log_path: Path, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped (exit {server.returncode}):\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            return httpx.get(f"{base}/health", timeout=2).json()
        except httpx.HTTPError:
            time.sleep(0.5)
    sys.exit(f"the server did not answer /health in {timeout:.0f} s")


async def load(base: str, texts: list[str], clients: int, seconds: float) -> dict:
    """``clients`` clients, each posting one text at a time for ``seconds``; latencies of the answered ones."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        start = time.perf_counter()
        end = start + seconds

        async def client(k: int) -> None:
            nonlocal errors
            i = k * 97  # clients start at different sentences
            while time.perf_counter() < end:
                text = texts[i % len(texts)]
                i += 1
                sent = time.perf_counter()
                try:
                    r = await http.post("/tag", json={"text": text})
                    ok = r.status_code == 200 and "entities" in r.json()
                except (httpx.HTTPError, ValueError):
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(client(k) for k in range(clients)))
        elapsed = time.perf_counter() - start  # the requests in flight at the end are waited for and counted
    return {"clients": clients, "answered": len(latencies), "errors": errors, "elapsed": elapsed, "latencies": latencies}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]  # nearest rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="seconds of load for each number of clients (default: 30)")
    parser.add_argument("--clients", default="1,8,32", help="numbers of concurrent clients, comma-separated (default: 1,8,32)")
    parser.add_argument("--out", default=str(RESULTS), help="where the Markdown table goes")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    texts = [s.text for s in read_peyma_split(TEST)]

    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "server.log"
        load_start = os.getloadavg()[0]
        server = start_server(port, log_path)
        try:
            health = wait_until_up(base, server, log_path)
            for text in texts[:10]:  # warm-up
                httpx.post(f"{base}/tag", json={"text": text}, timeout=120).raise_for_status()
            rows = []
            for clients in levels:
                before = httpx.get(f"{base}/health").json()
                row = asyncio.run(load(base, texts, clients, args.seconds))
                after = httpx.get(f"{base}/health").json()
                batches = after["batches"] - before["batches"]
                row["texts_per_batch"] = (after["texts"] - before["texts"]) / batches if batches else float("nan")
                rows.append(row)
                print(f"{clients} clients: {row['answered']} answered, {row['errors']} errors in {row['elapsed']:.1f} s", file=sys.stderr)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    load_end = os.getloadavg()[0]

    lines = [
        "# `farsiner serve` under load, on loopback",
        "",
        f"`farsiner serve` on {HOST} (model `{health['model']}`, backend `{health['backend']}`, OMP_NUM_THREADS=1, "
        f"--max-batch 32, --max-wait-ms 5) in one process; clients in another, {args.seconds:g} s for each number of clients, "
        f"each posting one PEYMA test sentence ({len(texts):,} sentences, {statistics.mean(len(t) for t in texts):.0f} characters "
        "on average) at a time and waiting for the answer. Latency: from sending a request to reading its answer.",
        "",
        "| clients | requests answered | requests/s | p50 ms | p95 ms | p99 ms | errors | texts per batch |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ms = [x * 1000 for x in r["latencies"]]
        lines.append(f"| {r['clients']} | {r['answered']:,} | {r['answered'] / r['elapsed']:.1f} | {percentile(ms, 50):.0f} | "
                     f"{percentile(ms, 95):.0f} | {percentile(ms, 99):.0f} | {r['errors']} | {r['texts_per_batch']:.1f} |")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    import fastapi
    import uvicorn

    lines += [
        "",
        f"- machine: {cpu}, {os.cpu_count()} cores (shared; load average {load_start:.1f} at the start, {load_end:.1f} at the end), "
        f"Python {platform.python_version()}, FastAPI {fastapi.__version__}, uvicorn {uvicorn.__version__}, httpx {httpx.__version__}.",
        "",
        f"Command: `OMP_NUM_THREADS=1 python benchmarks/serve.py --seconds {args.seconds:g}`",
        "",
    ]
    table = "\n".join(lines)
    print(table)
    Path(args.out).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
