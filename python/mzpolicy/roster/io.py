"""Rosters in and out: JSONL and CSV rows of resident records, read and
written one row at a time so that memory does not grow with the roster.

Only the row number ties an output row to a resident, so a record is one
physical line of bytes (LF-terminated; a bare CR is an ordinary byte), and
whatever a line holds it gives one row, an error row at worst: the rule is
fixtures/rosters/README.md, "What one record is".

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

import contextlib
import csv
import fcntl
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import IO, Any, BinaryIO

from ..paths import SCHEMAS
from ..records import Problem, WrittenNumber, parse_json

LIST_SEPARATOR = ";"
# A resident record is a few hundred bytes; a line far longer is not one, and
# is not read into memory whole.
MAX_RECORD_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"
REQUEST_COLUMNS = {"as_of": "string", "policy_year": "integer"}


class RosterFormatError(Exception):
    """The roster as a whole cannot be read (a usage error, exit 2)."""


@dataclass
class InputRow:
    """One row of a roster: its number (1-based, data rows only) and either
    the parsed document (a record or a whole request) or the problems."""

    n: int
    document: dict[str, Any] | None = None
    problems: list[Problem] | None = None
    size: int = 0  # bytes of its line, so that what is held in memory can be bounded


# ---------------------------------------------------------------- formats


def detect_format(path: str, given: str) -> str:
    if given != "auto":
        return given
    lower = path.lower()
    if lower.endswith(".csv"):
        return "csv"
    return "jsonl"


def open_binary(path: str, stdin: IO[Any] | None = None) -> BinaryIO:
    """The roster's bytes; '-' is standard input. Records are split here, on
    LF only: a text-mode stream would also end a line at a bare CR."""
    if path == "-":
        import sys

        stream = stdin or sys.stdin
        return getattr(stream, "buffer", stream)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise RosterFormatError(f"cannot read {path}: {exc.strerror}") from None


ENCODINGS = ("auto", "utf-8", "gb18030")


class Decoder:
    """A roster line's bytes as text. `utf-8` and `gb18030` read every line in
    that encoding (a line that is not is its row's error). `auto` reads UTF-8,
    and a line that is not UTF-8 but is GB18030 (what Excel saves on a Chinese
    Windows) as GB18030, telling `notice` once, at the first such line, so
    that the run says it once with the hint `--encoding gb18030` instead of
    failing every row. LF never occurs inside a GB18030 character, so lines
    split the same in both."""

    def __init__(self, encoding: str = "utf-8", notice: Any = None):
        if encoding not in ENCODINGS:
            raise RosterFormatError(f"--encoding {encoding!r}: one of " + ", ".join(ENCODINGS))
        self.encoding = encoding
        self.notice = notice
        self.fallbacks = 0  # lines read as GB18030 under auto

    def __call__(self, line: bytes) -> str:
        """The text of a line; UnicodeDecodeError where it is none."""
        if self.encoding == "gb18030":
            return line.decode("gb18030")
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            if self.encoding != "auto":
                raise
            text = line.decode("gb18030")  # raises as it is where the line is neither
            self.fallbacks += 1
            if self.fallbacks == 1 and self.notice is not None:
                self.notice()
            return text


def read_rows(stream: BinaryIO, fmt: str, decoder: Decoder | None = None) -> Iterator[InputRow]:
    return read_csv(stream, decoder) if fmt == "csv" else read_jsonl(stream, decoder)


def physical_lines(stream: BinaryIO) -> Iterator[bytes | None]:
    """The roster's physical lines: each ends at LF (a CR before the LF goes
    with it; any other CR is an ordinary byte), a last line without LF is a
    line too, and a BOM before the first is dropped. A line longer than
    MAX_RECORD_BYTES is None, and is skipped without being held in memory."""
    first = True
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        if first:
            line, first = line.removeprefix(BOM), False
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(MAX_RECORD_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line.removesuffix(b"\n").removesuffix(b"\r")


def _is_blank(line: bytes | None) -> bool:
    return line is not None and not line.strip()


def _too_long(n: int) -> InputRow:
    message = f"the record is longer than {MAX_RECORD_BYTES} bytes; a resident record is a few hundred"
    return InputRow(n, problems=[Problem("(row)", message)])


def _decoded(n: int, line: bytes, decoder: Decoder | None = None) -> str | InputRow:
    try:
        return decoder(line) if decoder is not None else line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputRow(n, problems=[Problem("(row)", f"is not {_what(decoder)} (byte {exc.start + 1} of the line)")])


def _what(decoder: Decoder | None) -> str:
    encoding = decoder.encoding if decoder is not None else "utf-8"
    return {"utf-8": "UTF-8 text", "gb18030": "GB18030 text"}.get(encoding, "UTF-8 text, nor GB18030")


def _unreadable(n: int, exc: Exception) -> InputRow:
    """Whatever else goes wrong with one record is that record's error, never the run's."""
    return InputRow(n, problems=[Problem("(row)", f"could not be read: {type(exc).__name__}")])


def read_jsonl(stream: BinaryIO, decoder: Decoder | None = None) -> Iterator[InputRow]:
    n = 0
    for line in physical_lines(stream):
        if _is_blank(line):
            continue
        n += 1
        yield jsonl_row(n, line, decoder)


# For readers that split the bytes on LF themselves (mzpolicy-spark): the
# same rules, one line at a time.


def physical_line(raw: bytes) -> bytes | None:
    """A line as split on LF (without the LF) as physical_lines gives it: a
    CR before the LF dropped, None when longer than MAX_RECORD_BYTES."""
    return None if len(raw) > MAX_RECORD_BYTES else raw.removesuffix(b"\r")


def is_blank(line: bytes | None) -> bool:
    """A blank line is not a row (and takes no row number)."""
    return _is_blank(line)


def jsonl_row(n: int, line: bytes | None, decoder: Decoder | None = None) -> InputRow:
    """Row `n` of a JSONL roster from its physical line: the record, or its problems."""
    try:
        row = _jsonl_row(n, line, decoder)
    except Exception as exc:
        row = _unreadable(n, exc)
    row.size = len(line or b"")
    return row


def _jsonl_row(n: int, line: bytes | None, decoder: Decoder | None = None) -> InputRow:
    if line is None:
        return _too_long(n)
    text = _decoded(n, line, decoder)
    if isinstance(text, InputRow):
        return text
    try:
        document = parse_json(text)
    except ValueError as exc:
        return InputRow(n, problems=[Problem("(row)", f"not JSON: {exc}")])
    except RecursionError:
        return InputRow(n, problems=[Problem("(row)", "not JSON: nests too deeply")])
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "null"
        return InputRow(n, problems=[Problem("(row)", f"expected a JSON object (a resident record), got {kind}")])
    return InputRow(n, document=document)


# ---------------------------------------------------------------- CSV


@cache
def _resident_schema() -> dict[str, Any]:
    return json.loads((SCHEMAS / "resident.schema.json").read_text(encoding="utf-8"))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref and ref.startswith("#/definitions/"):
        return schema["definitions"][ref.rsplit("/", 1)[1]]
    return node


def csv_columns() -> list[str]:
    """Every column a roster's CSV may have, in the schema's order: the
    request's own, then each resident field, an object's fields dotted
    (student.level, events.death, payment.amount). Writing uses this order
    (the bench generator); reading takes any order."""
    schema = _resident_schema()
    columns = list(REQUEST_COLUMNS)
    for name, node in schema["properties"].items():
        node = _resolve(schema, node)
        if node.get("type") == "object" and node.get("properties"):
            columns += [f"{name}.{field}" for field in node["properties"]]
        else:
            columns.append(name)
    return columns


CSV_COLUMNS = csv_columns()


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
        # As written, like a JSON roster's numbers (records.WrittenNumber), so
        # that 400.0000000000000001 is refused for its decimals, not rounded.
        return int(number) if number == number.to_integral_value() else WrittenNumber(value.strip())
    item_kind = kind.split(":", 1)[1]
    items = [item.strip() for item in value.split(LIST_SEPARATOR)]
    return [_cell(item, item_kind, field) for item in items if item]


# The csv module ends a record at a bare CR in an unquoted field. A lone
# surrogate never comes out of strict UTF-8 decoding, so it can stand in for
# each bare CR while a line is split, and be turned back afterwards.
_CR_STAND_IN = "\ud800"


def split_csv_line(text: str) -> tuple[list[str], int | None]:
    """One physical line's cells (RFC 4180 quoting within the line), and the
    index of the cell whose quote is still open at the end of the line (the
    csv module then asks for the next line, which it is not given), or None."""
    asked = 0

    def one_line() -> Iterator[str]:
        nonlocal asked
        asked += 1
        yield text.replace("\r", _CR_STAND_IN)
        asked += 1

    cells = [c.replace(_CR_STAND_IN, "\r") for c in next(csv.reader(one_line()), [])]
    return cells, (len(cells) - 1 if asked > 1 else None)


def read_csv(stream: BinaryIO, decoder: Decoder | None = None) -> Iterator[InputRow]:
    """The rows of a CSV roster. The header (the first line that is not
    blank) is read and checked at once: a bad header raises
    RosterFormatError here, before any row is written."""
    lines = physical_lines(stream)
    for line in lines:
        if _is_blank(line):
            continue
        if line is None:
            raise RosterFormatError(f"CSV header: longer than {MAX_RECORD_BYTES} bytes")
        try:
            header, open_quote = split_csv_line(decoder(line) if decoder is not None else line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            hint = "" if decoder is not None and decoder.encoding != "utf-8" else "; --encoding gb18030 reads GBK"
            raise RosterFormatError(f"CSV header: not {_what(decoder)} (byte {exc.start + 1}){hint}") from None
        except csv.Error as exc:
            raise RosterFormatError(f"CSV header: {exc}") from None
        if open_quote is not None:
            raise RosterFormatError(f"CSV header: a quote opened in column {open_quote + 1} never closes on this line")
        return _csv_rows(lines, _header(header), decoder)
    return iter(())


def csv_columns(header: list[str]) -> list[tuple[str, str, list[str]]]:
    """The columns of a CSV header (or of a table with the CSV's dotted
    columns), checked: an unknown column is RosterFormatError."""
    return _header(header)


def cells_row(n: int, columns: list[tuple[str, str, list[str]]], cells: list[str]) -> InputRow | None:
    """Row `n` from one cell per column, each as a CSV roster writes it
    (empty: absent): the record or its problems; None for a row of nothing
    but empty cells, which is not a record."""
    if not any(c.strip() for c in cells):
        return None
    try:
        return _csv_row(n, columns, cells)
    except Exception as exc:
        return _unreadable(n, exc)


def _csv_rows(
    lines: Iterator[bytes | None], columns: list[tuple[str, str, list[str]]], decoder: Decoder | None = None
) -> Iterator[InputRow]:
    n = 0
    for line in lines:
        if _is_blank(line):
            continue
        try:
            row = _csv_line(n + 1, line, columns, decoder)
        except Exception as exc:
            row = _unreadable(n + 1, exc)
        if row is None:
            continue  # nothing but empty cells (",,,"): not a record, as a blank line is not
        n += 1
        row.size = len(line or b"")
        yield row


def _csv_line(
    n: int, line: bytes | None, columns: list[tuple[str, str, list[str]]], decoder: Decoder | None = None
) -> InputRow | None:
    if line is None:
        return _too_long(n)
    text = _decoded(n, line, decoder)
    if isinstance(text, InputRow):
        return text
    try:
        cells, open_quote = split_csv_line(text)
    except csv.Error as exc:
        return InputRow(n, problems=[Problem("(row)", f"not CSV: {exc}")])
    if open_quote is not None:
        where = repr(columns[open_quote][0]) if open_quote < len(columns) else f"cell {open_quote + 1}"
        message = f"a quote opened in column {where} never closes on this line (a record is one line)"
        return InputRow(n, problems=[Problem("(row)", message)])
    if not any(c.strip() for c in cells):
        return None
    if len(cells) != len(columns):
        return InputRow(n, problems=[Problem("(row)", f"has {len(cells)} cells, the header has {len(columns)}")])
    return _csv_row(n, columns, cells)


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


# OWASP, CSV injection: a spreadsheet takes a cell that starts with one of
# these for a formula. Cells that carry the input's text get a leading "'".
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel turns a cell of 12 or more digits into a number shown as 4.41424E+17,
# and keeps 15 significant digits: an 18-character ID number loses its last
# ones. The CSV for spreadsheets (--excel) writes such a cell as ="…".
LONG_DIGITS = re.compile(r"[0-9]{11,}[0-9Xx]?")


class CsvWriter:
    """csv.writer, LF-terminated, that also quotes a cell holding a bare CR:
    Python's writer quotes only the line terminator's characters (here LF),
    and a spreadsheet, or a reader that splits on CR, would break the row.
    Such a row is written with every cell quoted, which reads back the same."""

    def __init__(self, stream: IO[str]):
        self._minimal = csv.writer(stream, lineterminator="\n")
        self._quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, cells: list[str]) -> None:
        (self._quoted if any("\r" in c for c in cells) else self._minimal).writerow(cells)


def defuse(text: str) -> str:
    """A CSV cell of input text that no spreadsheet reads as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def decision_csv_row(n: int, resident: dict[str, Any] | None, decision: Any, error: Any) -> list[str]:
    """One output row of `batch --format csv`: the decision's headline fields,
    the rules that failed (`;`-separated), or the error."""
    resident = resident if isinstance(resident, dict) else {}
    ident = [str(n), defuse(_csv_value(resident.get("id_number"))), defuse(_csv_value(resident.get("name")))]
    if error is not None:
        error_cells = [defuse(str(error["field"])), defuse(str(error["message"]))]
        return ident + [""] * (len(DECISION_CSV_COLUMNS) - 5) + error_cells
    c, p, b = decision["contribution"], decision["payment"], decision["benefit"]
    assistance = c.get("assistance") or {}
    enrollment = decision.get("enrollment") or {}
    failed = decision.get("failed") or [t["rule"] for t in decision.get("trail", []) if t.get("outcome") == "failed"]
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
    `{"row": n, "error": {...}}`) or as CSV (DECISION_CSV_COLUMNS, the header
    first unless `header` is false: a resumed file has it already). Each row
    is flushed whole, so that what the stream holds is a count of rows."""

    def __init__(self, stream: IO[str], fmt: str, header: bool = True, people: Any = None):
        self.stream = stream
        self.fmt = fmt
        # people: a render.spreadsheet.BatchCells, for the CSV for spreadsheets
        # (--excel): a BOM, headers and codes by name, ID numbers kept as text.
        self.people = people
        self._csv = CsvWriter(stream) if fmt == "csv" else None
        if self._csv is not None and header:
            if people is not None:
                stream.write("\ufeff")
                self._csv.writerow([str(h) for h in people.header])
            else:
                self._csv.writerow(DECISION_CSV_COLUMNS)
            stream.flush()

    def write(self, n: int, resident: dict[str, Any] | None, decision: Any, error: Any) -> None:
        if self._csv is not None and self.people is not None:
            self._csv.writerow(self.people.excel(n, resident, decision, error))
        elif self._csv is not None:
            self._csv.writerow(decision_csv_row(n, resident, decision, error))
        elif error is not None:
            self.stream.write(json.dumps({"row": n, "error": error}, ensure_ascii=False) + "\n")
        else:
            self.stream.write(json.dumps({"row": n, "decision": decision}, ensure_ascii=False) + "\n")
        self.stream.flush()


# ---------------------------------------------------------------- writing safely

PARTIAL_SUFFIX = ".partial"
# What `RowWriter` starts each JSONL row with; a resumed file is read by it.
_JSONL_ROW = re.compile(rb'\{"row": ([0-9]+), "(decision|error)": ')


class OutputError(Exception):
    """The output could not be written (disk full, no permission, ...)."""


class _Sink:
    """A text stream whose write errors name the output; a closed pipe stays
    BrokenPipeError (the reader went away: `| head`)."""

    def __init__(self, stream: IO[str], where: str):
        self.stream = stream
        self.where = where

    def _failed(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write {self.where}: {exc.strerror or exc}")

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None


def _text(binary: IO[bytes]) -> IO[str]:
    # A lone surrogate (a JSON "\ud800" escape in the input) cannot be UTF-8:
    # it is written as the escape \ud800, which JSON reads back as it was.
    return io.TextIOWrapper(binary, encoding="utf-8", errors="backslashreplace", newline="")  # type: ignore[arg-type]


class SafeOutput:
    """Where a roster command writes its output.

    --out FILE that is a regular file, or none yet: the rows go to
    FILE.partial, created readable by its owner only (ID numbers), and only
    when every row is written is it synced and renamed onto FILE. A run that
    stops early leaves FILE as it was and FILE.partial holding whole rows,
    which `resume` continues. Standard output, or a FILE that is a device or
    a pipe: written straight; the exit code and the line on standard error
    tell whether it is complete.
    """

    def __init__(self, out: str | None, fmt: str = "", resume: bool = False, resumable: bool = True):
        self.out = out
        self.fmt = fmt
        self.resume = resume
        # A report is written at the end, whole or not at all: its temporary
        # file has a name of its own and is removed when the run stops early.
        self.resumable = resumable
        self.partial: str | None = None
        if out is not None:
            try:
                regular = stat.S_ISREG(os.stat(out).st_mode)
            except FileNotFoundError:
                regular = True
            except OSError as exc:
                raise OutputError(f"cannot write {out}: {exc.strerror}") from None
            self.partial = out + PARTIAL_SUFFIX if regular else None
        if resume and self.partial is None:
            raise RosterFormatError("--resume needs --out FILE, a regular file (it continues FILE.partial)")
        if self.partial is not None and resumable:
            self._check_partial()
        self.first_row: int | None = None  # of the rows already in a resumed FILE.partial
        self.rows_before = 0
        self.errors_before = 0
        self.header = True
        self.stream: Any = None
        self._file: IO[str] | None = None
        self._fd: int | None = None
        self.done = False

    def _check_partial(self) -> None:
        """Before OPA starts: a FILE.partial to continue, or none to overwrite."""
        assert self.partial is not None
        exists = os.path.lexists(self.partial)
        if self.resume and not exists:
            raise RosterFormatError(f"--resume: there is no {self.partial} to continue")
        if not self.resume and exists:
            raise RosterFormatError(
                f"{self.partial} is left from a run that did not finish: --resume continues it; remove it to start over"
            )

    @property
    def where(self) -> str:
        return self.partial or self.out or "standard output"

    def open(self) -> IO[str]:
        if self.partial is not None:
            self._fd = self._open_partial()
            self._file = _text(open(self._fd, "wb", closefd=False))  # noqa: SIM115 - closed in finish/abandon
        elif self.out is not None:
            try:
                self._file = _text(open(self.out, "wb"))  # noqa: SIM115
            except OSError as exc:
                raise OutputError(f"cannot write {self.out}: {exc.strerror}") from None
        else:
            sys.stdout.flush()
            buffer = getattr(sys.stdout, "buffer", None)
            self._file = _text(buffer) if buffer is not None else sys.stdout
        self.stream = _Sink(self._file, self.where)
        return self.stream

    def _open_partial(self) -> int:
        assert self.partial is not None and self.out is not None
        if not self.resumable:
            try:
                folder, name = os.path.split(os.path.abspath(self.out))
                fd, self.partial = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=PARTIAL_SUFFIX)
            except OSError as exc:
                raise OutputError(f"cannot write {self.out}: {exc.strerror}") from None
            return fd
        try:
            if self.resume:
                fd = os.open(self.partial, os.O_RDWR | os.O_CLOEXEC)
            else:
                fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except (FileNotFoundError, FileExistsError) as exc:
            self._check_partial()  # another run got there first
            raise OutputError(f"cannot write {self.partial}: {exc.strerror}") from None
        except OSError as exc:
            raise OutputError(f"cannot write {self.partial}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise RosterFormatError(f"another mzpolicy is writing {self.partial}") from None
        try:
            os.fchmod(fd, 0o600)
            if self.resume:
                with open(fd, "rb", closefd=False) as f:
                    end = self._scan(f)
                os.ftruncate(fd, end)
            os.lseek(fd, 0, os.SEEK_END)
        except OSError as exc:
            os.close(fd)
            raise OutputError(f"cannot write {self.partial}: {exc.strerror}") from None
        except RosterFormatError:
            os.close(fd)
            raise
        return fd

    def _scan(self, f: IO[bytes]) -> int:
        """Read a FILE.partial to resume: the rows it holds whole (numbered one
        after another), and the offset after the last of them; a torn last
        row is dropped, to be written again."""
        head = f.read(1)
        f.seek(0)
        if not head:
            return 0
        is_csv = head != b"{"
        if is_csv != (self.fmt == "csv"):
            raise RosterFormatError(f"--resume: {self.partial} is not {self.fmt.upper()} as --format asks")
        self.header = False
        rows = _csv_partial_rows(f, self.partial or "") if is_csv else _jsonl_partial_rows(f)
        end = 0
        last: int | None = None
        for n, error, offset in rows:
            if last is not None and n != last + 1:
                raise RosterFormatError(f"--resume: {self.partial} has row {n} after row {last}: not mzpolicy's rows")
            if last is None:
                self.first_row = n
            last, end = n, offset
            self.rows_before += 1
            self.errors_before += error
        if last is None:
            return _csv_header_end(f) if is_csv else 0
        return end

    @property
    def next_row(self) -> int | None:
        """The row a resumed run starts from (None: nothing to resume from)."""
        if self.first_row is None:
            return None
        return self.first_row + self.rows_before

    def finish(self) -> None:
        """Every row is written: make the output complete (FILE appears now)."""
        assert self.stream is not None and self._file is not None
        self.stream.flush()
        try:
            if self._fd is not None and self.partial is not None and self.out is not None:
                os.fsync(self._fd)
                os.replace(self.partial, self.out)
                _sync_folder(self.out)
        except OSError as exc:
            raise OutputError(f"cannot write {self.out}: {exc.strerror}") from None
        self.done = True
        self._close()

    def abandon(self, rows: int = 0) -> None:
        """The run stopped early: keep the whole rows written (`rows` of them
        in this run), FILE untouched. A partial file with no row in it is
        removed, so that it does not stand in the way of the next run."""
        with contextlib.suppress(OSError, ValueError):
            self._close()
        if self.partial is not None and (not self.resumable or rows + self.rows_before == 0):
            with contextlib.suppress(OSError):
                os.unlink(self.partial)

    def _close(self) -> None:
        file, self._file = self._file, None
        if file is not None:
            if self.partial is None and self.out is None:
                with contextlib.suppress(BrokenPipeError):
                    file.flush()
                if file is not sys.stdout:
                    file.detach()
            else:
                file.close()
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _sync_folder(path: str) -> None:
    """So that the rename survives a crash, as the file's contents do."""
    folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):  # some filesystems cannot sync a folder
            os.fsync(folder)
    finally:
        os.close(folder)


