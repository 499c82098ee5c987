"""Roster commands (`mzpolicy batch`, `mzpolicy report ...`): issue #5.

Every figure comes from the decisions OPA makes (entrypoints.BATCH_DECISIONS);
this module reads rosters, moves them to OPA in batches, counts and prints.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Container, Iterator
from decimal import Decimal
from typing import IO, Any

import click

from . import entrypoints
from .cli import BadInput, PolicyUnavailable, _iso_date, _no_server, _start, _token, main, today_in_shanghai
from .opa import EmbeddedServer, Endpoint, OPAError
from .roster_engine import MAX_BATCH_REQUESTS, MAX_QUERY_BYTES, BatchClient, Row, decision_error, prepare, run
from .roster_io import OutputError, RosterFormatError, RowWriter, SafeOutput, detect_format, open_binary, read_rows

DEFAULT_BATCH_SIZE = 250
# A well-formed record (valid GB 11643 number) for asking the policy about a date, not a person.
PROBE_RESIDENT = {"id_type": "resident_id", "id_number": "441402199001011237", "hukou_region": "441402"}
DEFAULT_IN_FLIGHT = 2


# ---------------------------------------------------------------- shared options


def roster_options(f: Any) -> Any:
    """The options every roster command shares."""
    options = [
        click.option(
            "--as-of",
            callback=_iso_date,
            envvar="MZPOLICY_AS_OF",
            help="Date to decide on (YYYY-MM-DD); overrides a row's own as_of. Default: the row's, else today.",
        ),
        click.option(
            "--year",
            "policy_year",
            type=click.IntRange(1990, 2100),
            envvar="MZPOLICY_YEAR",
            help="Policy year for every row. Default: from as_of (September on: next year).",
        ),
        click.option(
            "--input-format",
            type=click.Choice(["auto", "jsonl", "csv"]),
            default="auto",
            show_default=True,
            help="Roster format; auto: CSV for *.csv, else JSONL (standard input: JSONL).",
        ),
        click.option(
            "--opa-url",
            envvar="MZPOLICY_OPA_URL",
            help="Ask this OPA server instead of starting the pinned one (MZPOLICY_OPA_TOKEN is sent).",
        ),
        click.option(
            "--batch-size",
            type=click.IntRange(1, MAX_BATCH_REQUESTS),
            default=DEFAULT_BATCH_SIZE,
            show_default=True,
            help=f"Requests per OPA query, at most {MAX_BATCH_REQUESTS} (the batch rule's limit); a query is also"
            f" closed before it passes {MAX_QUERY_BYTES >> 20} MiB (OPA takes 4 MiB).",
        ),
        click.option(
            "--in-flight",
            type=click.IntRange(1, 64),
            default=DEFAULT_IN_FLIGHT,
            show_default=True,
            help="OPA queries at once (one per core of the OPA host is right).",
        ),
        click.option(
            "--progress/--no-progress",
            default=None,
            help="Progress bar on standard error. Default: on when standard error is a terminal.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


class Roster:
    """A roster being decided: the embedded or given OPA, the input, the rows."""

    def __init__(
        self,
        path: str,
        input_format: str,
        as_of: str | None,
        policy_year: int | None,
        opa_url: str | None,
        batch_size: int,
        in_flight: int,
        progress: bool | None,
        entrypoint: str = entrypoints.BATCH_DECISIONS,
    ):
        self.path = path
        self.fmt = "jsonl" if path == "-" and input_format == "auto" else detect_format(path, input_format)
        self.as_of = as_of
        self.policy_year = policy_year
        self.opa_url = opa_url
        self.batch_size = batch_size
        self.in_flight = in_flight
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.entrypoint = entrypoint
        self.client: BatchClient | None = None
        self.elapsed = 0.0

    @contextlib.contextmanager
    def opened(self) -> Iterator[Roster]:
        """Start OPA (embedded unless --opa-url), check the year, and always stop it."""
        with EmbeddedServer() if not self.opa_url else _no_server() as server:
            _start(server)  # OPA boots while the roster is opened and its header read
            with self._open_input():
                try:
                    endpoint = server.ready() if server is not None else Endpoint.parse(self.opa_url or "")
                except (OPAError, ValueError) as exc:
                    raise PolicyUnavailable(str(exc)) from None
                self.client = BatchClient(endpoint, self.entrypoint, token=_token() if self.opa_url else endpoint.token)
                try:
                    self._check_year()
                    yield self
                finally:
                    self.client.close()

    @contextlib.contextmanager
    def opened_on(self, other: Roster) -> Iterator[Roster]:
        """Open this roster's input against the OPA `other` has open."""
        assert other.client is not None, "other.opened() first"
        self.client = BatchClient(
            other.client.endpoint, self.entrypoint, token=_token() if self.opa_url else other.client.endpoint.token
        )
        try:
            with self._open_input():
                yield self
        finally:
            self.client.close()

    def _open_input(self) -> Any:
        """Open the roster and read a CSV header now, so that a bad roster is
        refused (exit 2) before anything is written. Returns what to close
        (not standard input, which is not ours)."""
        try:
            stream = open_binary(self.path)
            self._items = read_rows(stream, self.fmt)
        except RosterFormatError as exc:
            raise BadInput(str(exc)) from None
        return stream if self.path != "-" else contextlib.nullcontext()

    def _check_year(self) -> None:
        assert self.client is not None
        years = self.query(entrypoints.LOADED_YEARS)
        if not isinstance(years, list):
            raise PolicyUnavailable(
                f"OPA at {self.client.endpoint.url} has no {entrypoints.query(entrypoints.LOADED_YEARS)}"
                " (policy not loaded?)"
            )
        if self.policy_year is not None and self.policy_year not in years:
            raise BadInput(f"policy year {self.policy_year} is not loaded; loaded years: " + ", ".join(map(str, years)))
        # The year that --as-of (or today, for rows without their own as_of)
        # falls in, asked of the policy with a well-formed probe resident.
        as_of = self.as_of or today_in_shanghai()
        probe: dict[str, Any] = {"as_of": as_of, "resident": PROBE_RESIDENT}
        if self.policy_year is not None:
            probe["policy_year"] = self.policy_year
        error = decision_error(self._post_decision(probe))
        if error is None or error.get("code") != "year_not_loaded":
            return
        if self.as_of:
            raise BadInput(f"--as-of {as_of}: {error['message']}")
        click.echo(
            f"warning: rows without their own as_of are decided on today's date, {as_of}: {error['message']};"
            " give --as-of or --year",
            err=True,
        )

    def _post_decision(self, request: dict[str, Any]) -> Any:
        import requests

        assert self.client is not None
        url = f"{self.client.endpoint.url}/v1/data/{entrypoints.DECISION}"
        try:
            response = requests.post(url, json={"input": request}, headers=self.client.headers, timeout=60)
            response.raise_for_status()
            return response.json().get("result")
        except (requests.RequestException, ValueError) as exc:
            raise PolicyUnavailable(f"OPA at {self.client.endpoint.url} could not answer {url}: {exc}") from None

    def query(self, path: str) -> Any:
        """A document of the policy (not per resident), e.g. entrypoints.LOADED_YEARS."""
        import requests

        assert self.client is not None
        url = f"{self.client.endpoint.url}/v1/data/{path}"
        try:
            response = requests.get(url, headers=self.client.headers, timeout=30)
            response.raise_for_status()
            return response.json().get("result")
        except (requests.RequestException, ValueError) as exc:
            raise PolicyUnavailable(f"OPA at {self.client.endpoint.url} could not answer {url}: {exc}") from None

    def decision_of(self, row: Row) -> Any:
        """The decision (the whole one, or a row's lean one) of a decided row."""
        return row.answer if self.entrypoint == entrypoints.BATCH_DECISIONS else row.answer["decision"]

    def rows(self, select: Container[int] | None = None, start: int = 1) -> Iterator[Row]:
        """Every row (or the rows numbered in `select`; or from row `start`
        on, the rows before it read but not decided), decided, in order:
        `answer` set, or `error`."""
        assert self.client is not None, "opened() first"
        default_as_of = None if self.as_of else today_in_shanghai()
        items = self._items if select is None else (item for item in self._items if item.n in select)
        if start > 1:
            items = (item for item in items if item.n >= start)
        started = time.perf_counter()
        with self._bar(len(select) if select is not None else None) as bar:
            prepared = (prepare(item, self.as_of, self.policy_year, default_as_of) for item in items)
            try:
                for row in run(prepared, self.client, self.batch_size, self.in_flight, on_batch=bar.update):
                    if row.answer is not None and row.error is None:
                        row.error = decision_error(self.decision_of(row))
                    yield row
            except OPAError as exc:
                raise PolicyUnavailable(str(exc)) from None
        self.elapsed = time.perf_counter() - started

    def _bar(self, total: int | None) -> Any:
        from tqdm import tqdm

        if total is None and self.progress:
            total = _count_rows(self.path, self.fmt)
        return tqdm(
            total=total,
            unit="row",
            unit_scale=True,
            file=sys.stderr,
            disable=not self.progress,
            dynamic_ncols=True,
            mininterval=0.5,
            smoothing=0.1,
        )


