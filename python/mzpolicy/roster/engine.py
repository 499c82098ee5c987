"""Many decisions per OPA query (DESIGN.md, "Many decisions at once").

Rows are validated here (mzpolicy.records.problems: a bad row never reaches
OPA), encoded one by one, and sent a few hundred at a time as
{"input": {"requests": [...]}} through the batching session
(mzpolicy.opa.session), with a small number of batches in flight on worker
threads. Answers come back in input order, one per request; a request OPA
fails on alone becomes an error row, the rest of its batch is decided.
Transport failures, and a policy that does not answer at all, stop the run
(OPAError, CLI exit 3).

Memory: at most `in_flight + 1` batches are held at once, whatever the
roster's size, each at most MAX_QUERY_BYTES of requests and of input lines.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Container, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from .. import entrypoints, records
from ..opa.endpoint import Endpoint
from ..opa.errors import OPAError, missing
from ..opa.server import embedded_unless
from ..opa.session import MAX_BATCH_REQUESTS, MAX_QUERY_BYTES, BatchClient, Failure, query_bytes
from .io import Decoder, InputRow, RosterFormatError, detect_format, open_binary, read_rows

# MAX_QUERY_BYTES is read from this module's globals (tests lower it here).
__all__ = ["MAX_BATCH_REQUESTS", "MAX_QUERY_BYTES", "Roster", "Row", "prepare", "probe_resident", "run"]


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


def problem_error(problems: list[Any], code: str = "invalid_input") -> dict[str, Any]:
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
        return problem_error(records.Problem.all_of(error))
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
            failures = [a for a in results if isinstance(a, Failure)]
            if not decided[0] and len(failures) == len(results) and len(results) > 1:
                # Not one bad row: the policy fails on everything it is asked.
                raise OPAError(f"OPA fails on every request of the first batch: {failures[0].message}")
            decided[0] = decided[0] or len(failures) < len(results)
            answers = iter(results)
            for row in chunk:
                if row.body is None:
                    continue
                answer = next(answers)
                if isinstance(answer, Failure):
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


# ---------------------------------------------------------------- a roster being decided


def probe_resident(region: str) -> dict[str, Any]:
    """A well-formed record for asking the policy about a date, not a person:
    registered in `region` (the bundle's city, data.mz.reference.city_region),
    with a GB 11643 number of that region whose check digit is computed."""
    first17 = f"{region}19900101123"
    return {"id_type": "resident_id", "id_number": first17 + records.check_digit(first17), "hukou_region": region}


class Roster:
    """A roster being decided: the embedded or given OPA, the input, the rows."""

    def __init__(
        self,
        path: str,
        input_format: str,
        as_of: str | None,
        policy_year: int | None,
        opa_url: str | None,
        batch_size: int,
        in_flight: int,
        progress: bool | None,
        entrypoint: str = entrypoints.BATCH_DECISIONS,
        encoding: str = "auto",
        *,
        today: str,
        token: str | None = None,
        warn: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
    ):
        """`today`: the date rows without their own as_of (and without --as-of)
        are decided on; `token`: the bearer token for --opa-url; `warn`: where
        a warning goes. Failures raise RosterFormatError (the roster or an
        option the policy cannot take) or OPAError."""
        self.today = today
        self.token = token
        self.warn = warn
        self.path = path
        self.encoding = encoding
        self.decoder = Decoder(encoding, notice=self._not_utf8)
        self.fmt = "jsonl" if path == "-" and input_format == "auto" else detect_format(path, input_format)
        self.as_of = as_of
        self.policy_year = policy_year
        self.opa_url = opa_url
        self.batch_size = batch_size
        self.in_flight = in_flight
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.entrypoint = entrypoint
        self.client: BatchClient | None = None
        self.items: Iterator[InputRow] = iter(())  # the roster's rows, read as they are decided
        self.elapsed = 0.0

    @contextlib.contextmanager
    def opened(self) -> Iterator[Roster]:
        """Start OPA (embedded unless --opa-url), check the year, and always stop it."""
        # OPA boots while the roster is opened and its header read.
        with embedded_unless(self.opa_url) as server, self._open_input():
            try:
                endpoint = server.ready() if server is not None else Endpoint.parse(self.opa_url or "")
            except ValueError as exc:
                raise OPAError(str(exc)) from None
            self.client = BatchClient(endpoint, self.entrypoint, token=self.token if self.opa_url else endpoint.token)
            try:
                self._check_year()
                yield self
            finally:
                self.client.close()

    @contextlib.contextmanager
    def opened_on(self, other: Roster) -> Iterator[Roster]:
        """Open this roster's input against the OPA `other` has open."""
        assert other.client is not None, "other.opened() first"
        self.client = BatchClient(
            other.client.endpoint, self.entrypoint, token=self.token if self.opa_url else other.client.endpoint.token
        )
        try:
            with self._open_input():
                yield self
        finally:
            self.client.close()

    def _open_input(self) -> Any:
        """Open the roster and read a CSV header now, so that a bad roster is
        refused (exit 2) before anything is written. Returns what to close
        (not standard input, which is not ours)."""
        stream = open_binary(self.path)
        self.items = read_rows(stream, self.fmt, self.decoder)
        return stream if self.path != "-" else contextlib.nullcontext()

    def _not_utf8(self) -> None:
        """Said once, at the first line that is not UTF-8 (--encoding auto)."""
        where = "standard input" if self.path == "-" else self.path
        self.warn(
            f"mzpolicy: {where} is not UTF-8 text; its lines that are not are read as GB18030 (GBK, what Excel"
            " saves on a Chinese Windows). Give --encoding gb18030 to read the roster so without this note."
            f" / {where} 不是 UTF-8 编码，已按 GB18030（GBK）读取；可用 --encoding gb18030 指明。"
        )

    def _check_year(self) -> None:
        assert self.client is not None
        years = self.query(entrypoints.LOADED_YEARS)
        if not isinstance(years, list):
            raise missing(self.client.endpoint.url, entrypoints.query(entrypoints.LOADED_YEARS))
        if self.policy_year is not None and self.policy_year not in years:
            raise RosterFormatError(
                f"policy year {self.policy_year} is not loaded; loaded years: " + ", ".join(map(str, years))
            )
        # The year that --as-of (or today, for rows without their own as_of)
        # falls in, asked of the policy with a well-formed probe resident.
        as_of = self.as_of or self.today
        region = self.query(f"{entrypoints.REFERENCE}/city_region")
        if not isinstance(region, str):
            raise missing(self.client.endpoint.url, f"{entrypoints.query(entrypoints.REFERENCE)}.city_region", "")
        probe: dict[str, Any] = {"as_of": as_of, "resident": probe_resident(region)}
        if self.policy_year is not None:
            probe["policy_year"] = self.policy_year
        error = decision_error(self.client.decide_one(probe))
        if error is None or error.get("code") != "year_not_loaded":
            return
        if self.as_of:
            raise RosterFormatError(f"--as-of {as_of}: {error['message']}")
        self.warn(
            f"warning: rows without their own as_of are decided on today's date, {as_of}: {error['message']};"
            " give --as-of or --year"
        )

    def query(self, path: str) -> Any:
        """A document of the policy (not per resident), e.g. entrypoints.LOADED_YEARS."""
        assert self.client is not None
        return self.client.document(path)

    def decision_of(self, row: Row) -> Any:
        """The decision (the whole one, or a row's lean one) of a decided row."""
        return row.answer if self.entrypoint == entrypoints.BATCH_DECISIONS else row.answer["decision"]

    def rows(self, select: Container[int] | None = None, start: int = 1) -> Iterator[Row]:
        """Every row (or the rows numbered in `select`; or from row `start`
        on, the rows before it read but not decided), decided, in order:
        `answer` set, or `error`."""
        assert self.client is not None, "opened() first"
        default_as_of = None if self.as_of else self.today
        items = self.items if select is None else (item for item in self.items if item.n in select)
        if start > 1:
            items = (item for item in items if item.n >= start)
        started = time.perf_counter()
        with self._bar(len(select) if select is not None else None) as bar:
            prepared = (prepare(item, self.as_of, self.policy_year, default_as_of) for item in items)
            for row in run(prepared, self.client, self.batch_size, self.in_flight, on_batch=bar.update):
                if row.answer is not None and row.error is None:
                    row.error = decision_error(self.decision_of(row))
                yield row
        self.elapsed = time.perf_counter() - started

    def _bar(self, total: int | None) -> Any:
        from tqdm import tqdm

        if total is None and self.progress:
            total = _count_rows(self.path, self.fmt)
        return tqdm(
            total=total,
            unit="row",
            unit_scale=True,
            file=sys.stderr,
            disable=not self.progress,
            dynamic_ncols=True,
            mininterval=0.5,
            smoothing=0.1,
        )


def _count_rows(path: str, fmt: str) -> int | None:
    """Rows in a regular file, for the progress bar's total (lines; CSV less its header)."""
    if path == "-" or not os.path.isfile(path):
        return None
    count = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            count += block.count(b"\n")
    return max(count - (1 if fmt == "csv" else 0), 0)
