"""Rosters in and out: JSONL and CSV rows of resident records, read and
written one row at a time so that memory does not grow with the roster.

JSONL: one JSON object per line, either a resident record (CONTRACT.md §2)
or a whole request (`as_of`, `policy_year`, `resident`). Blank lines are not
rows.

CSV (UTF-8, a header row, then one resident per row; fixtures/rosters/README.md
has the same table with examples). Columns are the record's fields by name;
a nested field is a dotted column; any column may be left out, and the order
is free:

- text: `name`, `id_type`, `id_number`, `birth_date`, `hukou_region`,
  `residence_region`, `residence_permit_region`, `identity_region`
- booleans `true` / `false`: `employed`, `employee_insurance`,
  `resident_insurance_elsewhere`, `rural`, `relative_employee_account`
- lists, `;`-separated: `identities` (codes), `enrolled_years`,
  `repaired_years` (years)
- `student.level`, `student.full_time`, `student.school_region`,
  `student.migrant_worker_child`
- `events.<event>`, one column per event used (`events.death`,
  `events.hukou_moved_in`, ...), each a date
- `payment.date`, `payment.amount` (yuan, e.g. `400` or `380.50`)
- per-row request fields: `as_of`, `policy_year` (the command's flags win)

An empty cell means the field is absent (a default applies). The column set
comes from the resident JSON Schema, so an unknown or misspelt column is a
usage error naming it, never ignored. A cell that is not of its column's
type makes that row an error row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import IO, Any

from .paths import SCHEMAS
from .records import Problem, parse_json

LIST_SEPARATOR = ";"
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
REQUEST_COLUMNS = {"as_of": "string", "policy_year": "integer"}

# The order `mzpolicy batch` and the bench generator write; reading takes any order.
CSV_COLUMNS = [
    "as_of",
    "policy_year",
    "name",
    "id_type",
    "id_number",
    "birth_date",
    "hukou_region",
    "residence_region",
    "residence_permit_region",
    "identity_region",
    "employed",
    "employee_insurance",
    "resident_insurance_elsewhere",
    "rural",
    "relative_employee_account",
    "identities",
    "enrolled_years",
    "repaired_years",
    "student.level",
    "student.full_time",
    "student.school_region",
    "student.migrant_worker_child",
    "events.employee_insurance_ended",
    "events.hukou_moved_in",
    "events.school_transfer_in",
    "events.released_from_prison",
    "events.discharged_from_military",
    "events.death",
    "events.employee_insurance_started",
    "events.duplicate_enrollment",
    "payment.date",
    "payment.amount",
]


class RosterFormatError(Exception):
    """The roster as a whole cannot be read (a usage error, exit 2)."""


@dataclass
class InputRow:
    """One row of a roster: its number (1-based, data rows only) and either
    the parsed document (a record or a whole request) or the problems."""

    n: int
    document: dict[str, Any] | None = None
    problems: list[Problem] | None = None


# ---------------------------------------------------------------- formats


def detect_format(path: str, given: str) -> str:
    if given != "auto":
        return given
    lower = path.lower()
    if lower.endswith(".csv"):
        return "csv"
    return "jsonl"


def open_text(path: str, stdin: IO[str] | None = None) -> IO[str]:
    """The roster as UTF-8 text; '-' is standard input. newline='' keeps CSV's
    quoted line breaks."""
    if path == "-":
        import sys

        stream = stdin or sys.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            return stream
        return io.TextIOWrapper(buffer, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        # Bytes that are not UTF-8 become surrogates, and their row an error row.
        return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise RosterFormatError(f"cannot read {path}: {exc.strerror}") from None


def read_rows(stream: IO[str], fmt: str) -> Iterator[InputRow]:
    return read_csv(stream) if fmt == "csv" else read_jsonl(stream)


def read_jsonl(stream: IO[str]) -> Iterator[InputRow]:
    n = 0
    for line in stream:
        if not line.strip():
            continue
        n += 1
        if _NOT_UTF8.search(line):
            yield InputRow(n, problems=[Problem("(row)", "is not UTF-8 text")])
            continue
        try:
            document = parse_json(line)
        except ValueError as exc:
            yield InputRow(n, problems=[Problem("(row)", f"not JSON: {exc}")])
            continue
        except RecursionError:
            yield InputRow(n, problems=[Problem("(row)", "not JSON: nests too deeply")])
            continue
        if not isinstance(document, dict):
            kind = type(document).__name__ if document is not None else "null"
            yield InputRow(n, problems=[Problem("(row)", f"expected a JSON object (a resident record), got {kind}")])
            continue
        yield InputRow(n, document=document)


# ---------------------------------------------------------------- CSV


@cache
def _resident_schema() -> dict[str, Any]:
    return json.loads((SCHEMAS / "resident.schema.json").read_text(encoding="utf-8"))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref and ref.startswith("#/definitions/"):
        return schema["definitions"][ref.rsplit("/", 1)[1]]
    return node


def column_kind(column: str) -> str | None:
    """The type of a column's cells from the resident schema: string,
    boolean, integer, number, or list:<item type>; None for no such field."""
    if column in REQUEST_COLUMNS:
        return REQUEST_COLUMNS[column]
    schema = _resident_schema()
    node: dict[str, Any] = schema
    for part in column.split("."):
        node = _resolve(schema, node)
        properties = node.get("properties")
        if node.get("type") != "object" or not properties or part not in properties:
            return None
        node = _resolve(schema, properties[part])
    kind = node.get("type")
    if kind == "array":
        return "list:" + _resolve(schema, node.get("items", {})).get("type", "string")
    if kind in ("string", "boolean", "integer", "number"):
        return kind
    return None  # an object column (student, payment, events) must be given by its dotted fields


def _header(row: list[str]) -> list[tuple[str, str, list[str]]]:
    columns = []
    unknown = []
    seen = set()
    for raw in row:
        name = raw.strip()
        name = name.removeprefix("resident.")
        kind = column_kind(name)
        if kind is None:
            unknown.append(raw)
            continue
        if name in seen:
            raise RosterFormatError(f"CSV header: column {name!r} appears twice")
        seen.add(name)
        columns.append((name, kind, [] if name in REQUEST_COLUMNS else name.split(".")))
    if unknown:
        raise RosterFormatError(
            "CSV header: unknown column(s) "
            + ", ".join(repr(c) for c in unknown)
            + "; columns are the record's fields, nested ones dotted (student.level, events.death, payment.amount):"
            " see fixtures/rosters/README.md"
        )
    if not any(name == "id_number" for name, _, _ in columns):
        raise RosterFormatError("CSV header: there is no id_number column")
    return columns


def _cell(value: str, kind: str, field: str) -> Any:
    if kind == "string":
        return value
    if kind == "boolean":
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise ValueError(f"{value!r} is not true or false")
    if kind == "integer":
        try:
            return int(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number") from None
    if kind == "number":
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        if not number.is_finite():
            raise ValueError(f"{value!r} is not a finite number")
        return int(number) if number == number.to_integral_value() else float(number)
    item_kind = kind.split(":", 1)[1]
    items = [item.strip() for item in value.split(LIST_SEPARATOR)]
    return [_cell(item, item_kind, field) for item in items if item]


def read_csv(stream: IO[str]) -> Iterator[InputRow]:
    """The rows of a CSV roster. The header is read and checked at once (a bad
    header raises RosterFormatError here, before any row is written)."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        return iter(())
    except csv.Error as exc:
        raise RosterFormatError(f"CSV header: {exc}") from None
    return _csv_rows(reader, _header(header), len(header))


