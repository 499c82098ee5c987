"""Many decisions per OPA query (DESIGN.md, "Many decisions at once").

Rows are validated here (mzpolicy.records.problems: a bad row never reaches
OPA), encoded one by one, and sent a few hundred at a time as
{"input": {"requests": [...]}} to a batch entrypoint (entrypoints.py), with a small
number of batches in flight on worker threads. Answers come back in input
order, one per request (the length is checked). When OPA fails on a batch
(a rule conflict is an HTTP 500 for the whole query), the batch is split in
halves and retried down to the one request that fails, which becomes an
error row; the rest of the batch is decided. Transport failures, and a
policy that does not answer at all, stop the run (OPAError, CLI exit 3).

Memory: at most `in_flight + 1` batches are held at once, whatever the
roster's size, each at most MAX_QUERY_BYTES of requests and of input lines.
"""

from __future__ import annotations

import collections
import contextlib
import json
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from . import entrypoints, records
from .opa import Endpoint, OPAError
from .roster_io import InputRow

# OPA's batch rule takes at most 1000 requests a query, and OPA refuses a
# request body over 4 MiB; a query is kept well under both.
MAX_BATCH_REQUESTS = 1000
MAX_QUERY_BYTES = 3 << 20
_QUERY_HEAD = b'{"input":{"requests":['
_QUERY_TAIL = b"]}}"


def query_bytes(body_bytes: int, requests: int) -> int:
    """The size of the query that carries `requests` bodies of `body_bytes` in all."""
    return len(_QUERY_HEAD) + body_bytes + max(requests - 1, 0) + len(_QUERY_TAIL)


@dataclass
class Row:
    """A roster row on its way through: the request, or the error it became,
    and OPA's answer for it."""

    n: int
    resident: dict[str, Any] | None = None
    body: bytes | None = None
    error: dict[str, Any] | None = None
    answer: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    size: int = 0  # bytes of its input line


def problem_error(problems: list[records.Problem], code: str = "invalid_input") -> dict[str, Any]:
    """An error row's `error`: the first problem's field, every problem in the message."""
    error = records.InputError(problems)
    first = error.problems[0]
    return {
        "field": first.field,
        "message": error.one_line().removeprefix(f"{first.field}: "),
        "code": code,
        "problems": [{"field": p.field, "message": p.message} for p in error.problems],
    }


def decision_error(decision: Any) -> dict[str, Any] | None:
    """The defined errors of a decision (CONTRACT §1, §3) as an error row's `error`."""
    if not isinstance(decision, dict):
        return {"field": "(policy)", "message": f"the policy answered {decision!r}", "code": "bad_answer"}
    error = decision.get("error")
    if error is None:
        return None
    code = error.get("code")
    if code == "invalid_input" and error.get("problems"):
        problems = [records.Problem(p["field"], p["message"]) for p in error["problems"]]
        return problem_error(problems)
    if code == "year_not_loaded":
        message = error.get("message") or f"policy year {error.get('policy_year')} is not loaded"
        if error.get("hint"):
            message += f". {error['hint']}"
        return {
            "field": "policy_year",
            "message": message,
            "code": code,
            "loaded_years": error.get("loaded_years"),
        }
    return {"field": "(policy)", "message": error.get("message") or json.dumps(error, ensure_ascii=False), "code": code}


def prepare(item: InputRow, as_of: str | None, policy_year: int | None, default_as_of: str | None = None) -> Row:
    """Validate and encode one input row (main thread). Nothing that goes
    wrong with one row stops the run: an exception while building, checking
    or encoding it makes the row an error row that names the exception."""
    try:
        row = _prepare(item, as_of, policy_year, default_as_of)
        row.size = item.size
        return row
    except Exception as exc:
        resident = None
        with contextlib.suppress(Exception):
            found = records.build_request(item.document)["resident"] if item.document is not None else None
            resident = found if isinstance(found, dict) else None
        problem = records.Problem("(row)", f"could not be checked: {type(exc).__name__} (a defect of mzpolicy)")
        return Row(item.n, resident=resident, error=problem_error([problem], "unreadable"), size=item.size)


