"""`mzpolicy batch`: every resident of a roster decided, one output row per
input row, in order (issue #5). Reading and writing rosters is
mzpolicy.roster.io's, deciding them mzpolicy.roster.engine's, the summary's
counts mzpolicy.roster.tally's; this module wires them to the command line.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from .. import entrypoints
from ..roster import meta
from ..roster.engine import Roster
from ..roster.io import OutputError, RosterFormatError, RowWriter, SafeOutput
from ..roster.tally import Tally
from ..wording import say
from . import options, signals
from .errors import EXIT_CODES_HELP, BadInput, OutputFailed, current_lang, roster_failures


@click.command("batch", epilog=EXIT_CODES_HELP)
@click.argument("roster", metavar="INPUT", type=str)
@options.roster
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "xlsx"]),
    default="jsonl",
    show_default=True,
    help='jsonl: {"row": n, "decision": {...}} or {"row": n, "error": {...}} per line; csv: headline fields, for'
    " machines; xlsx (with --out FILE): the same columns for people, headers and codes by their names, typed cells.",
)
@click.option(
    "--excel",
    is_flag=True,
    help="With --format csv: the CSV for a spreadsheet: a UTF-8 BOM (Excel on a Chinese Windows reads it as"
    ' UTF-8), headers and codes by their names, ID numbers kept as text (="…"), yes/no as 是/否.',
)
@options.lang("Language of the closing summary and of the xlsx / --excel headers.")
@click.option(
    "--out",
    type=str,
    metavar="FILE",
    help="Write the rows to this file instead of standard output: to FILE.partial (mode 0600), renamed onto FILE"
    " once every row is written.",
)
@click.option(
    "--start-row",
    type=click.IntRange(min=1),
    metavar="N",
    default=1,
    help="Decide and write rows from this one on; the rows before it are read (their numbers kept), not decided.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the FILE.partial an interrupted or failed run with the same --out left, after its last whole row.",
)
@signals.stops_cleanly
def batch_command(
    roster: str,
    as_of: str | None,
    policy_year: int | None,
    input_format: str,
    opa_url: str | None,
    batch_size: int,
    in_flight: int,
    progress: bool | None,
    fmt: str,
    excel: bool,
    lang: str,
    out: str | None,
    start_row: int,
    resume: bool,
    encoding: str = "auto",
) -> None:
    """Decide every resident of a roster, one output row per input row, in order.

    INPUT is JSONL (one record or whole request per line) or CSV (columns in
    fixtures/rosters/README.md); '-' reads standard input. A record is one
    physical line, whatever its bytes. A row that cannot be read, fails
    validation, or makes OPA fail becomes an error row
    {"row": n, "error": {"field": ..., "message": ...}} and the run goes on.
    Requests go to OPA a few hundred per query (the batch entrypoint), two
    queries at a time. A summary goes to standard error at the end.

    With --out FILE, FILE appears only when every row is written; a run that
    stops early (exit 3, 4, 130, 143) leaves the whole rows it wrote in
    FILE.partial, and says on standard error how to resume (--resume, or
    --start-row N). To standard output, only the exit code and that line tell
    whether the output is complete.
    """
    if out and roster != "-" and os.path.exists(out) and os.path.exists(roster) and os.path.samefile(out, roster):
        raise BadInput(f"--out {out} is the roster itself")
    if resume and start_row != 1:
        raise click.UsageError("--resume continues where FILE.partial ends: it takes no --start-row")
    if excel and fmt != "csv":
        raise click.UsageError("--excel is a CSV variant: it goes with --format csv (xlsx is for spreadsheets already)")
    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx writes a workbook: give --out FILE.xlsx")
    if resume and (fmt == "xlsx" or excel):
        raise click.UsageError("--resume continues a machine output (jsonl, csv); a spreadsheet is written whole")
    # CSV carries the headline fields and the failed rules' ids: the lean
    # decision, which evaluates no explanation, has all of them.
    entrypoint = entrypoints.BATCH_ROWS if fmt in ("csv", "xlsx") else entrypoints.BATCH_DECISIONS
    job = Roster(
        roster,
        input_format,
        as_of,
        policy_year,
        opa_url,
        batch_size,
        in_flight,
        progress,
        entrypoint,
        encoding,
        today=options.today_in_shanghai(),
        token=options.opa_token(),
        warn=lambda message: click.echo(message, err=True),
    )
    tally = Tally()
    output: Any
    try:
        output = None if fmt == "xlsx" else SafeOutput(out, fmt, resume)
    except RosterFormatError as exc:
        raise BadInput(str(exc)) from None
    except OutputError as exc:
        raise OutputFailed(str(exc)) from None
    written = 0
    provenance = meta.Provenance(job, fmt)
    with roster_failures(), job.opened():
        reference = job.query(entrypoints.REFERENCE) or {}
        cells = _people_cells(job, reference, lang) if fmt == "xlsx" or excel else None
        try:
            if output is None:
                from ..render.spreadsheet import BatchWorkbook

                assert out is not None and cells is not None
                output = BatchWorkbook(out, cells, "名册审核结果" if lang == "zh" else "Roster decisions")
            stream = output.open()
        except RosterFormatError as exc:
            raise BadInput(str(exc)) from None
        except OutputError as exc:
            raise OutputFailed(str(exc)) from None
        if output.next_row is not None:
            start_row = output.next_row
        try:
            writer = output if fmt == "xlsx" else RowWriter(stream, fmt, header=output.header, people=cells)
            for row in job.rows(start=start_row):
                decision = job.decision_of(row) if row.error is None else None
                with signals.current().held():
                    writer.write(row.n, row.resident, decision, row.error)
                    written += 1
                tally.add(row, decision)
                provenance.add(row, decision)
            with signals.current().held(last=True):
                sidecar = out is not None and (output.partial is not None or fmt == "xlsx")
                if sidecar:
                    meta.forget(out)
                output.finish()
                if sidecar:
                    provenance.write(
                        out,
                        output.rows_before + written,
                        tally.errors + output.errors_before,
                        first_row=output.first_row if output.rows_before else None,
                        resumed=bool(output.rows_before),
                    )
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as other Unix tools do.
            output.abandon(written)
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so that the exit flush does not fail again
            click.echo(f"output closed after {tally.rows} rows", err=True)
            click.get_current_context().exit(1)
        except OutputError as exc:
            output.abandon(written)
            _incomplete(output, start_row, written)
            raise OutputFailed(str(exc)) from None
        except BaseException:
            output.abandon(written)
            _incomplete(output, start_row, written)
            raise
    if output.rows_before:
        click.echo(
            f"resumed: {output.rows_before} rows were in {output.partial} already ({output.errors_before} errors)"
            if lang == "en"
            else f"续写：{output.partial} 中已有 {output.rows_before} 行（其中错误 {output.errors_before} 行）",
            err=True,
        )
    for line in tally.lines(job.elapsed, lang, reference):
        click.echo(line, err=True)
    if tally.errors or output.errors_before:
        click.get_current_context().exit(1)


def _people_cells(job: Roster, reference: dict[str, Any], lang: str) -> Any:
    """How a row is worded for people (xlsx, --excel): names of codes from
    data.mz.reference, rule titles from data.mz.index, both asked of the bundle."""
    from ..render.spreadsheet import BatchCells

    return BatchCells(reference, job.query(entrypoints.RULE_INDEX) or {}, lang)


def _incomplete(output: Any, start_row: int, written: int) -> None:
    """The line that says the output is not complete, and how to go on: in
    the command's language, and in English too under zh, for the scripts that
    watch stderr."""
    if getattr(output, "whole", False):
        key, facts = "output_not_written_whole", {"out": output.out}
    else:
        first = output.first_row if output.rows_before else start_row
        total = output.rows_before + written
        next_row = first + total
        span = {"total": total, "first": first, "last": next_row - 1, "next": next_row}
        if total == 0:
            flag = f" (--start-row {start_row})" if start_row > 1 else ""
            key, facts = "output_no_row", {"where": f" ({output.out})" if output.out else "", "flag": flag}
        elif output.partial is not None:
            key, facts = "output_partial", {**span, "partial": output.partial, "out": output.out}
        else:
            key, facts = "output_written_to", {**span, "where": output.where}
    for lang in dict.fromkeys([current_lang(), "en"]):
        click.echo(f"mzpolicy batch: {say(key, lang, **facts)}{'。' if lang == 'zh' else '.'}", err=True)
