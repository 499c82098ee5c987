"""mzpolicy command line (CONTRACT.md §4).

Exit codes: 0 a decision was made; 2 bad input or usage (a message naming
the field on stderr); 3 OPA unreachable or the policy failed. On 2 and 3
nothing is written to stdout. eval and diff stopped by SIGTERM exit 143, by
Ctrl-C 130, quietly, once the embedded OPA is stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import threading
from collections.abc import Iterator
from typing import Any

import click

from .opa import EmbeddedServer, OPAError, connect

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadInput(click.ClickException):
    exit_code = 2

    def format_message(self) -> str:
        return self.message


class PolicyUnavailable(click.ClickException):
    exit_code = 3


def today_in_shanghai() -> str:
    """--as-of default: today in Asia/Shanghai (UTC+8 all year, no DST)."""
    return dt.datetime.now(CHINA_STANDARD_TIME).date().isoformat()


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        # fromisoformat alone also takes '2025-W01-1' and '20250101  ' (Python 3.11)
        return dt.date.fromisoformat(value).isoformat() if _ISO_DATE.fullmatch(value) else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> str:
    from .records import shown

    # Bad input, not bad usage: one line naming the option (CONTRACT §4), no usage text.
    raise BadInput(f"invalid input: --as-of: {shown(value)} is not a real date in YYYY-MM-DD form")


def _token() -> str | None:
    return os.environ.get("MZPOLICY_OPA_TOKEN") or None


def decide(request: dict[str, Any], opa_url: str | None, server: EmbeddedServer | None = None) -> dict[str, Any]:
    """Validate, ask OPA, and turn the decision's defined errors into exceptions."""
    from . import records

    try:
        records.validate(request)
    except records.InputError as exc:
        raise BadInput(f"invalid input: {exc.one_line()}") from None
    try:
        with connect(opa_url, token=_token(), server=server) as client:
            decision = client.decide(request)
    except OPAError as exc:
        raise PolicyUnavailable(str(exc)) from None
    raise_for_error(decision)
    return decision


def policy_document(path: str, opa_url: str | None, server: EmbeddedServer | None = None) -> Any:
    """A document of the bundle (entrypoints.RULE_INDEX, ...), or exit 3."""
    try:
        with connect(opa_url, token=_token(), server=server) as client:
            return client.document(path)
    except OPAError as exc:
        raise PolicyUnavailable(str(exc)) from None


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt, so that
    every with block on the way out runs (and stops the embedded OPA). Not an
    Exception: no `except Exception` may swallow it."""


@contextlib.contextmanager
def ended_by_signals() -> Iterator[None]:
    """SIGTERM ends the command with exit 143 and Ctrl-C with 130, after the
    cleanup, without click's "Aborted!" (exit 1) or a traceback. A second
    SIGTERM during the cleanup kills at once (the default action); the
    embedded OPA then dies with the CLI all the same (its parent-death signal)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # CliRunner in a thread: only the main thread can take signals
        return

    def terminate(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except Terminated:
        raise SystemExit(128 + signal.SIGTERM) from None
    except KeyboardInterrupt:
        raise SystemExit(128 + signal.SIGINT) from None
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def raise_for_error(decision: dict[str, Any]) -> None:
    from . import records

    error = decision.get("error")
    if not error:
        return
    if error.get("code") == "year_not_loaded":
        message = f"policy year {error['policy_year']} is not loaded; loaded years: " + ", ".join(
            map(str, error["loaded_years"])
        )
        if error.get("hint"):
            message += f". {error['hint']}"
        raise BadInput(message)
    if error.get("code") == "invalid_input":
        problems = [records.Problem(p["field"], p["message"]) for p in error["problems"]]
        raise BadInput(f"invalid input: {records.InputError(problems).one_line()}")
    if error.get("code") == "year_incomplete":
        # The year's table is the policy's: an incomplete one is a policy failure (exit 3), not bad input.
        raise PolicyUnavailable(error["message"])
    raise PolicyUnavailable(f"the policy answered with an unknown error: {error}")


def _output_options(command: Any) -> Any:
    """--format and --lang, the same for every command that prints a decision."""
    command = click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        envvar="MZPOLICY_LANG",
        show_default=True,
        help="Language of text and markdown output.",
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "markdown"]),
        default="text",
        envvar="MZPOLICY_FORMAT",
        show_default=True,
        help="Output format; json prints exactly the decision (for diff: the comparison).",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mzpolicy")
def main() -> None:
    """Meizhou urban-rural resident basic medical insurance (梅州市城乡居民医保):
    enrollment, fee and subsidy decisions made by Open Policy Agent."""


