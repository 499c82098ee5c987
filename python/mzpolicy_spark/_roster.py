"""Everything mzpolicy-spark takes from the mzpolicy package, in one place.

mzpolicy-spark reuses the roster code of `mzpolicy batch` (reading a record
from its physical line or from a row of cells, validating and encoding it,
deciding batches on OPA, the error rows, the reports' tables); it copies
none of it. Only this module imports mzpolicy's internals, so that when
those modules move, the import paths are fixed here and nowhere else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from mzpolicy import entrypoints
from mzpolicy.cli.errors import BadInput, PolicyUnavailable, roster_failures
from mzpolicy.cli.options import iso_date, today_in_shanghai
from mzpolicy.opa import BatchClient, EmbeddedServer, OPAError
from mzpolicy.render.table import Table, emit
from mzpolicy.roster import weekly
from mzpolicy.roster.engine import Roster, Row, decision_error, prepare, run
from mzpolicy.roster.io import (
    Decoder,
    InputRow,
    RosterFormatError,
    RowWriter,
    cells_row,
    column_kind,
    csv_columns,
    is_blank,
    jsonl_row,
    physical_line,
)
from mzpolicy.roster.reports import (
    DUPLICATES_RULE,
    AssistanceLedger,
    Names,
    flagged_table,
    payment_flag_of,
    progress_header,
    progress_report,
    same_id_table,
    year_notes,
)

__all__ = [
    "BATCH_DECISIONS",
    "BATCH_ROWS",
    "AssistanceLedger",
    "BadInput",
    "BatchClient",
    "Decoder",
    "EmbeddedServer",
    "InputRow",
    "Names",
    "OPAError",
    "PolicyUnavailable",
    "RosterFormatError",
    "Row",
    "RowWriter",
    "Table",
    "cells_row",
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
    "policy",
    "prepare",
    "progress_header",
    "progress_report",
    "run",
    "same_id_table",
    "today_in_shanghai",
    "weekly",
    "year_notes",
]

BATCH_DECISIONS = entrypoints.BATCH_DECISIONS
BATCH_ROWS = entrypoints.BATCH_ROWS


@contextlib.contextmanager
def policy(as_of: str | None, policy_year: int | None, today: str) -> Iterator[Any]:
    """The driver's embedded OPA, after `mzpolicy batch`'s check of --year and
    --as-of against the loaded years: BadInput (exit 2) for a year that is
    not loaded, a warning on standard error when rows without their own
    as_of would be decided on a day in no loaded year. Yields the opened
    Roster, whose query() reads the policy's documents. No roster is read
    ("-" is opened lazily and never iterated)."""
    job = Roster(
        "-", "jsonl", as_of, policy_year, None, 1, 1, False, today=today, warn=lambda m: click.echo(m, err=True)
    )
    with roster_failures(), job.opened():
        yield job


def check_year(as_of: str | None, policy_year: int | None, today: str) -> None:
    with policy(as_of, policy_year, today):
        pass


def payment_flag(resident: dict[str, Any] | None) -> str | None:
    """The record's own facts that make a payment look like 重复参保 (the duplicates report's)."""
    return payment_flag_of(resident) if isinstance(resident, dict) else None


def duplicates_note(job: Any, year: int, lang: str) -> str | None:
    """The 清理重复参保 rule's title, clause and text, as `mzpolicy report
    duplicates` notes it: from the rule index and the year's table."""
    rule = job.query(f"{entrypoints.RULE_INDEX}/{DUPLICATES_RULE}")
    cited = job.query(f"{entrypoints.YEARS}/{year}/rules/{DUPLICATES_RULE}")
    if not rule or not cited:
        return None
    return f"{rule['title']}（{cited['clause']}）: {rule['text'][lang]}"
