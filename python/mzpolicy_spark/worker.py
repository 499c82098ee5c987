"""What runs on Spark's executors: one OPA per Python worker, one partition at a time.

This is an importable module on purpose: PySpark pickles functions of an
importable module by reference, so the module (and the OPA it holds in
`_opa`) lives in the Python worker across partitions while the worker is
reused (spark.python.worker.reuse, the default). A function pickled from
`__main__` would be a fresh copy in each task, starting an OPA each time.

The OPA is the CLI's embedded server (mzpolicy.opa.EmbeddedServer): a free
loopback port, a fresh token, and a Linux parent-death signal, so that it
dies with the worker when PySpark ends the worker with SIGKILL. It is
started by the worker's main thread (the signal follows the thread that
started it) and started again when a previous task left it dead.

A partition is decided by `mzpolicy batch`'s own code: the record read from
its physical line (or from its cells, for a table), validated and encoded
(roster_engine.prepare), sent to OPA a batch at a time with `in_flight`
queries at once (roster_engine.run), the error rows as batch writes them,
and the JSONL line written by batch's RowWriter.

Nothing from a row reaches an exception's message: a task that fails says
only what kind of failure it was (Spark shows task failures in its logs and
event logs, and rows hold ID numbers).
"""

from __future__ import annotations

import atexit
import datetime as dt
import io
import json
import os
import signal
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from . import _roster as r

# Column order of the decided rows (schema.OUTPUT_FIELDS gives the types).
FIELDS = [
    "row",
    "key",
    "id_number",
    "name",
    "policy_year",
    "document",
    "as_of",
    "eligible",
    "categories",
    "enrollment_region",
    "enrollment_via",
    "individual",
    "assistance_source",
    "assistance_amount",
    "individual_due",
    "payment_status",
    "amount_due",
    "payment_accepted",
    "payment_date",
    "payment_amount",
    "benefit_start",
    "benefit_end",
    "waiting_months",
    "refund_eligible",
    "duplicate_flag",
    "error_field",
    "error_code",
    "decision",
    "error",
    "ledger",
    "line",
]

# Fault injection for the tests only (tests/test_spark.py): SIGKILL this
# worker's OPA after N answered batches of partition P, on the task's first
# attempt, so that a retry is certain. Unset in any real run.
FAULT_ENV = "MZPOLICY_SPARK_TEST_KILL_OPA"


class WorkerFailed(Exception):
    """A task's failure, said without any row's data."""