def _prepare(item: InputRow, as_of: str | None, policy_year: int | None, default_as_of: str | None) -> Row:
    if item.problems:
        return Row(item.n, error=problem_error(item.problems, "unreadable"))
    try:
        request = records.build_request(item.document, as_of=as_of, policy_year=policy_year)
    except records.InputError as exc:
        return Row(item.n, error=problem_error(exc.problems, "unreadable"))
    if default_as_of is not None:
        request.setdefault("as_of", default_as_of)
    resident = request.get("resident")
    resident = resident if isinstance(resident, dict) else None
    try:
        found = records.problems(request)
    except RecursionError:
        found = [records.Problem("(row)", "nests too deeply")]
    if found:
        return Row(item.n, resident=resident, error=problem_error(found))
    try:
        body = json.dumps(request, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError) as exc:
        return Row(item.n, resident=resident, error=problem_error([records.Problem("(row)", f"not encodable: {exc}")]))
    if query_bytes(len(body), 1) > MAX_QUERY_BYTES:
        message = f"the request is {len(body)} bytes, more than one OPA query may carry ({MAX_QUERY_BYTES}); not sent"
        return Row(item.n, resident=resident, error=problem_error([records.Problem("(row)", message)], "too_large"))
    return Row(item.n, resident=resident, body=body)


class _EvalFailed(Exception):
    """OPA answered a batch with an evaluation error (the batch may hold a bad row)."""


