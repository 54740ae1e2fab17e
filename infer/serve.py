"""`farsiner serve`: the Tagger as an HTTP service (FastAPI on uvicorn).

``POST /tag`` takes ``{"text": "..."}`` or ``{"texts": [...]}`` and answers with the
same entity JSON as ``farsiner tag``; ``GET /health`` says which model runs and how
many batches it has run. Concurrent requests are tagged together: they wait in an
asyncio queue, and one worker takes what has arrived within ``max_wait_ms`` (or
``max_batch`` texts), runs `Tagger.tag_batch` on it in a thread, so that the event
loop keeps serving, and answers each request with its own results, which equal
one-at-a-time calls. FastAPI and uvicorn are imported only when the service starts
(``pip install "farsiner[serve]"``).
"""

# No `from __future__ import annotations`: FastAPI reads the route functions' annotations,
# whose models are local to create_app.
import asyncio
import functools
import logging
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

INSTALL_HINT = 'farsiner serve needs FastAPI and uvicorn: pip install "farsiner[serve]"'


def register(subparsers) -> None:
    from farsiner.infer.tag_cli import positive_int

    p = subparsers.add_parser("serve", help="tag Persian text over HTTP (POST /tag)")
    p.add_argument("--model", help="model folder or hub id (default: the bundled model)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--max-batch", type=positive_int, default=32, help="texts tagged together at most (default: 32)")
    p.add_argument("--max-wait-ms", type=float, default=5.0, help="how long a batch waits for more requests (default: 5)")
    p.add_argument("--max-chars", type=positive_int, default=100_000, help="longest text accepted, in characters (default: 100000)")
    p.add_argument("--max-texts", type=positive_int, default=256, help="most texts in one request (default: 256)")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    if args.max_wait_ms < 0:
        raise ValueError(f"--max-wait-ms must be 0 or more, not {args.max_wait_ms}")
    from farsiner.infer.tagger import BUNDLED_MODEL, Tagger

    tagger = Tagger.from_pretrained(args.model)
    app = create_app(tagger, model_name=args.model or BUNDLED_MODEL, max_batch=args.max_batch, max_wait_ms=args.max_wait_ms,
                     max_chars=args.max_chars, max_texts=args.max_texts)
    uvicorn.run(app, host=args.host, port=args.port)
    return 0


class Batcher:
    """Requests queued on the event loop, tagged together by one worker in one thread.

    ``await batcher.tag(texts)`` returns the entities of each text. The worker
    (`run`, a task on the loop) takes the first waiting request, then whatever
    arrives within ``max_wait_s`` until ``max_batch`` texts are in hand (a request
    that would go over waits for the next batch; one that alone is over runs alone),
    and runs ``tag_batch`` on all their texts in its thread. A failing batch of
    several requests is rerun request by request, so that one request's error is
    not its neighbours'.
    """

    def __init__(self, tag_batch: Callable[[list[str]], list], max_batch: int = 32, max_wait_s: float = 0.005):
        self.tag_batch = tag_batch
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self.batches = 0  # tag_batch calls run
        self.requests = 0
        self.texts = 0
        self._queue: asyncio.Queue | None = None
        self._held = None  # a request that did not fit in the last batch
        # One thread: the model runs one batch at a time, and no two threads share it.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="farsiner-tagger")

    async def tag(self, texts: Sequence[str]) -> list:
        if self._queue is None:
            raise RuntimeError("the batcher's worker is not running")
        future = asyncio.get_running_loop().create_future()
        await self._queue.put((list(texts), future))
        return await future

    async def run(self) -> None:
        """The worker: runs until cancelled."""
        self._queue = asyncio.Queue()
        while True:
            jobs = await self._collect()
            if jobs:
                await self._run_jobs(jobs)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _collect(self) -> list:
        loop = asyncio.get_running_loop()
        first, self._held = self._held or await self._queue.get(), None
        jobs, n = [first], len(first[0])
        deadline = loop.time() + self.max_wait_s
        while n < self.max_batch:
            try:
                job = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                left = deadline - loop.time()
                if left <= 0:
                    break
                try:
                    async with asyncio.timeout(left):
                        job = await self._queue.get()
                except TimeoutError:
                    break
            if n + len(job[0]) > self.max_batch:
                self._held = job
                break
            jobs.append(job)
            n += len(job[0])
        return [(texts, future) for texts, future in jobs if not future.done()]  # a client that left is not tagged

    async def _run_jobs(self, jobs: list) -> None:
        loop = asyncio.get_running_loop()
        texts = [t for job_texts, _ in jobs for t in job_texts]
        self.batches += 1
        try:
            results = await loop.run_in_executor(self._executor, self.tag_batch, texts)
        except Exception as err:
            if len(jobs) > 1:
                for job in jobs:
                    await self._run_jobs([job])
                return
            _resolve(jobs[0][1], error=err)
            return
        k = 0
        for job_texts, future in jobs:
            _resolve(future, results[k : k + len(job_texts)])
            k += len(job_texts)
            self.requests += 1
            self.texts += len(job_texts)


def _resolve(future: asyncio.Future, result=None, error: BaseException | None = None) -> None:
    if future.done():  # cancelled: the client went away
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