def _csv_rows(reader: Any, columns: list[tuple[str, str, list[str]]], width: int) -> Iterator[InputRow]:
    n = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            n += 1
            yield InputRow(n, problems=[Problem("(row)", f"not CSV: {exc}")])
            continue
        if not cells or not any(c.strip() for c in cells):
            continue
        n += 1
        if len(cells) != width:
            yield InputRow(n, problems=[Problem("(row)", f"has {len(cells)} cells, the header has {width}")])
            continue
        if any(_NOT_UTF8.search(c) for c in cells):
            yield InputRow(n, problems=[Problem("(row)", "is not UTF-8 text")])
            continue
        yield _csv_row(n, columns, cells)


def _csv_row(n: int, columns: list[tuple[str, str, list[str]]], cells: list[str]) -> InputRow:
    request: dict[str, Any] = {}
    resident: dict[str, Any] = {}
    problems = []
    for (name, kind, path), value in zip(columns, cells, strict=True):
        if value == "":
            continue
        field = name if not path else "resident." + name
        try:
            converted = _cell(value, kind, field)
        except ValueError as exc:
            problems.append(Problem(field, str(exc)))
            continue
        if not path:
            request[name] = converted
            continue
        target = resident
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = converted
    if problems:
        return InputRow(n, problems=problems)
    request["resident"] = resident
    return InputRow(n, document=request)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def record_to_csv_row(record: dict[str, Any], columns: list[str] = CSV_COLUMNS) -> list[str]:
    """A resident record (or a whole request) as cells of `columns`."""
    if "resident" in record and isinstance(record["resident"], dict):
        resident, request = record["resident"], record
    else:
        resident, request = record, {}
    out = []
    for column in columns:
        if column in REQUEST_COLUMNS:
            out.append(_csv_value(request.get(column)))
            continue
        value: Any = resident
        for part in column.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        out.append(_csv_value(value))
    return out


