"""`mzpolicy report progress|assistance|duplicates`: the roster duties of the
notices (mzpolicy.roster.reports counts and names; this module wires the
command line to it and writes the tables)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import click

from .. import entrypoints
from ..render.table import emit
from ..roster import reports
from ..roster.engine import Roster
from .errors import REPORT_EXIT_CODES, roster_failures
from .options import lang as lang_option
from .options import opa_token, today_in_shanghai
from .options import roster as roster_options
from .signals import output_stream, stops_cleanly


def report_options(f: Any) -> Any:
    f = click.option("--out", type=str, help="Write the report to this file instead of standard output.")(f)
    f = lang_option(None)(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "markdown"]),
        default="table",
        show_default=True,
        help="table for the terminal; csv and markdown for the weekly 通报.",
    )(f)
    return roster_options(f)


@click.group("report")
def report() -> None:
    """Roster reports for county offices and the city bureau: collection
    progress, the 免缴台账 of the fully subsidised, and 重复参保.

    ROSTER is a roster as `mzpolicy batch` reads it (JSONL or CSV). Every
    figure comes from the decision OPA makes for each row.
    """


def _job(roster: str, options: dict[str, Any], entrypoint: str = entrypoints.BATCH_DECISIONS) -> Roster:
    return Roster(
        roster,
        options["input_format"],
        options["as_of"],
        options["policy_year"],
        options["opa_url"],
        options["batch_size"],
        options["in_flight"],
        options["progress"],
        entrypoint=entrypoint,
        today=today_in_shanghai(),
        token=opa_token(),
        warn=lambda message: click.echo(message, err=True),
    )


def _write(report: reports.Report, fmt: str, out: str | None) -> None:
    with output_stream(out) as stream:
        emit(stream, report.tables, fmt, report.notes)


@report.command("progress", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@report_options
@stops_cleanly
def progress_command(roster: str, fmt: str, lang: str, out: str | None, **options: Any) -> None:
    """Collection progress per county (参保缴费进度, 2025 七(三)).

    Per county (where the decision enrolls the person, enrollment.region):
    eligible persons; paid (a payment on the record that the decision
    accepts); fully subsidised, by source (contribution.assistance); unpaid
    (eligible, neither paid nor subsidised); the amount collected (the
    accepted payments' amounts); and the rate (paid + subsidised) / eligible.
    Ineligible and error rows are counted below the table. --as-of names the
    reporting date; without it each row's own as_of, else today, is used.
    """
    with roster_failures():
        result = reports.progress(_job(roster, options), lang)
    _write(result, fmt, out)
    if result.errors:
        click.echo(f"{result.errors} rows could not be decided; `mzpolicy batch` lists them.", err=True)


@report.command("assistance", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@report_options
@stops_cleanly
def assistance_command(roster: str, fmt: str, lang: str, out: str | None, **options: Any) -> None:
    """The 免缴台账: every fully subsidised person, with totals.

    Each person whose individual share the decision has paid in full by
    医疗救助 or the county government: the source, the identities that
    qualify under it, the department that keeps the list (医保, 残联, 卫健,
    退役军人事务: the year's table, list_owners), the clause and the
    amount. Totals per county and per list owner follow, for reconciliation
    with the 民政 / 农业农村 / 残联 / 卫健 lists (2023 三(四)).
    """
    with roster_failures():
        result = reports.assistance(_job(roster, options, entrypoint=entrypoints.BATCH_ROWS), lang)
    _write(result, fmt, out)


@contextlib.contextmanager
def _rereadable(path: str) -> Iterator[str]:
    """A path that can be read twice: the file itself, or standard input spooled to a temporary file."""
    if path != "-":
        yield path
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".roster", delete=False) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
    try:
        yield spool.name
    finally:
        os.unlink(spool.name)


@report.command("duplicates", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@report_options
@stops_cleanly
def duplicates_command(roster: str, fmt: str, lang: str, out: str | None, **options: Any) -> None:
    """重复参保: the same ID number twice in the roster, and people enrolled
    elsewhere or in 职工医保 with a payment on record.

    A first pass finds the rows (ID numbers counted on disk, so memory stays
    flat); only those rows are then decided. For each, what the policy says:
    the decision (eligible, payment accepted, refund) and the trail entries
    of the conditions and the refund rule, with their clauses; for an ID
    number seen twice, the 清理重复参保 rule (its id duplicate_enrollment_cleanup,
    its text from the rule index, its clause from the year's table).
    """
    with roster_failures(), _rereadable(roster) as path:
        result = reports.duplicates(path, lambda p: _job(p, options), lang)
    _write(result, fmt, out)