@functools.cache
def api_models():
    """The request and response models (pydantic comes with FastAPI, so they are made on first use)."""
    from typing import Any

    from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

    class TagRequest(BaseModel):
        """One text (``text``) or several (``texts``), not both."""

        model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["texts"]}]})
        text: StrictStr | None = Field(None, description="a text to tag")
        texts: list[StrictStr] | None = Field(None, description="texts to tag; the results come in the same order")

        @model_validator(mode="after")
        def one_of_text_or_texts(self):
            if (self.text is None) == (self.texts is None):
                raise ValueError('give either "text" (a string) or "texts" (a list of strings)')
            return self

    class EntityOut(BaseModel):
        """An entity or quantity: ``text == input[start:end]``, offsets in code points of the text sent."""

        start: int
        end: int
        label: str = Field(description="PER, ORG, LOC, DAT, TIM, MON, PCT or QTY")
        text: str
        score: float = Field(description="0..1")
        value: dict[str, Any] | None = Field(None, description="the value of a MON, PCT, QTY, DAT or TIM; null where the text gives none")

    class TagResult(BaseModel):
        entities: list[EntityOut]

    class TagResults(BaseModel):
        results: list[TagResult] = Field(description="one per text, in the order sent")

    class Health(BaseModel):
        status: str
        model: str
        backend: str
        batches: int = Field(description="tag_batch calls run so far")
        requests: int = Field(description="requests tagged so far")
        texts: int = Field(description="texts tagged so far")

    class ErrorMessage(BaseModel):
        detail: str

    return TagRequest, TagResult, TagResults, Health, ErrorMessage


def create_app(tagger, *, model_name: str, max_batch: int = 32, max_wait_ms: float = 5.0, max_chars: int = 100_000, max_texts: int = 256):
    """The FastAPI app around ``tagger``; its batching worker runs while the app is served (its lifespan)."""
    import contextlib

    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    from farsiner import __version__

    TagRequest, TagResult, TagResults, Health, ErrorMessage = api_models()
    JSONBody = json_response_class()
    batcher = Batcher(tagger.tag_batch, max_batch, max_wait_ms / 1000)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        worker = asyncio.create_task(batcher.run())
        await asyncio.sleep(0)  # the worker's queue exists before the first request
        try:
            yield
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            batcher.close()

    app = FastAPI(title="farsiner", version=__version__, description="Entities and quantities in Persian text, with offsets into it.",
                  lifespan=lifespan)
    app.state.batcher = batcher
    # Past this a body cannot be within the limits even with every character \u-escaped in pairs.
    app.add_middleware(BodyLimit, limit=max_texts * (12 * max_chars + 16) + 4096)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, err: RequestValidationError):
        # The errors without the input they quote: it may be a 100,000-character text.
        detail = [{"loc": list(e.get("loc", ())), "msg": _message(e), "type": e.get("type", "")} for e in err.errors()]
        content_type = request.headers.get("content-type", "")
        if "json" not in content_type:
            detail.insert(0, {"loc": ["body"], "msg": f"send the body as JSON with Content-Type: application/json, not {content_type or 'none'!r}",
                              "type": "content_type"})
        return JSONBody({"detail": detail}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException):
        return JSONBody({"detail": err.detail}, status_code=err.status_code, headers=getattr(err, "headers", None))

    @app.exception_handler(Exception)
    async def server_error(request: Request, err: Exception):
        return JSONBody({"detail": f"internal error: {type(err).__name__}"}, status_code=500)

    @app.get("/health", response_model=Health)
    async def health():
        return JSONBody({"status": "ok", "model": str(model_name), "backend": getattr(tagger, "backend", "pytorch"),
                         "batches": batcher.batches, "requests": batcher.requests, "texts": batcher.texts})

    @app.post("/tag", response_model=TagResult | TagResults,
              responses={413: {"model": ErrorMessage, "description": "a text longer than --max-chars, or more texts than --max-texts"}})
    async def tag(request: TagRequest):
        """Entities of ``text``, or of each of ``texts``: the JSON of `farsiner tag`."""
        texts = [request.text] if request.text is not None else request.texts
        if len(texts) > max_texts:
            raise HTTPException(413, f"{len(texts)} texts in one request; the limit is {max_texts} (--max-texts): send them in several requests")
        for i, t in enumerate(texts):
            if len(t) > max_chars:
                which = "the text" if request.text is not None else f"texts[{i}]"
                raise HTTPException(413, f"{which} has {len(t)} characters; the limit is {max_chars} (--max-chars)")
        try:
            results = await batcher.tag(texts) if texts else []
        except Exception as err:  # the model's failure, not the request's: logged here, one JSON line there
            logging.getLogger("uvicorn.error").exception("farsiner serve: tagging failed")
            return JSONBody({"detail": f"internal error: {type(err).__name__}"}, status_code=500)
        as_json = [{"entities": [e.to_dict() for e in ents]} for ents in results]
        return JSONBody(as_json[0] if request.text is not None else {"results": as_json})

    return app


def _message(error: dict) -> str:
    if error.get("type") == "json_invalid" and error.get("ctx", {}).get("error"):
        return f"{error.get('msg', 'JSON decode error')}: {error['ctx']['error']}"
    return error.get("msg", "")


@functools.cache
def json_response_class():
    """A starlette Response writing JSON as `farsiner tag` does (made on first use: starlette comes with FastAPI)."""
    from starlette.responses import Response

    from farsiner.infer.tag_cli import json_line

    class JSONBody(Response):
        """No NaN, and a lone surrogate from the input written escaped: always valid JSON."""

        media_type = "application/json"

        def render(self, content) -> bytes:
            return json_line(content).rstrip("\n").encode("utf-8")

    return JSONBody


class BodyLimit:
    """ASGI middleware: a request whose Content-Length is over ``limit`` bytes gets 413 before its body is read."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", ())).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            response = json_response_class()({"detail": f"the body has {int(length)} bytes; the limit is {self.limit}"}, status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def counted():  # a chunked body has no Content-Length: count what arrives
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    from starlette.exceptions import HTTPException

                    raise HTTPException(413, f"the body has more than {self.limit} bytes, the limit")
            return message

        await self.app(scope, counted, send)