def _count_rows(path: str, fmt: str) -> int | None:
    """Rows in a regular file, for the progress bar's total (lines; CSV less its header)."""
    if path == "-" or not os.path.isfile(path):
        return None
    count = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            count += block.count(b"\n")
    return max(count - (1 if fmt == "csv" else 0), 0)


# ---------------------------------------------------------------- the summary


def _yuan(amount: Any) -> Decimal:
    return Decimal(str(amount)) if isinstance(amount, int | float) and not isinstance(amount, bool) else Decimal(0)


class Tally:
    """Counts over decided rows, from the decisions only."""

    def __init__(self) -> None:
        self.rows = 0
        self.eligible = 0
        self.ineligible = 0
        self.errors = 0
        self.error_codes: Counter[str] = Counter()
        self.error_fields: Counter[str] = Counter()
        self.individual_due = Decimal(0)
        self.amount_due = Decimal(0)
        self.accepted = 0
        self.accepted_amount = Decimal(0)
        self.assistance: dict[str, list[Any]] = {}

    def add(self, row: Row, decision: dict[str, Any] | None) -> None:
        self.rows += 1
        if row.error is not None or decision is None:
            self.errors += 1
            error = row.error or {}
            self.error_codes[error.get("code") or "error"] += 1
            self.error_fields[error.get("field", "(row)")] += 1
            return
        if not decision.get("eligible"):
            self.ineligible += 1
        else:
            self.eligible += 1
            self.individual_due += _yuan(decision["contribution"].get("individual_due"))
            assistance = decision["contribution"].get("assistance")
            if assistance:
                count_amount = self.assistance.setdefault(assistance["source"], [0, Decimal(0)])
                count_amount[0] += 1
                count_amount[1] += _yuan(assistance.get("amount"))
        self.amount_due += _yuan(decision["payment"].get("amount_due"))
        if decision["payment"].get("accepted") is True:
            self.accepted += 1
            payment = (row.resident or {}).get("payment") or {}
            self.accepted_amount += _yuan(payment.get("amount"))

    def lines(self, elapsed: float) -> list[str]:
        decided = self.eligible + self.ineligible
        lines = [
            f"rows {self.rows}: decisions {decided} (eligible {self.eligible}, ineligible {self.ineligible}), "
            f"errors {self.errors}",
            f"individual share due for the year (individual_due, eligible rows): {_fmt_yuan(self.individual_due)}",
            f"payable on as_of (payment.amount_due): {_fmt_yuan(self.amount_due)}",
            f"payments on record accepted: {self.accepted}, {_fmt_yuan(self.accepted_amount)}",
        ]
        if self.assistance:
            parts = [
                f"{source} {count} persons {_fmt_yuan(amount)}"
                for source, (count, amount) in sorted(self.assistance.items())
            ]
            lines.append("full subsidy by source (contribution.assistance): " + "; ".join(parts))
        else:
            lines.append("full subsidy by source (contribution.assistance): none")
        if self.errors:
            lines.append("errors by kind: " + ", ".join(f"{c} {n}" for c, n in self.error_codes.most_common()))
            lines.append("errors by field: " + ", ".join(f"{f} {n}" for f, n in self.error_fields.most_common(8)))
        if elapsed > 0:
            lines.append(f"{self.rows} rows in {elapsed:.1f} s ({self.rows / elapsed:.0f} rows/s)")
        return lines