@main.command("eval")
@click.argument("record", type=str)
@click.option(
    "--as-of",
    callback=_iso_date,
    envvar="MZPOLICY_AS_OF",
    help="Date to decide on (YYYY-MM-DD). Default: today in Asia/Shanghai.",
)
@click.option(
    "--year",
    "policy_year",
    type=click.IntRange(1990, 2100),
    envvar="MZPOLICY_YEAR",
    help="Policy year. Default: from --as-of (September on: next year).",
)
@_output_options
@click.option(
    "--opa-url",
    envvar="MZPOLICY_OPA_URL",
    help="Ask this OPA server instead of starting the pinned one (MZPOLICY_OPA_TOKEN is sent).",
)
def eval_command(
    record: str, as_of: str | None, policy_year: int | None, fmt: str, lang: str, opa_url: str | None
) -> None:
    """Decide for one resident record.

    RECORD is a YAML or JSON file holding a resident record (CONTRACT.md §2)
    or a whole request (as_of, policy_year, resident); '-' reads standard
    input. Flags override the file. Without --opa-url the pinned OPA is
    started on a free loopback port and stopped afterwards.
    """
    with ended_by_signals(), EmbeddedServer() if not opa_url else _no_server() as server:
        # The embedded OPA boots while the record is read and the libraries load.
        _start(server)
        from . import records, render

        try:
            document = records.load(record)
            request = records.build_request(document, as_of=as_of, policy_year=policy_year)
        except records.InputError as exc:
            raise BadInput(f"invalid input: {exc.one_line()}") from None
        request.setdefault("as_of", today_in_shanghai())
        decision = decide(request, opa_url, server)
    name = request["resident"].get("name")
    click.echo(render.render(decision, fmt, lang, name), nl=False)


def _years(ctx: click.Context, param: click.Parameter, value: str) -> list[int]:
    try:
        years = sorted({int(y) for y in value.split(",") if y.strip()})
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of years") from None
    if len(years) < 2:
        raise click.BadParameter("name at least two policy years, e.g. 2023,2025")
    return years


@main.command("diff")
@click.argument("record", type=str)
@click.option("--years", "years", required=True, callback=_years, help="Policy years to compare, e.g. 2023,2025.")
@click.option(
    "--as-of",
    callback=_iso_date,
    envvar="MZPOLICY_AS_OF",
    help="Date in the cycle to compare (YYYY-MM-DD). Default: today in Asia/Shanghai.",
)
@click.option(
    "--same-date",
    is_flag=True,
    help="Use as_of (and the payment date) unchanged for every year instead of the same point of each cycle.",
)
@_output_options
@click.option("--opa-url", envvar="MZPOLICY_OPA_URL", help="Ask this OPA server instead of starting the pinned one.")
def diff_command(
    record: str, years: list[int], as_of: str | None, same_date: bool, fmt: str, lang: str, opa_url: str | None
) -> None:
    """The same resident under several policy years' rules, side by side.

    as_of names a point of the collection cycle: 2024-10-10 (year 2025) is
    compared with 2022-10-10 under 2023, and so is the record's payment date,
    unless --same-date. Each difference lists the clauses each year rests on.
    """
    from . import diff, entrypoints, records, render

    with ended_by_signals():
        try:
            document = records.load(record)
            base = records.build_request(document, as_of=as_of)
        except records.InputError as exc:
            raise BadInput(f"invalid input: {exc.one_line()}") from None
        base.pop("policy_year", None)
        base.setdefault("as_of", today_in_shanghai())
        per_year = diff.requests_for(base, years, same_date)
        decisions = {}
        with EmbeddedServer() if not opa_url else _no_server() as server:
            _start(server)
            for year, request in per_year.items():
                decisions[year] = decide(request, opa_url, server)
            index = policy_document(entrypoints.RULE_INDEX, opa_url, server)
    result = diff.compare(decisions, per_year, {rule: entry["explains"] for rule, entry in index.items()})
    if fmt == "json":
        text = render.as_json(result)
    elif fmt == "markdown":
        text = diff.render_markdown(result, lang)
    else:
        text = diff.render_text(result, lang)
    click.echo(records.visible(text), nl=False)


def _start(server: EmbeddedServer | None) -> None:
    try:
        if server is not None:
            server.start()
    except OPAError as exc:
        raise PolicyUnavailable(str(exc)) from None


@contextlib.contextmanager
def _no_server() -> Iterator[None]:
    yield None


# Commands kept in their own modules register themselves on `main`.
from . import roster, service, year_commands  # noqa: E402, F401

if __name__ == "__main__":
    # Run as `python -m mzpolicy`: under `-m mzpolicy.cli` this module would be
    # loaded twice and the commands of roster.py and service.py would attach
    # to the other copy of `main`.
    raise SystemExit("run `python -m mzpolicy` or the `mzpolicy` script")
