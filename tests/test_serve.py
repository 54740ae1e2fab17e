"""`farsiner serve`: a real uvicorn server on 127.0.0.1, asked over HTTP with httpx."""

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time

import pytest
from conftest import save_tiny_tagger

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from farsiner import Tagger  # noqa: E402
from farsiner.data.normalize_cli import sample_text  # noqa: E402
from farsiner.data.segment import split_sentences  # noqa: E402
from farsiner.infer.serve import Batcher, create_app, json_response_class  # noqa: E402

JSON = {"content-type": "application/json"}


@contextlib.contextmanager
def serving(app):
    """``app`` served by uvicorn in a thread on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture(scope="module")
def tiny_tagger(tmp_path_factory, parsbert_tokenizer):
    folder = save_tiny_tagger(tmp_path_factory.mktemp("tiny-model"), parsbert_tokenizer)
    return Tagger.from_pretrained(folder, backend="pytorch")


@pytest.fixture(scope="module")
def url(tiny_tagger):
    app = create_app(tiny_tagger, model_name="tiny", max_chars=1000, max_texts=8, max_wait_ms=5)
    with serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def client(url):
    with httpx.Client(base_url=url, timeout=60) as c:
        yield c


def sentences(n):
    text = sample_text()
    out = [text[a:b] for a, b in split_sentences(text)]
    return (out * (n // len(out) + 1))[:n]


def dicts(entities):
    return [e.to_dict() for e in entities]


def test_one_text(client, tiny_tagger):
    text = sentences(1)[0]
    r = client.post("/tag", json={"text": text})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"entities": dicts(tiny_tagger(text))}


def test_texts_in_order(client, tiny_tagger):
    texts = sentences(5)
    r = client.post("/tag", json={"texts": texts})
    assert r.status_code == 200
    assert r.json() == {"results": [{"entities": dicts(e)} for e in tiny_tagger.tag_batch(texts)]}


@pytest.mark.parametrize("text", ["", "   \n", "The Central Bank of Iran said on Monday.", "12345 !!!"])
def test_empty_and_non_persian_text(client, text):
    r = client.post("/tag", json={"text": text})
    assert r.status_code == 200
    entities = r.json()["entities"]
    assert isinstance(entities, list)
    assert all(text[e["start"] : e["end"]] == e["text"] for e in entities)
    if not text.strip():
        assert entities == []


def test_no_texts(client):
    r = client.post("/tag", json={"texts": []})
    assert (r.status_code, r.json()) == (200, {"results": []})


def test_lone_surrogate_gives_valid_json(client):
    body = '{"texts": ["\\ud800", "\\u0628\\u0627\\u0646\\u06a9\\ud800 \\u0645\\u0644\\u06cc", "a\\udfff"]}'
    r = client.post("/tag", content=body.encode(), headers=JSON)
    assert r.status_code == 200
    results = json.loads(r.content.decode("utf-8"))["results"]  # strict UTF-8: the surrogates come back escaped
    assert len(results) == 3


def test_surrogates_are_written_escaped():
    body = json_response_class()({"entities": [{"text": "\ud800بانک", "score": float("nan")}]}).body
    assert json.loads(body.decode("utf-8")) == {"entities": [{"text": "\ud800بانک", "score": None}]}


def test_too_long_text_is_413(client):
    r = client.post("/tag", json={"text": "ب" * 1001})
    assert r.status_code == 413
    assert "1001 characters" in r.json()["detail"] and "--max-chars" in r.json()["detail"]
    r = client.post("/tag", json={"texts": ["الف", "ب" * 1001]})
    assert r.status_code == 413 and "texts[1]" in r.json()["detail"]


def test_too_many_texts_is_413(client):
    r = client.post("/tag", json={"texts": ["سلام"] * 9})
    assert r.status_code == 413
    assert "9 texts" in r.json()["detail"] and "--max-texts" in r.json()["detail"]


def test_huge_body_is_413_before_it_is_read(client):
    r = client.post("/tag", content=b"x" * 300_000, headers=JSON)
    assert r.status_code == 413 and "bytes" in r.json()["detail"]


def test_huge_chunked_body_is_413_too(client):
    def chunks():  # no Content-Length: sent chunked
        yield b'{"text": "'
        for _ in range(40):
            yield b"x" * 10_000
        yield b'"}'

    r = client.post("/tag", content=chunks(), headers=JSON)
    assert r.status_code == 413 and "bytes" in r.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "\xd8\xa8\xd8\xa7',  # cut short
        b"not json",
        b"",
        b'{"text": 5}',
        b'{"texts": "one string"}',
        b'{"texts": ["a", 3]}',
        b'{"text": null}',
        b"{}",
        b'{"text": "a", "texts": ["b"]}',
        b'{"txt": "a"}',
        b'["a"]',
        b'"a"',
        b'{"text": "a", "texts": 5, "more": "\\ud800"}',
        b"\xff\xfe",  # not UTF-8
    ],
)
def test_bad_requests_are_422_json(client, body):
    r = client.post("/tag", content=body, headers=JSON)
    assert r.status_code == 422
    detail = json.loads(r.content.decode("utf-8"))["detail"]
    assert detail and all({"loc", "msg", "type"} <= set(d) for d in detail)


def test_body_must_be_sent_as_json(client):
    r = client.post("/tag", content=b'{"text": "a"}', headers={"content-type": "text/plain"})
    assert r.status_code == 422
    assert "Content-Type: application/json" in r.json()["detail"][0]["msg"]


def test_wrong_method_and_path_are_json(client):
    assert client.get("/tag").status_code == 405
    r = client.get("/nothing")
    assert r.status_code == 404 and "detail" in r.json()


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    h = r.json()
    assert (h["status"], h["model"], h["backend"]) == ("ok", "tiny", "pytorch")
    assert {"batches", "requests", "texts"} <= set(h)


def test_openapi_lists_tag(client):
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) >= {"/tag", "/health"}
    post = schema["paths"]["/tag"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/TagRequest")
    assert {"200", "413", "422"} <= set(post["responses"])
    assert {"TagRequest", "TagResult", "TagResults", "EntityOut", "Health"} <= set(schema["components"]["schemas"])


def test_concurrent_requests_are_batched_and_equal_one_at_a_time(tiny_tagger):
    texts = sentences(16)
    # mixed: most requests one text, some a list of two
    bodies = [{"texts": texts[i : i + 2]} if i % 5 == 0 else {"text": texts[i]} for i in range(16)]
    app = create_app(tiny_tagger, model_name="tiny", max_batch=64, max_wait_ms=200)
    with serving(app) as base, httpx.Client(base_url=base, timeout=60) as c:
        alone = [c.post("/tag", json=b).json() for b in bodies]
        before = c.get("/health").json()["batches"]
        assert before == len(bodies)  # one at a time: a batch each

        answers = [None] * len(bodies)
        barrier = threading.Barrier(len(bodies))

        def ask(i):
            with httpx.Client(base_url=base, timeout=60) as own:
                barrier.wait()
                answers[i] = own.post("/tag", json=bodies[i])

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(bodies))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert all(a is not None and a.status_code == 200 for a in answers)
        assert [a.json() for a in answers] == alone
        health = c.get("/health").json()
        assert health["batches"] - before < len(bodies)
        assert health["requests"] == 2 * len(bodies)


def test_a_failing_model_gives_a_json_500_not_a_traceback():
    class Broken:
        backend = "pytorch"

        def tag_batch(self, texts):
            raise RuntimeError("the model is broken")

    with serving(create_app(Broken(), model_name="broken")) as base, httpx.Client(base_url=base, timeout=60) as c:
        r = c.post("/tag", json={"text": "سلام"})
        assert r.status_code == 500
        assert r.json() == {"detail": "internal error: RuntimeError"}
        assert c.post("/tag", json={"text": 1}).status_code == 422  # still serving


def test_batcher_limits_and_isolates_failures():
    import asyncio

    calls = []

    def tag_batch(texts):
        calls.append(list(texts))
        if "boom" in texts:
            raise RuntimeError("boom")
        return [[t.upper()] for t in texts]

    async def main():
        batcher = Batcher(tag_batch, max_batch=3, max_wait_s=0.2)
        worker = asyncio.create_task(batcher.run())
        await asyncio.sleep(0)
        jobs = [batcher.tag(["a"]), batcher.tag(["b", "c"]), batcher.tag(["d"]), batcher.tag(["boom"]), batcher.tag(["e", "f", "g", "h"])]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        worker.cancel()
        batcher.close()
        return results

    results = asyncio.run(main())
    assert results[:3] == [[["A"]], [["B"], ["C"]], [["D"]]]
    assert isinstance(results[3], RuntimeError)
    assert results[4] == [["E"], ["F"], ["G"], ["H"]]
    assert all(len(c) <= 3 for c in calls[:-1]) and calls[-1] == ["e", "f", "g", "h"]  # too big for any batch: alone
    assert ["d"] in calls and ["boom"] in calls  # the failing batch rerun request by request


def test_bundled_model_over_http():
    tagger = Tagger.from_pretrained()
    text = "بانک ملی ایران ۳ میلیارد ریال وام داد."
    with serving(create_app(tagger, model_name="me5-small-peyma")) as base, httpx.Client(base_url=base, timeout=60) as c:
        entities = c.post("/tag", json={"text": text}).json()["entities"]
        assert c.get("/health").json()["backend"] == tagger.backend
    assert entities == dicts(tagger(text))
    found = {(e["text"], e["label"]) for e in entities}
    assert {("بانک ملی ایران", "ORG"), ("۳ میلیارد ریال", "MON")} <= found
    money = next(e for e in entities if e["label"] == "MON")
    assert money["value"] == {"amount": 3_000_000_000, "currency": "IRR"}
    assert text[money["start"] : money["end"]] == money["text"]


def test_serve_says_what_to_install_without_fastapi(monkeypatch, capsys):
    from farsiner.cli import main

    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi now raises ImportError
    assert main(["serve", "--port", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'pip install "farsiner[serve]"' in err[0]


def test_help_runs_without_fastapi():
    code = "import sys\nfor m in ('fastapi', 'uvicorn', 'starlette', 'pydantic'): sys.modules[m] = None\nfrom farsiner.cli import main\nmain(['serve', '--help'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "--max-wait-ms" in out.stdout