def _fmt_yuan(amount: Decimal) -> str:
    return f"{amount:,.2f} yuan"


# ---------------------------------------------------------------- stopping cleanly

# Exit codes of the roster commands, beyond CONTRACT §4's 0, 1, 2 and 3.
EXIT_OUTPUT_FAILED = 4
EXIT_CODES_HELP = (
    "Exit codes: 0 every row is a decision; 1 some rows are errors (all rows are written); 2 usage"
    " (unreadable roster, unknown CSV column, a policy year not loaded); 3 OPA could not be reached or fails on"
    " everything; 4 the output could not be written (disk full, no permission); 130 interrupted (SIGINT,"
    " Ctrl-C); 143 terminated (SIGTERM). On 3, 4, 130 and 143 the output is incomplete, and standard error"
    " says so and from which row to resume."
)


class OutputFailed(click.ClickException):
    exit_code = EXIT_OUTPUT_FAILED


class Interrupted(BaseException):
    """SIGINT or SIGTERM. A BaseException, as KeyboardInterrupt is, so that no
    `except Exception` on the way swallows it and every `with` block on the
    way out runs: the embedded OPA is stopped, the partial file closed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum
        self.name = signal.Signals(signum).name


class Signals:
    """SIGINT and SIGTERM raise Interrupted in the main thread (click would
    turn a KeyboardInterrupt into `Aborted!` and exit 1; SIGTERM would end
    the process without stopping the embedded OPA). While a row is being
    written (`held`) a signal waits until the row is whole; once one has been
    raised, further ones are ignored while the clean-up runs."""

    def __init__(self) -> None:
        self.holding = False
        self.pending: int | None = None
        self.raised = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Signals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.raised:
            return
        if self.holding:
            self.pending = signum
            return
        self.raised = True
        raise Interrupted(signum)

    @contextlib.contextmanager
    def held(self, last: bool = False) -> Iterator[None]:
        """No Interrupted inside; one that came meanwhile is raised after, unless
        this was the `last` step (the output is complete: nothing to stop)."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending is not None and not self.raised and not last:
            self.raised = True
            raise Interrupted(self.pending)