# ---------------------------------------------------------------- output

DECISION_CSV_COLUMNS = [
    "row",
    "id_number",
    "name",
    "policy_year",
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
    "benefit_start",
    "benefit_end",
    "waiting_months",
    "refund_eligible",
    "failed_rules",
    "error_field",
    "error_message",
]


def decision_csv_row(n: int, resident: dict[str, Any] | None, decision: Any, error: Any) -> list[str]:
    """One output row of `batch --format csv`: the decision's headline fields,
    the rules that failed (`;`-separated), or the error."""
    resident = resident if isinstance(resident, dict) else {}
    ident = [str(n), _csv_value(resident.get("id_number")), _csv_value(resident.get("name"))]
    if error is not None:
        return ident + [""] * (len(DECISION_CSV_COLUMNS) - 5) + [error["field"], error["message"]]
    c, p, b = decision["contribution"], decision["payment"], decision["benefit"]
    assistance = c.get("assistance") or {}
    enrollment = decision.get("enrollment") or {}
    failed = [t["rule"] for t in decision.get("trail", []) if t.get("outcome") == "failed"]
    values = [
        decision.get("policy_year"),
        decision.get("eligible"),
        decision.get("categories"),
        enrollment.get("region"),
        enrollment.get("via"),
        c.get("individual"),
        assistance.get("source"),
        assistance.get("amount"),
        c.get("individual_due"),
        p.get("status"),
        p.get("amount_due"),
        p.get("accepted"),
        b.get("start"),
        b.get("end"),
        b.get("waiting_months"),
        (decision.get("refund") or {}).get("eligible"),
        failed,
        None,
        None,
    ]
    return ident + [_csv_value(v) for v in values]


class RowWriter:
    """Writes output rows as JSONL (`{"row": n, "decision": {...}}` or
    `{"row": n, "error": {...}}`) or as CSV (DECISION_CSV_COLUMNS)."""

    def __init__(self, stream: IO[str], fmt: str):
        self.stream = stream
        self.fmt = fmt
        self._csv = csv.writer(stream, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(DECISION_CSV_COLUMNS)

    def write(self, n: int, resident: dict[str, Any] | None, decision: Any, error: Any) -> None:
        if self._csv is not None:
            self._csv.writerow(decision_csv_row(n, resident, decision, error))
            return
        if error is not None:
            line = json.dumps({"row": n, "error": error}, ensure_ascii=False)
        else:
            line = json.dumps({"row": n, "decision": decision}, ensure_ascii=False)
        self.stream.write(line + "\n")
