"""`mzpolicy report progress|assistance|duplicates`: the roster duties of the
notices (mzpolicy.roster.reports counts and names; this module wires the
command line to it and writes the tables, the json, the workbook and the chart)."""

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
from .errors import REPORT_EXIT_CODES, OutputFailed, roster_failures
from .options import lang as lang_option
from .options import opa_token, today_in_shanghai
from .options import roster as roster_options
from .signals import current, output_stream, stops_cleanly


def report_options(f: Any) -> Any:
    f = click.option("--out", type=str, help="Write the report to this file instead of standard output.")(f)
    f = lang_option(None)(f)
    f = click.option(
        "--excel",
        is_flag=True,
        help='With --format csv: for a spreadsheet: a UTF-8 BOM, ID numbers kept as text (="…").',
    )(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "markdown", "json", "xlsx"]),
        default="table",
        show_default=True,
        help="table for the terminal; csv and markdown for the weekly 通报; json for machines (and next week's"
        " --last-week); xlsx (with --out FILE) for people: typed cells, one sheet per table.",
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
        encoding=options.get("encoding", "auto"),
        today=today_in_shanghai(),
        token=opa_token(),
        warn=lambda message: click.echo(message, err=True),
    )


def _check_format(fmt: str, excel: bool, out: str | None) -> None:
    if excel and fmt != "csv":
        raise click.UsageError("--excel is a CSV variant: it goes with --format csv")
    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx writes a workbook: give --out FILE.xlsx")


def _write(report: reports.Report, fmt: str, out: str | None, excel: bool, notes: list[str] | None = None) -> None:
    """The report in its format (xlsx: with a native chart of the report's chart, if it has one)."""
    notes = report.notes if notes is None else notes
    if fmt == "xlsx":
        assert out is not None
        from ..render.spreadsheet import tables_workbook
        from ..roster.io import OutputError

        try:
            with current().held(last=True):
                tables_workbook(out, report.tables, notes, _native_chart(report.chart))
        except OutputError as exc:
            raise OutputFailed(str(exc)) from None
        return
    with output_stream(out) as stream:
        if fmt == "json":
            stream.write(report.as_json())
        else:
            emit(stream, report.tables, fmt, notes, excel=excel)


def _native_chart(chart: reports.Chart | None) -> Any:
    """The xlsx chart over the first sheet's rate column (its counties start on the sheet's row 3)."""
    if chart is None or not chart.names:
        return None
    from ..render.chart import xlsx_rate_chart

    def draw(book: Any, sheets: list[Any]) -> None:
        xlsx_rate_chart(book, sheets[0], 3, 3 + chart.rows - 1, 1, chart.rate_column, chart.label)

    return draw


def _errors_exit(errors: int, lang: str) -> None:
    """Exit 1 where rows could not be decided: the report leaves them out."""
    if errors:
        click.echo(
            f"{errors} 行未能作出决定（未计入）；`mzpolicy batch` 列出这些行。"
            if lang == "zh"
            else f"{errors} rows could not be decided (not counted); `mzpolicy batch` lists them.",
            err=True,
        )
        click.get_current_context().exit(1)


