"""Output for people who open it in a spreadsheet (issue 14 point 5):
xlsx workbooks (XlsxWriter) with typed cells, and the CSV variant for
Excel (UTF-8 BOM, ID numbers kept as text).

The machine CSV (`--format csv`) stays as it is; this module only words
the same rows for a person: headers from data.mz.reference (batch_columns),
codes by their names (regions, categories, statuses, sources: the same
reference data), failed rules by their titles (data.mz.index). ID numbers
are text cells, amounts numbers, dates dates, yes/no booleans.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..roster.io import DECISION_CSV_COLUMNS, LONG_DIGITS, OutputError, defuse


def _name(table: dict[str, Any], code: Any, lang: str) -> Any:
    if code is None:
        return None
    entry = table.get(code)
    return entry[lang] if isinstance(entry, dict) and lang in entry else code


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return value
    return None


class BatchCells:
    """A decided roster row as the typed cells of the people's columns
    (DECISION_CSV_COLUMNS, in order): int, float, bool, date, str or None."""

    def __init__(self, reference: dict[str, Any], index: dict[str, Any], lang: str):
        self.reference = reference
        self.index = index
        self.lang = lang
        names = reference.get("batch_columns") or {}
        self.header = [_name(names, c, lang) for c in DECISION_CSV_COLUMNS]

    def cells(self, n: int, resident: dict[str, Any] | None, decision: Any, error: Any) -> list[Any]:
        ref, lang = self.reference, self.lang
        resident = resident if isinstance(resident, dict) else {}
        ident = resident.get("id_number")
        name = resident.get("name")
        head: list[Any] = [n, ident if isinstance(ident, str) else None, name if isinstance(name, str) else None]
        if error is not None:
            tail = [str(error.get("field", "")), str(error.get("message", ""))]
            return head + [None] * (len(DECISION_CSV_COLUMNS) - 5) + tail
        c, p, b = decision["contribution"], decision["payment"], decision["benefit"]
        assistance = c.get("assistance") or {}
        enrollment = decision.get("enrollment") or {}
        failed = decision.get("failed") or [
            t["rule"] for t in decision.get("trail", []) if t.get("outcome") == "failed"
        ]
        sep = "、" if lang == "zh" else ", "
        titles = [(self.index.get(rule) or {}).get("title") or rule for rule in failed]
        return [
            *head,
            decision.get("policy_year"),
            decision.get("eligible"),
            sep.join(str(_name(ref.get("categories", {}), k, lang)) for k in decision.get("categories") or []) or None,
            _name(ref.get("regions", {}), enrollment.get("region"), lang),
            _name(ref.get("enrollment_bases", {}), enrollment.get("via"), lang),
            _number(c.get("individual")),
            _name(ref.get("assistance_sources", {}), assistance.get("source"), lang),
            _number(assistance.get("amount")),
            _number(c.get("individual_due")),
            _name(ref.get("payment_statuses", {}), p.get("status"), lang),
            _number(p.get("amount_due")),
            p.get("accepted"),
            _date(b.get("start")),
            _date(b.get("end")),
            b.get("waiting_months"),
            (decision.get("refund") or {}).get("eligible"),
            ("；" if lang == "zh" else "; ").join(titles) or None,
            None,
            None,
        ]

    def excel(self, n: int, resident: dict[str, Any] | None, decision: Any, error: Any) -> list[str]:
        """The row as cells of the CSV for spreadsheets (--excel)."""
        return [excel_text(c, self.lang) for c in self.cells(n, resident, decision, error)]


# ---------------------------------------------------------------- CSV for Excel


def excel_text(value: Any, lang: str, column: str = "") -> str:
    """A typed cell as text a spreadsheet reads back as it was meant: an ID
    number (a long run of digits) as the formula ="…" (Excel shows the
    text, not 4.41424E+17; the cell holds digits and X only, so nothing of
    the input becomes a formula), booleans as 是/否, other input text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if LONG_DIGITS.fullmatch(text):
        return f'="{text}"'
    return defuse(text)


# ---------------------------------------------------------------- xlsx