_signals = Signals()


def stops_cleanly(command: Any) -> Any:
    """A roster command under Signals: exit 130 on SIGINT, 143 on SIGTERM."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        global _signals
        _signals = Signals()
        with _signals:
            try:
                return command(*args, **kwargs)
            except Interrupted as exc:
                click.echo(f"mzpolicy: stopped by {exc.name}", err=True)
                raise click.exceptions.Exit(exc.exit_code) from None

    return run


@contextlib.contextmanager
def output_stream(out: str | None) -> Iterator[IO[str]]:
    """A report's --out FILE, or standard output. A file is written to a
    temporary name beside it (mode 0600: a report may hold ID numbers) and
    renamed onto FILE once complete; a run that stops early leaves no file."""
    try:
        output = SafeOutput(out, resumable=False)
        stream = output.open()
    except OutputError as exc:
        raise OutputFailed(str(exc)) from None
    try:
        yield stream
        with _signals.held(last=True):
            output.finish()
    except OutputError as exc:
        output.abandon()
        raise OutputFailed(str(exc)) from None
    except BaseException:
        output.abandon()
        raise


# ---------------------------------------------------------------- batch


@main.command("batch", epilog=EXIT_CODES_HELP)
@click.argument("roster", metavar="INPUT", type=str)
@roster_options
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
@stops_cleanly
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
    job = Roster(roster, input_format, as_of, policy_year, opa_url, batch_size, in_flight, progress, entrypoint)
    tally = Tally()
    try:
        output = SafeOutput(out, fmt, resume)
    except RosterFormatError as exc:
        raise BadInput(str(exc)) from None
    except OutputError as exc:
        raise OutputFailed(str(exc)) from None
    written = 0
    with job.opened():
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
                with _signals.held():
                    writer.write(row.n, row.resident, decision, row.error)
                    written += 1
                tally.add(row, decision)
            with _signals.held(last=True):
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


# Report commands live in their own module and register on `main` too.
from . import roster_report  # noqa: E402, F401