class _Opa:
    """The worker's OPA and the client that asks it."""

    def __init__(self) -> None:
        self.server: Any = None
        self.client: Any = None
        self.ledgers: Any = None
        self.env: dict[str, str] = {}
        atexit.register(self.stop)

    def client_for(self, env: dict[str, str], entrypoint: str) -> Any:
        alive = self.server is not None and self.server.proc is not None and self.server.proc.poll() is None
        if not alive or env != self.env or self.client is None or self.client.path != entrypoint:
            self.stop()
            server = r.EmbeddedServer(reads_need_token=True, env=env)
            try:
                endpoint = server.start().ready()
            except r.OPAError as exc:
                server.stop()
                raise WorkerFailed(f"the worker's OPA did not start: {exc}") from None
            self.server, self.env = server, dict(env)
            self.client = r.BatchClient(endpoint, entrypoint, token=endpoint.token)
        return self.client

    def ledger_client(self) -> Any:
        """A client of the same OPA for entrypoints.BATCH_ROWS (the 免缴台账 facts)."""
        if self.ledgers is None or self.ledgers.endpoint is not self.client.endpoint:
            if self.ledgers is not None:
                self.ledgers.close()
            endpoint = self.client.endpoint
            self.ledgers = r.BatchClient(endpoint, r.BATCH_ROWS, token=endpoint.token)
        return self.ledgers

    def kill(self) -> None:
        if self.server is not None and self.server.proc is not None:
            os.kill(self.server.proc.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.ledgers is not None:
            self.ledgers.close()
            self.ledgers = None
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.server is not None:
            self.server.stop()
            self.server = None


_opa = _Opa()


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and hasattr(value, "text"):
        return value.text  # as written (records.WrittenNumber)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _utf8(text: str) -> str:
    """As `mzpolicy batch` writes it: a lone surrogate (a JSON "\\ud800" escape
    in the input) becomes the escape itself, which JSON reads back as it was."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def output_row(row: Any, key: Any, decision: Any, line: str, ledger: Any = None) -> tuple[Any, ...]:
    """One decided row as the FIELDS tuple."""
    resident = row.resident if isinstance(row.resident, dict) else {}
    payment = resident.get("payment") if isinstance(resident.get("payment"), dict) else {}
    error = row.error
    d = decision if error is None and isinstance(decision, dict) else {}
    c = d.get("contribution") or {}
    p = d.get("payment") or {}
    b = d.get("benefit") or {}
    e = d.get("enrollment") or {}
    assistance = c.get("assistance") or {}
    categories = d.get("categories")
    return (
        row.n,
        None if key is None else str(key),
        resident.get("id_number") if isinstance(resident.get("id_number"), str) else None,
        _text(resident.get("name")),
        d.get("policy_year"),
        d.get("document"),
        d.get("as_of"),
        d.get("eligible"),
        [str(x) for x in categories] if isinstance(categories, list) else None,
        e.get("region"),
        e.get("via"),
        _amount(c.get("individual")),
        assistance.get("source"),
        _amount(assistance.get("amount")),
        _amount(c.get("individual_due")),
        p.get("status"),
        _amount(p.get("amount_due")),
        p.get("accepted"),
        _text(payment.get("date")),
        _text(payment.get("amount")),
        _date(b.get("start")),
        _date(b.get("end")),
        b.get("waiting_months"),
        (d.get("refund") or {}).get("eligible"),
        r.payment_flag(resident),
        None if error is None else str(error.get("field")),
        None if error is None else error.get("code"),
        None if error is not None else _utf8(json.dumps(decision, ensure_ascii=False)),
        None if error is None else _utf8(json.dumps(error, ensure_ascii=False)),
        None if ledger is None else json.dumps(ledger, ensure_ascii=False),
        _utf8(line),
    )


def decide_partition(config: dict[str, Any], index: int, items: Iterable[tuple[int, Any, Any]]) -> Iterator[tuple]:
    """Decide one partition: `items` are (row number, key, payload), the payload
    the physical line's bytes (JSONL) or the row's cells (a table), in row order."""
    try:
        yield from _decide(config, index, items)
    except WorkerFailed:
        raise
    except r.OPAError as exc:
        # OPA's own messages name the server and the failure, never a row.
        raise WorkerFailed(f"partition {index}: {exc}") from None
    except Exception as exc:
        raise WorkerFailed(f"partition {index}: {type(exc).__name__} while deciding (no row data shown)") from None


def _decide(config: dict[str, Any], index: int, items: Iterable[tuple[int, Any, Any]]) -> Iterator[tuple]:
    env = {"GOMAXPROCS": str(config["in_flight"]), "MZPOLICY_SPARK_RUN": config["run_id"]}
    client = _opa.client_for(env, r.BATCH_DECISIONS)
    columns = config.get("columns")
    keys: dict[int, Any] = {}
    # Lines decoded as `mzpolicy batch` decodes them by default (--encoding
    # auto: UTF-8, else GB18030), so that the rows are its rows byte for byte.
    decoder = r.Decoder("auto")

    def inputs() -> Iterator[Any]:
        for n, key, payload in items:
            if key is not None:
                keys[n] = key
            if columns is None:
                item = r.jsonl_row(n, payload, decoder)
            else:
                item = r.cells_row(n, columns, payload)
                if item is None:  # the driver drops rows of empty cells before numbering
                    raise WorkerFailed(f"partition {index}: a row of empty cells was numbered")
            row = r.prepare(item, config["as_of"], config["policy_year"], config["default_as_of"])
            if config.get("ledger") and row.body is not None:
                row.extra[BODY] = row.body  # run() drops row.body once answered
            yield row

    on_batch = _fault(index)
    buffer = io.StringIO()
    writer = r.RowWriter(buffer, "jsonl")
    decided = r.run(inputs(), client, config["batch_size"], config["in_flight"], on_batch=on_batch)
    if config.get("ledger"):
        decided = _with_ledgers(decided, _opa.ledger_client(), config["batch_size"], config["in_flight"])
    for row in decided:
        decision = row.answer if row.error is None else None
        if row.answer is not None and row.error is None:
            row.error = r.decision_error(decision)
            decision = None if row.error is not None else decision
        buffer.seek(0)
        buffer.truncate()
        writer.write(row.n, row.resident, decision, row.error)
        line = buffer.getvalue().removesuffix("\n")
        yield output_row(row, keys.pop(row.n, None), decision, line, row.extra.get(LEDGER))


LEDGER = "ledger"


def _subsidised(row: Any) -> bool:
    """Whether the decision pays the person's share from a subsidy source: the
    rows whose 免缴台账 facts are asked (the policy says which have an entry)."""
    d = row.answer if row.error is None else None
    if not isinstance(d, dict) or d.get("error") is not None:
        return False
    return bool(((d.get("contribution") or {}).get("assistance") or {}).get("source"))


def _with_ledgers(decided: Iterable[Any], client: Any, batch_size: int, in_flight: int) -> Iterator[Any]:
    """The decided rows, in order, each subsidised one with its 免缴台账 facts
    in row.extra["ledger"]: the `ledger` of entrypoints.BATCH_ROWS for the
    same request (the source, the qualifying identities, the list owner and
    the clause are the policy's), asked a batch of subsidised rows at a time
    on the same OPA. A row OPA fails on fails the task (a ledger without it
    would be short)."""
    held: list[Any] = []
    asked: list[Any] = []

    def flush() -> Iterator[Any]:
        if asked:
            answers = {x.n: x for x in r.run(iter(asked), client, batch_size, in_flight)}
            for row in held:
                got = answers.get(row.n)
                if got is None:
                    continue
                if got.error is not None or not isinstance(got.answer, dict):
                    raise WorkerFailed("OPA gave no 免缴台账 facts for a subsidised row (no row data shown)")
                row.extra[LEDGER] = got.answer.get("ledger")
        yield from held
        held.clear()
        asked.clear()

    for row in decided:
        held.append(row)
        if row.extra.get(BODY) is not None and _subsidised(row):
            asked.append(r.Row(row.n, body=row.extra[BODY]))
        row.extra.pop(BODY, None)
        if len(asked) >= batch_size * in_flight or len(held) >= batch_size * in_flight * 8:
            yield from flush()
    yield from flush()


BODY = "request_body"


def _fault(index: int) -> Any:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return None
    from pyspark import TaskContext

    partition, after = (int(x) for x in spec.split(":"))
    context = TaskContext.get()
    if index != partition or context is None or context.attemptNumber() != 0:
        return None
    seen = [0]

    def on_batch(_: int) -> None:
        seen[0] += 1
        if seen[0] == after:
            _opa.kill()

    return on_batch


# ---------------------------------------------------------------- the driver's RDD steps
# Functions of this module, so that they pickle by reference.


def jsonl_payloads(rows: Iterable[Any]) -> Iterator[tuple[None, bytes | None]]:
    """The text source's lines (split on LF, as bytes) as `mzpolicy batch` reads
    them: a CR before the LF dropped, a line too long None, blank lines not rows."""
    for row in rows:
        line = r.physical_line(bytes(row[0]))
        if not r.is_blank(line):
            yield None, line


def cell_text(value: Any) -> str:
    """A table's typed value as a CSV roster writes the cell (the CSV rules then read it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(cell_text(v) for v in value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def table_payloads(width: int, has_key: bool, rows: Iterable[Any]) -> Iterator[tuple[Any, list[str]]]:
    """A table's rows as (key, cells); a row of nothing but empty cells is not
    a record and takes no row number, as in a CSV roster."""
    for row in rows:
        cells = [cell_text(v) for v in row[:width]]
        if any(c.strip() for c in cells):
            yield (row[width] if has_key else None), cells


def numbered(pair: tuple[tuple[Any, Any], int]) -> tuple[int, Any, Any]:
    (key, payload), index = pair
    return index + 1, key, payload


def keyed(item: tuple[int, Any, Any]) -> tuple[int, tuple[Any, Any]]:
    return item[0], (item[1], item[2])


def unkeyed(pair: tuple[int, tuple[Any, Any]]) -> tuple[int, Any, Any]:
    return pair[0], pair[1][0], pair[1][1]


def identity(x: Any) -> Any:
    return x


def row_range(total: int, partitions: int, n: int) -> int:
    """The partition of row n: consecutive ranges of rows, so part files stay in row order."""
    return (n - 1) * partitions // total


def id_key(x: Any) -> tuple[str, int]:
    """(the ID number as the duplicates report compares it, row)."""
    return x[1].strip().upper(), x[0]


def more_than_one(group: tuple[str, Iterable[int]]) -> bool:
    return len(list(group[1])) > 1


def key_rows(group: tuple[str, Iterable[int]]) -> Iterator[tuple[str, int]]:
    for n in group[1]:
        yield group[0], n