@report.command("progress", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@click.option(
    "--plan",
    type=str,
    metavar="FILE",
    help="The 征缴计划 (2025 七(二)): 任务数 per county, CSV `code,task` or YAML {code: task}; the rate and"
    " the ranking are then of the task.",
)
@click.option(
    "--last-week",
    type=str,
    metavar="FILE",
    help="Last week's report (what --format json wrote): the change of each county's rate since.",
)
@click.option(
    "--chart",
    type=str,
    metavar="FILE",
    help="Also draw the rate per county (matplotlib) to FILE.png or FILE.svg; markdown links it. xlsx output"
    " has a native chart always.",
)
@report_options
@stops_cleanly
def progress_command(
    roster: str,
    plan: str | None,
    last_week: str | None,
    chart: str | None,
    fmt: str,
    excel: bool,
    lang: str,
    out: str | None,
    **options: Any,
) -> None:
    """Collection progress per county, the weekly 通报 (参保缴费进度, 2025 七(三)).

    ROSTER is a roster, or the JSONL output of `mzpolicy batch --out FILE`
    (decide once, report many): its sidecar FILE.meta.json must say it is
    complete and of one policy year (the one --year names, if given).

    Per county (where the decision enrolls the person, enrollment.region):
    eligible persons; paid (a payment on the record that the decision
    accepts); fully subsidised, by source (contribution.assistance); unpaid
    (eligible, neither paid nor subsidised); the amount collected
    (the decision's collected); and the rate (paid + subsidised) / eligible. With
    --plan, each county's 任务数 and the rate of it; with --last-week, the
    change in percentage points; a ranking by the rate (of the task where
    a plan is given). Ineligible and error rows are counted below the table.
    --as-of names the reporting date; without it each row's own as_of, else
    today, is used.
    """
    if chart and not chart.lower().endswith((".png", ".svg")):
        raise click.UsageError("--chart FILE: FILE ends in .png or .svg")
    _check_format(fmt, excel, out)
    with roster_failures():
        result = reports.progress(roster, lambda p: _job(p, options), lang, plan, last_week)
    notes = list(result.notes)
    if chart and result.chart is not None:
        from ..render.chart import rate_chart

        c = result.chart
        warning = rate_chart(chart, c.title, c.names, c.rates, c.label)
        if warning:
            click.echo(f"mzpolicy report: {warning}", err=True)
        if fmt == "markdown":
            link = os.path.relpath(chart, os.path.dirname(os.path.abspath(out))) if out else chart
            notes.append(f"![{c.label}]({link})")
    _write(result, fmt, out, excel, notes)
    _errors_exit(result.errors, lang)


@report.command("assistance", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@report_options
@stops_cleanly
def assistance_command(roster: str, fmt: str, excel: bool, lang: str, out: str | None, **options: Any) -> None:
    """The 免缴台账: every fully subsidised person, with totals.

    Each person whose individual share the decision has paid in full by
    医疗救助 or the county government: the source, the identities that
    qualify under it, the department that keeps the list (医保, 残联, 卫健,
    退役军人事务: the year's table, list_owners), the clause and the
    amount. Totals per county and per list owner follow, for reconciliation
    with the 民政 / 农业农村 / 残联 / 卫健 lists (2023 三(四)).

    ROSTER is the roster itself: the ledger names each person, which batch
    output does not carry.
    """
    _check_format(fmt, excel, out)
    with roster_failures():
        reports.roster_only(roster, "assistance")
        result = reports.assistance(_job(roster, options, entrypoint=entrypoints.BATCH_ROWS), lang)
    _write(result, fmt, out, excel)
    _errors_exit(result.errors, lang)


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
def duplicates_command(roster: str, fmt: str, excel: bool, lang: str, out: str | None, **options: Any) -> None:
    """重复参保: the same ID number twice in the roster, and people enrolled
    elsewhere or in 职工医保 with a payment on record.

    A first pass finds the rows (ID numbers counted on disk, so memory stays
    flat); only those rows are then decided. For each, what the policy says:
    the decision (eligible, payment accepted, refund) and the trail entries
    of the conditions and the refund rule, with their clauses; for an ID
    number seen twice, the 清理重复参保 rule (its id duplicate_enrollment_cleanup,
    its text from the rule index, its clause from the year's table).

    ROSTER is the roster itself: ID numbers are compared, which batch output
    does not carry.
    """
    _check_format(fmt, excel, out)
    with roster_failures():
        reports.roster_only(roster, "duplicates")
        with _rereadable(roster) as path:
            result = reports.duplicates(path, lambda p: _job(p, options), lang)
    _write(result, fmt, out, excel)
    _errors_exit(result.errors, lang)
