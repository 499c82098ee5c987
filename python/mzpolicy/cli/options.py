"""The options the commands share, defined once (pip-tools' scripts/options.py).

Each is a decorator; those whose help differs by command take it as an
argument, their name, type, environment variable and checks do not.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..paths import POLICIES
from .errors import BadInput

Decorator = Callable[[Any], Any]

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The roster commands' batching (mzpolicy.opa.session holds OPA's limits).
DEFAULT_BATCH_SIZE = 250
DEFAULT_IN_FLIGHT = 2


def today_in_shanghai() -> str:
    """--as-of default: today in Asia/Shanghai (UTC+8 all year, no DST)."""
    return dt.datetime.now(CHINA_STANDARD_TIME).date().isoformat()


def opa_token() -> str | None:
    """The bearer token for --opa-url (MZPOLICY_OPA_TOKEN), or None."""
    return os.environ.get("MZPOLICY_OPA_TOKEN") or None


def iso_date(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> str | None:
    """--as-of's check: a real date written YYYY-MM-DD, else exit 2 naming the option."""
    if value is None:
        return None
    try:
        # fromisoformat alone also takes '2025-W01-1' and '20250101  ' (Python 3.11)
        if ISO_DATE.fullmatch(value):
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    from ..records import shown

    # Bad input, not bad usage: one line naming the option (CONTRACT §4), no usage text.
    raise BadInput(f"invalid input: --as-of: {shown(value)} is not a real date in YYYY-MM-DD form")


def as_of(help: str) -> Decorator:
    return click.option("--as-of", callback=iso_date, envvar="MZPOLICY_AS_OF", help=help)


def year(help: str) -> Decorator:
    return click.option("--year", "policy_year", type=click.IntRange(1990, 2100), envvar="MZPOLICY_YEAR", help=help)


def opa_url(
    help: str = "Ask this OPA server instead of starting the pinned one (MZPOLICY_OPA_TOKEN is sent).",
) -> Decorator:
    return click.option("--opa-url", envvar="MZPOLICY_OPA_URL", help=help, callback=_check_opa_url)


def _check_opa_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A URL that is no server's base URL is the caller's mistake (exit 2, CONTRACT), found before any OPA starts."""
    if value is not None:
        from ..opa.endpoint import Endpoint

        try:
            Endpoint.parse(value)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx, param) from None
    return value


def lang(help: str | None = "Language of text and markdown output.") -> Decorator:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        envvar="MZPOLICY_LANG",
        show_default=True,
        help=help,
    )


def decision_format(command: Any) -> Any:
    """--format for the commands that print a decision (or a comparison of them)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "markdown"]),
        default="text",
        envvar="MZPOLICY_FORMAT",
        show_default=True,
        help="Output format; json prints exactly the decision (for diff: the comparison).",
    )(command)


def decision_output(command: Any) -> Any:
    """--format and --lang, the same for every command that prints a decision."""
    return decision_format(lang()(command))


def roster(command: Any) -> Any:
    """The options every roster command shares (batch, report ...)."""
    from ..opa.session import MAX_BATCH_REQUESTS, MAX_QUERY_BYTES

    options = [
        as_of("Date to decide on (YYYY-MM-DD); overrides a row's own as_of. Default: the row's, else today."),
        year("Policy year for every row. Default: from as_of (September on: next year)."),
        click.option(
            "--input-format",
            type=click.Choice(["auto", "jsonl", "csv"]),
            default="auto",
            show_default=True,
            help="Roster format; auto: CSV for *.csv, else JSONL (standard input: JSONL).",
        ),
        opa_url(),
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
        command = option(command)
    return command


def policies(command: Any) -> Any:
    """--policies, for the commands that build the years' tables."""
    return click.option(
        "--policies",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=POLICIES,
        show_default="the checkout's policies/",
        help="The policies directory to work on.",
    )(command)
