"""Roster commands (`mzpolicy batch`, `mzpolicy report ...`): issue #5.

Every figure comes from the decisions OPA makes (data.mz.medins.batch);
this module reads rosters, moves them to OPA in batches, counts and prints.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections import Counter
from collections.abc import Container, Iterator
from decimal import Decimal
from typing import IO, Any

import click

from .cli import BadInput, PolicyUnavailable, _iso_date, _no_server, _start, _token, main, today_in_shanghai
from .opa import EmbeddedServer, Endpoint, OPAError
from .roster_engine import BatchClient, Row, decision_error, prepare, run
from .roster_io import RosterFormatError, RowWriter, detect_format, open_text, read_rows

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
            type=click.IntRange(1, 100_000),
            default=DEFAULT_BATCH_SIZE,
            show_default=True,
            help="Requests per OPA query.",
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
        rule: str = "decisions",
    ):
        self.path = path
        self.fmt = "jsonl" if path == "-" and input_format == "auto" else detect_format(path, input_format)
        self.as_of = as_of
        self.policy_year = policy_year
        self.opa_url = opa_url
        self.batch_size = batch_size
        self.in_flight = in_flight
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.rule = rule
        self.client: BatchClient | None = None
        self.elapsed = 0.0

    @contextlib.contextmanager
    def opened(self) -> Iterator[Roster]:
        """Start OPA (embedded unless --opa-url), check the year, and always stop it."""
        with EmbeddedServer() if not self.opa_url else _no_server() as server:
            _start(server)  # OPA boots while the roster is opened and its header read
            with contextlib.closing(self._open_input()):
                try:
                    endpoint = server.ready() if server is not None else Endpoint.parse(self.opa_url or "")
                except (OPAError, ValueError) as exc:
                    raise PolicyUnavailable(str(exc)) from None
                self.client = BatchClient(endpoint, rule=self.rule, token=_token() if self.opa_url else endpoint.token)
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
            other.client.endpoint, rule=self.rule, token=_token() if self.opa_url else other.client.endpoint.token
        )
        try:
            with contextlib.closing(self._open_input()):
                yield self
        finally:
            self.client.close()

    def _open_input(self) -> IO[str]:
        """Open the roster and read a CSV header now, so that a bad roster is
        refused (exit 2) before anything is written."""
        try:
            self._stream = open_text(self.path)
            self._items = read_rows(self._stream, self.fmt)
        except RosterFormatError as exc:
            raise BadInput(str(exc)) from None
        except UnicodeDecodeError as exc:
            raise BadInput(f"{self.path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
        return self._stream

    def _check_year(self) -> None:
        assert self.client is not None
        years = self.query("loaded_years", path="mz/medins")
        if not isinstance(years, list):
            raise PolicyUnavailable(f"OPA at {self.client.endpoint.url} has no data.mz.medins (policy not loaded?)")
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
        url = f"{self.client.endpoint.url}/v1/data/mz/medins/decision"
        try:
            response = requests.post(url, json={"input": request}, headers=self.client.headers, timeout=60)
            response.raise_for_status()
            return response.json().get("result")
        except (requests.RequestException, ValueError) as exc:
            raise PolicyUnavailable(f"OPA at {self.client.endpoint.url} could not answer {url}: {exc}") from None

    def query(self, rule: str, path: str = "mz/medins/batch") -> Any:
        """A document of the policy (not per resident), e.g. loaded_years."""
        import requests

        assert self.client is not None
        url = f"{self.client.endpoint.url}/v1/data/{path}/{rule}"
        try:
            response = requests.get(url, headers=self.client.headers, timeout=30)
            response.raise_for_status()
            return response.json().get("result")
        except (requests.RequestException, ValueError) as exc:
            raise PolicyUnavailable(f"OPA at {self.client.endpoint.url} could not answer {url}: {exc}") from None

    def rows(self, select: Container[int] | None = None) -> Iterator[Row]:
        """Every row (or the rows numbered in `select`), decided, in order:
        `answer` set, or `error`."""
        assert self.client is not None, "opened() first"
        default_as_of = None if self.as_of else today_in_shanghai()
        items = self._items if select is None else (item for item in self._items if item.n in select)
        started = time.perf_counter()
        with self._bar(len(select) if select is not None else None) as bar:
            prepared = (prepare(item, self.as_of, self.policy_year, default_as_of) for item in items)
            try:
                for row in run(prepared, self.client, self.batch_size, self.in_flight, on_batch=bar.update):
                    if row.answer is not None and row.error is None:
                        row.error = decision_error(row.answer if self.rule == "decisions" else row.answer["decision"])
                    yield row
            except OPAError as exc:
                raise PolicyUnavailable(str(exc)) from None
            except UnicodeDecodeError as exc:
                raise BadInput(f"{self.path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
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


@contextlib.contextmanager
def output_stream(out: str | None) -> Iterator[IO[str]]:
    """--out FILE, or standard output as UTF-8."""
    if out:
        try:
            f = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise BadInput(f"cannot write {out}: {exc.strerror}") from None
        with f:
            yield f
        return
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        yield sys.stdout
        return
    sys.stdout.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=False)
    try:
        yield wrapper
    finally:
        with contextlib.suppress(BrokenPipeError):
            wrapper.flush()
        wrapper.detach()


# ---------------------------------------------------------------- batch


@main.command("batch")
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
@click.option("--out", type=str, help="Write the rows to this file instead of standard output.")
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
) -> None:
    """Decide every resident of a roster, one output row per input row, in order.

    INPUT is JSONL (one record or whole request per line) or CSV (columns in
    fixtures/rosters/README.md); '-' reads standard input. A row that cannot
    be read, fails validation, or makes OPA fail becomes an error row
    {"row": n, "error": {"field": ..., "message": ...}} and the run goes on.
    Requests go to OPA a few hundred per query (data.mz.medins.batch), two
    queries at a time. A summary goes to standard error at the end.

    Exit codes: 0 every row is a decision; 1 some rows are errors (all rows
    are still written); 2 usage (unreadable roster, unknown CSV column, a
    policy year not loaded); 3 OPA could not be reached or fails on everything
    (should OPA go away mid-run, the rows written so far stay written).
    """
    if out and roster != "-" and os.path.exists(out) and os.path.exists(roster) and os.path.samefile(out, roster):
        raise BadInput(f"--out {out} is the roster itself")
    job = Roster(roster, input_format, as_of, policy_year, opa_url, batch_size, in_flight, progress)
    tally = Tally()
    try:
        with job.opened(), output_stream(out) as stream:
            writer = RowWriter(stream, fmt)
            for row in job.rows():
                decision = row.answer if row.error is None else None
                writer.write(row.n, row.resident, decision, row.error)
                tally.add(row, decision)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as other Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so that the exit flush does not fail again
        click.echo(f"output closed after {tally.rows} rows", err=True)
        click.get_current_context().exit(1)
    for line in tally.lines(job.elapsed):
        click.echo(line, err=True)
    if tally.errors:
        click.get_current_context().exit(1)


# Report commands live in their own module and register on `main` too.
from . import roster_report  # noqa: E402, F401