def _jsonl_partial_rows(f: IO[bytes]) -> Iterator[tuple[int, bool, int]]:
    """(row, is an error, offset after it) of each whole JSONL row."""
    offset = 0
    for k, line in enumerate(iter(f.readline, b""), start=1):
        if not line.endswith(b"\n"):
            return  # torn: written again
        m = _JSONL_ROW.match(line)
        if m is None:
            raise RosterFormatError(f"--resume: line {k} of the partial file is not a row mzpolicy batch writes")
        offset += len(line)
        yield int(m[1]), m[2] == b"error", offset


def _csv_header_end(f: IO[bytes]) -> int:
    f.seek(0)
    header = f.readline()
    return len(header) if header == (",".join(DECISION_CSV_COLUMNS) + "\n").encode() else 0


def _csv_partial_rows(f: IO[bytes], where: str) -> Iterator[tuple[int, bool, int]]:
    """(row, is an error, offset after it) of each whole CSV row; a cell may
    hold a line break (quoted), so the csv module reads them."""
    offset = _csv_header_end(f)
    if offset == 0:
        raise RosterFormatError(f"--resume: {where} does not start with the header mzpolicy batch writes")
    f.seek(offset)
    state = {"offset": offset, "ended": True, "eof": False}

    def lines() -> Iterator[str]:
        for line in iter(f.readline, b""):
            state["offset"] += len(line)
            state["ended"] = line.endswith(b"\n")
            yield line.decode("utf-8", "replace")
        state["eof"] = True

    width = len(DECISION_CSV_COLUMNS)
    for cells in csv.reader(lines()):
        if state["eof"] or not state["ended"] or len(cells) != width:
            return  # torn: written again
        if not cells[0].isdigit():
            raise RosterFormatError(f"--resume: {where} holds a row that mzpolicy batch does not write")
        yield int(cells[0]), bool(cells[-2] or cells[-1]), int(state["offset"])
