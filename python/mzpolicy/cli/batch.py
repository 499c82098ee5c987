"""`mzpolicy batch`: every resident of a roster decided, one output row per
input row, in order (issue #5). Reading and writing rosters is
mzpolicy.roster.io's, deciding them mzpolicy.roster.engine's, the summary's
counts mzpolicy.roster.tally's; this module wires them to the command line.
"""

from __future__ import annotations

import os
import sys

import click

from .. import entrypoints
from ..roster.engine import Roster
from ..roster.io import OutputError, RosterFormatError, RowWriter, SafeOutput
from ..roster.tally import Tally
from . import options, signals
from .errors import EXIT_CODES_HELP, BadInput, OutputFailed, roster_failures


@click.command("batch", epilog=EXIT_CODES_HELP)
@click.argument("roster", metavar="INPUT", type=str)
@options.roster
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help='jsonl: {"row": n, "decision": {...}} or {"row": n, "error": {...}} per line; csv: headline fields.',
)
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
    out: str | None,
    start_row: int,
    resume: bool,
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
    # CSV carries the headline fields and the failed rules' ids: the lean
    # decision, which evaluates no explanation, has all of them.
    entrypoint = entrypoints.BATCH_ROWS if fmt == "csv" else entrypoints.BATCH_DECISIONS
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
        today=options.today_in_shanghai(),
        token=options.opa_token(),
        warn=lambda message: click.echo(message, err=True),
    )
    tally = Tally()
    try:
        output = SafeOutput(out, fmt, resume)
    except RosterFormatError as exc:
        raise BadInput(str(exc)) from None
    except OutputError as exc:
        raise OutputFailed(str(exc)) from None
    written = 0
    with roster_failures(), job.opened():
        try:
            stream = output.open()
        except RosterFormatError as exc:
            raise BadInput(str(exc)) from None
        except OutputError as exc:
            raise OutputFailed(str(exc)) from None
        if output.next_row is not None:
            start_row = output.next_row
        try:
            writer = RowWriter(stream, fmt, header=output.header)
            for row in job.rows(start=start_row):
                decision = job.decision_of(row) if row.error is None else None
                with signals.current().held():
                    writer.write(row.n, row.resident, decision, row.error)
                    written += 1
                tally.add(row, decision)
            with signals.current().held(last=True):
                output.finish()
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
            f"resumed: {output.rows_before} rows were in {output.partial} already ({output.errors_before} errors)",
            err=True,
        )
    for line in tally.lines(job.elapsed):
        click.echo(line, err=True)
    if tally.errors or output.errors_before:
        click.get_current_context().exit(1)


def _incomplete(output: SafeOutput, start_row: int, written: int) -> None:
    """The line that says the output is not complete, and how to go on."""
    first = output.first_row if output.rows_before else start_row
    total = output.rows_before + written
    next_row = first + total
    if total == 0:
        again = "the same command again" + (f" (with --start-row {start_row})" if start_row > 1 else "")
        where = f" to {output.out}" if output.out else ""
        message = f"the output is incomplete: no row was written{where}; run {again}"
    elif output.partial is not None:
        message = (
            f"the output is incomplete: {total} rows (rows {first}-{next_row - 1}) written to {output.partial};"
            f" {output.out} was not written. To resume, run the same command with --resume (continues"
            f" {output.partial}), or with --start-row {next_row}"
        )
    else:
        message = (
            f"the output is incomplete: {total} rows (rows {first}-{next_row - 1}) written to {output.where}."
            f" To resume, run the same command with --start-row {next_row} and add its rows to what was written"
        )
    click.echo(f"mzpolicy batch: {message}.", err=True)