class Workbook:
    """An xlsx file written whole or not at all: to a temporary name beside
    FILE (mode 0600: ID numbers), renamed onto FILE by finish(); abandon()
    removes it. Rows are written one at a time (XlsxWriter's constant_memory
    mode), so memory does not grow with the roster."""

    def __init__(self, out: str, constant_memory: bool = False):
        import xlsxwriter

        self.out = out
        folder, name = os.path.split(os.path.abspath(out))
        try:
            fd, self.temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".partial")
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {exc.strerror}") from None
        os.close(fd)
        self.book = xlsxwriter.Workbook(
            self.temporary, {"constant_memory": constant_memory, "strings_to_numbers": False}
        )
        self.formats = {
            "header": self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
            "date": self.book.add_format({"num_format": "yyyy-mm-dd"}),
            "money": self.book.add_format({"num_format": "#,##0.00"}),
            "rate": self.book.add_format({"num_format": "0.0%"}),
            "signed_rate": self.book.add_format({"num_format": "+0.0;-0.0;0.0"}),
            "text": self.book.add_format({"num_format": "@"}),
            "title": self.book.add_format({"bold": True, "font_size": 13}),
        }

    def write(self, sheet: Any, r: int, c: int, value: Any, kind: str = "") -> None:
        """One typed cell: text as text (never read as a number or a formula),
        numbers, dates and booleans as themselves."""
        f = self.formats
        if value is None or value == "":
            sheet.write_blank(r, c, None)
        elif isinstance(value, bool):
            sheet.write_boolean(r, c, value)
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), f["date"])
        elif isinstance(value, int | float | Decimal):
            fmt = f.get(kind) if kind in ("money", "rate", "signed_rate") else None
            sheet.write_number(r, c, float(value), fmt)
        else:
            sheet.write_string(r, c, str(value), f["text"] if kind == "text" else None)

    def finish(self) -> None:
        try:
            self.book.close()
            os.chmod(self.temporary, 0o600)
            os.replace(self.temporary, self.out)
        except OSError as exc:
            self.abandon()
            raise OutputError(f"cannot write {self.out}: {exc.strerror}") from None

    def abandon(self, rows: int = 0) -> None:
        with contextlib.suppress(Exception):
            self.book.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temporary)


class BatchWorkbook:
    """`mzpolicy batch --format xlsx`: one sheet, one row per roster row, the
    header frozen and filterable; the same interface as the JSONL/CSV output
    (open, write, finish, abandon) so that the batch loop is one."""

    whole = True  # nothing of it is kept when a run stops early
    partial = None
    rows_before = errors_before = 0
    first_row = next_row = None
    header = True

    def __init__(self, out: str, cells: BatchCells, title: str):
        self.out = self.where = out
        self.cells = cells
        self.book = Workbook(out, constant_memory=True)
        self.sheet = self.book.book.add_worksheet(title[:31])
        self.sheet.freeze_panes(1, 0)
        kinds = {"id_number": "text", "individual": "money", "assistance_amount": "money"}
        kinds |= {"individual_due": "money", "amount_due": "money"}
        self.kinds = [kinds.get(c, "") for c in DECISION_CSV_COLUMNS]
        for i, name in enumerate(cells.header):
            self.sheet.write_string(0, i, str(name), self.book.formats["header"])
        widths = {"id_number": 21, "name": 10, "categories": 24, "failed_rules": 30, "error_message": 40}
        for i, column in enumerate(DECISION_CSV_COLUMNS):
            self.sheet.set_column(i, i, widths.get(column, 12))
        self.r = 0

    def open(self) -> BatchWorkbook:
        return self

    def write(self, n: int, resident: Any, decision: Any, error: Any) -> None:
        self.r += 1
        for i, value in enumerate(self.cells.cells(n, resident, decision, error)):
            self.book.write(self.sheet, self.r, i, value, self.kinds[i])

    def finish(self) -> None:
        self.sheet.autofilter(0, 0, self.r, len(DECISION_CSV_COLUMNS) - 1)
        self.book.finish()

    def abandon(self, rows: int = 0) -> None:
        self.book.abandon()


def tables_workbook(
    out: str, tables: list[Any], notes: list[str], chart: Callable[[Any, Any], None] | None = None
) -> None:
    """Report tables as a workbook, one sheet per table (its title above it,
    the header frozen), the notes on the first sheet below its table; a
    `chart(workbook, sheets)` callback adds a native chart."""
    book = Workbook(out)
    try:
        sheets = []
        used: set[str] = set()
        for k, table in enumerate(tables):
            name = re.sub(r"[\[\]:*?/\\]", " ", table.title)[:28] or f"Sheet{k + 1}"
            while name in used:
                name = name[:26] + f"{k + 1:02d}"
            used.add(name)
            sheet = book.book.add_worksheet(name)
            sheet.write_string(0, 0, table.title, book.formats["title"])
            for i, h in enumerate(table.header):
                sheet.write_string(2, i, h, book.formats["header"])
                sheet.set_column(i, i, max(10, min(40, 2 * len(h) + 2)))
            for r, row in enumerate(table.values, start=3):
                for i, value in enumerate(row):
                    book.write(sheet, r, i, _typed(value), _kind(value, i in table.numeric))
            sheet.freeze_panes(3, 0)
            if k == 0:
                for j, note in enumerate(notes):
                    sheet.write_string(3 + len(table.values) + 1 + j, 0, note)
            sheets.append(sheet)
        if chart is not None:
            chart(book, sheets)
    except BaseException:
        book.abandon()
        raise
    book.finish()


def _typed(value: Any) -> Any:
    typed = getattr(value, "typed", None)
    return typed() if callable(typed) else value


def _kind(value: Any, numeric: bool) -> str:
    kind = getattr(value, "kind", "")
    if kind:
        return kind
    return "" if numeric else "text"
