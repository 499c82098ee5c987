"""Everything mzpolicy-spark takes from the mzpolicy package, in one place.

mzpolicy-spark reuses the roster code of `mzpolicy batch` (reading a record
from its physical line or from a row of cells, validating and encoding it,
deciding batches on OPA, the error rows, the reports' tables); it copies
none of it. Only this module imports mzpolicy's internals, so that when
those modules move, the import paths are fixed here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from mzpolicy import entrypoints
from mzpolicy.cli import BadInput, PolicyUnavailable, today_in_shanghai
from mzpolicy.cli import _iso_date as iso_date
from mzpolicy.opa import DecisionClient, EmbeddedServer, OPAError
from mzpolicy.roster import Roster
from mzpolicy.roster_engine import BatchClient, Row, decision_error, prepare, run
from mzpolicy.roster_io import (
    InputRow,
    RosterFormatError,
    cells_row,
    column_kind,
    csv_columns,
    is_blank,
    jsonl_row,
    physical_line,
)
from mzpolicy.roster_report import (
    DUPLICATES_RULE,
    PROGRESS_HEADER,
    ProgressCounts,
    Table,
    _flag,
    _flagged_table,
    _same_id_table,
    _year_notes,
    emit,
    region_name,
)

__all__ = [
    "PROGRESS_HEADER",
    "BadInput",
    "BatchClient",
    "EmbeddedServer",
    "InputRow",
    "OPAError",
    "PolicyUnavailable",
    "ProgressCounts",
    "RosterFormatError",
    "Row",
    "Table",
    "cells_row",
    "check_year",
    "column_kind",
    "csv_columns",
    "decision_error",
    "duplicates_note",
    "emit",
    "entrypoints",
    "flagged_table",
    "is_blank",
    "iso_date",
    "jsonl_row",
    "payment_flag",
    "physical_line",
    "prepare",
    "region_name",
    "run",
    "same_id_table",
    "today_in_shanghai",
    "year_notes",
]

BATCH_DECISIONS = entrypoints.BATCH_DECISIONS


def check_year(as_of: str | None, policy_year: int | None) -> None:
    """`mzpolicy batch`'s check of --year and --as-of against the loaded
    years, on the driver's embedded OPA: BadInput (exit 2) for a year that is
    not loaded, a warning on standard error when rows without their own
    as_of would be decided on a day that falls in no loaded year. The roster
    itself is not read here ("-" is opened lazily and never iterated)."""
    job = Roster("-", "jsonl", as_of, policy_year, None, 1, 1, False)
    with job.opened():
        pass


def payment_flag(resident: dict[str, Any] | None) -> str | None:
    """The record's own facts that make a payment look like 重复参保 (the duplicates report's)."""
    return _flag(resident) if isinstance(resident, dict) else None


def same_id_table(duplicate_rows: dict[int, str], decided: dict[int, Any], lang: str) -> Table:
    return _same_id_table(duplicate_rows, decided, lang)


def flagged_table(flagged: dict[int, str], decided: dict[int, Any], lang: str) -> Table:
    return _flagged_table(flagged, decided, lang)


def year_notes(years: set[tuple[Any, Any]], lang: str) -> list[str]:
    return _year_notes(years, lang)


def duplicates_note(year: int, lang: str) -> str | None:
    """The 清理重复参保 rule's title, clause and text, as `mzpolicy report
    duplicates` notes it: from the rule index and the year's table, asked of
    an embedded OPA on the driver."""
    with EmbeddedServer() as server:
        try:
            with DecisionClient(server.start().ready()) as client:
                rule = client.document(f"{entrypoints.RULE_INDEX}/{DUPLICATES_RULE}")
                cited = client.document(f"{entrypoints.YEARS}/{year}/rules/{DUPLICATES_RULE}")
        except OPAError as exc:
            raise PolicyUnavailable(str(exc)) from None
    if not rule or not cited:
        return None
    return f"{rule['title']}（{cited['clause']}）: {rule['text'][lang]}"