class BatchClient:
    """POSTs batches to a batch entrypoint (entrypoints.BATCH_DECISIONS or
    BATCH_ROWS), one keep-alive session per thread."""

    def __init__(
        self,
        endpoint: Endpoint,
        path: str = entrypoints.BATCH_DECISIONS,
        token: str | None = None,
        timeout: float = 600,
    ):
        self.endpoint = endpoint
        self.url = f"{endpoint.url}/v1/data/{path}"
        self.path = path
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self._local = threading.local()
        self._sessions: list[Any] = []
        self._lock = threading.Lock()
        self.queries = 0
        self.splits = 0

    def _session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = requests.Session()
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            for s in self._sessions:
                s.close()
            self._sessions.clear()

    def _post(self, bodies: list[bytes]) -> list[Any]:
        import requests

        payload = _QUERY_HEAD + b",".join(bodies) + _QUERY_TAIL
        with self._lock:
            self.queries += 1
        try:
            response = self._session().post(self.url, data=payload, headers=self.headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise OPAError(f"OPA at {self.endpoint.url} could not be reached: {type(exc).__name__}") from None
        if response.status_code in (400, 500):
            raise _EvalFailed(_message(response))
        if response.status_code != 200:
            raise OPAError(f"OPA at {self.endpoint.url} refused the batch: {_message(response)}")
        try:
            body = json.loads(response.content)
        except ValueError:
            raise OPAError(f"OPA at {self.endpoint.url} answered with something that is not JSON") from None
        result = body.get("result")
        if not isinstance(result, list):
            raise OPAError(f"OPA at {self.endpoint.url} has no {entrypoints.query(self.path)} (policy not loaded?)")
        if len(result) != len(bodies):
            raise OPAError(f"OPA answered {len(result)} times for {len(bodies)} requests: the batch rule drops rows")
        return result

    def decide(self, bodies: list[bytes]) -> list[Any]:
        """One answer per body; a body OPA fails on alone gets _Failure."""
        try:
            return self._post(bodies)
        except _EvalFailed as exc:
            if len(bodies) == 1:
                return [_Failure(str(exc))]
        with self._lock:
            self.splits += 1
        half = len(bodies) // 2
        return self.decide(bodies[:half]) + self.decide(bodies[half:])


@dataclass(frozen=True)
class _Failure:
    message: str


def _message(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        errors = body.get("errors") or []
        detail = "; ".join(e.get("message", "") for e in errors if isinstance(e, dict))
        text = f"{body.get('code', '')}: {body.get('message', '')}".strip(": ")
        return f"HTTP {response.status_code} {text}" + (f" ({detail})" if detail else "")
    return f"HTTP {response.status_code}"


class _Workers:
    """`count` daemon threads deciding batches off a queue.

    Not a ThreadPoolExecutor: its threads are joined when the interpreter
    exits, so a Ctrl-C would wait for every query in flight (up to the
    client's timeout against a remote OPA). Daemon threads end with the
    process; their queries are simply dropped."""

    def __init__(self, count: int, work: Callable[[list[bytes]], list[Any]]):
        self._work = work
        self._queue: queue.SimpleQueue[tuple[Future, list[bytes]] | None] = queue.SimpleQueue()
        self._count = count
        for i in range(count):
            threading.Thread(target=self._serve, name=f"mzpolicy-batch-{i}", daemon=True).start()

    def submit(self, bodies: list[bytes]) -> Future:
        future: Future = Future()
        self._queue.put((future, bodies))
        return future

    def _serve(self) -> None:
        while (item := self._queue.get()) is not None:
            future, bodies = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._work(bodies))
            except BaseException as exc:
                future.set_exception(exc)

    def close(self) -> None:
        for _ in range(self._count):
            self._queue.put(None)


def run(
    rows: Iterator[Row],
    client: BatchClient,
    batch_size: int = 250,
    in_flight: int = 2,
    on_batch: Callable[[int], None] | None = None,
) -> Iterator[Row]:
    """Decide rows in batches, `in_flight` at a time, and yield them in input
    order with `answer` set (or `error`, for rows that never went to OPA or
    that OPA failed on). A batch closes at `batch_size` requests (at most
    MAX_BATCH_REQUESTS) or before its query would pass MAX_QUERY_BYTES."""
    batch_size = min(batch_size, MAX_BATCH_REQUESTS)
    pending: collections.deque[tuple[list[Row], Future | None]] = collections.deque()
    # Error rows ride along in their batch so that order is kept; a roster of
    # nothing but bad rows still moves on in chunks bounded in rows and in
    # the bytes of their lines (an error row keeps its record for the output).
    max_rows = batch_size * 4

    decided = [False]

    def finish(chunk: list[Row], future: Future | None) -> list[Row]:
        if future is not None:
            results = future.result()
            failures = [a for a in results if isinstance(a, _Failure)]
            if not decided[0] and len(failures) == len(results) and len(results) > 1:
                # Not one bad row: the policy fails on everything it is asked.
                raise OPAError(f"OPA fails on every request of the first batch: {failures[0].message}")
            decided[0] = decided[0] or len(failures) < len(results)
            answers = iter(results)
            for row in chunk:
                if row.body is None:
                    continue
                answer = next(answers)
                if isinstance(answer, _Failure):
                    row.error = {"field": "(policy)", "message": f"OPA failed on this row: {answer.message}"}
                    row.error["code"] = "opa_error"
                else:
                    row.answer = answer
                row.body = None
        if on_batch is not None:
            on_batch(len(chunk))
        return chunk

    workers = _Workers(in_flight, client.decide)
    try:
        chunk: list[Row] = []
        sending = size = held = 0

        def send() -> None:
            bodies = [r.body for r in chunk if r.body is not None]
            pending.append((chunk, workers.submit(bodies) if bodies else None))

        for row in rows:
            if row.body is not None and sending and query_bytes(size + len(row.body), sending + 1) > MAX_QUERY_BYTES:
                send()
                chunk, sending, size, held = [], 0, 0, 0
            chunk.append(row)
            held += row.size
            if row.body is not None:
                sending += 1
                size += len(row.body)
            if sending >= batch_size or len(chunk) >= max_rows or held >= MAX_QUERY_BYTES:
                send()
                chunk, sending, size, held = [], 0, 0, 0
            while len(pending) > in_flight:
                yield from finish(*pending.popleft())
        if chunk:
            send()
        while pending:
            yield from finish(*pending.popleft())
    finally:
        # On an interrupt, queries not yet started are dropped and those in
        # flight are not waited for.
        for _, future in pending:
            if future is not None:
                future.cancel()
        workers.close()
