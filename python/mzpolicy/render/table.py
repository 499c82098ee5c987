"""The roster reports' tables: rows of cells as an aligned terminal table
(terminal columns from the Unicode database: CJK characters take two), CSV or markdown."""

from __future__ import annotations

import io
from typing import IO, Any

from ..roster.io import CsvWriter, defuse
from .width import display_width


class Table:
    """Rows of cells rendered as an aligned terminal table, CSV or markdown."""

    def __init__(self, title: str, header: list[str], numeric: set[int] | None = None):
        self.title = title
        self.header = header
        self.rows: list[list[str]] = []
        self.numeric = numeric or set()

    def add(self, cells: list[Any]) -> None:
        self.rows.append(["" if c is None else str(c) for c in cells])

    def text(self) -> str:
        widths = [max(display_width(r[i]) for r in [self.header, *self.rows]) for i in range(len(self.header))]

        def line(cells: list[str]) -> str:
            out = []
            for i, c in enumerate(cells):
                pad = " " * (widths[i] - display_width(c))
                out.append(pad + c if i in self.numeric else c + pad)
            return "  ".join(out).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([self.title, "", line(self.header), rule, *map(line, self.rows)]) + "\n"

    def markdown(self) -> str:
        def cell(c: str) -> str:
            return c.replace("|", "\\|").replace("\n", " ")

        align = ["---:" if i in self.numeric else "---" for i in range(len(self.header))]
        lines = [f"## {self.title}", "", "| " + " | ".join(map(cell, self.header)) + " |", "|" + "|".join(align) + "|"]
        lines += ["| " + " | ".join(map(cell, r)) + " |" for r in self.rows]
        return "\n".join(lines) + "\n"

    def csv(self) -> str:
        """The table as CSV; text cells (names, ID numbers, what the record
        says) defused against formula injection, the numeric columns as they are."""
        buffer = io.StringIO()
        writer = CsvWriter(buffer)
        writer.writerow(self.header)
        for r in self.rows:
            writer.writerow([c if i in self.numeric else defuse(c) for i, c in enumerate(r)])
        return buffer.getvalue()


def emit(stream: IO[str], tables: list[Table], fmt: str, notes: list[str]) -> None:
    """Tables one after another (CSV: blocks separated by a blank line; the
    notes are left out of CSV so that each block stays a clean table)."""
    if fmt == "csv":
        stream.write("\n".join(t.csv() for t in tables))
        return
    body = "\n".join(t.markdown() if fmt == "markdown" else t.text() for t in tables)
    stream.write(body)
    if notes:
        stream.write("\n" + "\n".join(("- " if fmt == "markdown" else "") + n for n in notes) + "\n")
