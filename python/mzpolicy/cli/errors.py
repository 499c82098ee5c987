"""The CLI's exceptions and exit codes, in one place (CONTRACT §4).

0 a decision was made (for a roster: every row is one); 1 some rows are
errors, or `build-years --check` found files not current; 2 bad input or
usage (a message naming the field on stderr); 3 OPA unreachable or the
policy failed; 4 a roster command's output could not be written; 130 Ctrl-C
(SIGINT); 143 SIGTERM. On 2 and 3 nothing is written to stdout.

A single decision's defined errors (CONTRACT §1, §3) become the exit here
(`raise_for_error`); a roster row's become its `error` in
mzpolicy.roster.engine (`decision_error`), since a roster goes on.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any

import click

from ..opa.errors import OPAError

EXIT_OK = 0
EXIT_ROW_ERRORS = 1
EXIT_BAD_INPUT = 2
EXIT_POLICY_UNAVAILABLE = 3
EXIT_OUTPUT_FAILED = 4
EXIT_SIGINT = 128 + signal.SIGINT
EXIT_SIGTERM = 128 + signal.SIGTERM

EXIT_CODES_HELP = (
    "Exit codes: 0 every row is a decision; 1 some rows are errors (all rows are written); 2 usage"
    " (unreadable roster, unknown CSV column, a policy year not loaded); 3 OPA could not be reached or fails on"
    " everything; 4 the output could not be written (disk full, no permission); 130 interrupted (SIGINT,"
    " Ctrl-C); 143 terminated (SIGTERM). On 3, 4, 130 and 143 the output is incomplete, and standard error"
    " says so and from which row to resume."
)

REPORT_EXIT_CODES = (
    "Exit codes: 0 the report is written; 2 usage; 3 OPA could not be reached; 4 the report could not be"
    " written; 130 interrupted (SIGINT); 143 terminated (SIGTERM). With --out FILE, FILE appears (mode 0600)"
    " only when the report is whole."
)


class BadInput(click.ClickException):
    """Bad input: one line naming the field and the problem, exit 2, no usage text."""

    exit_code = EXIT_BAD_INPUT

    def format_message(self) -> str:
        return self.message


class PolicyUnavailable(click.ClickException):
    """OPA could not be reached or the policy failed: exit 3."""

    exit_code = EXIT_POLICY_UNAVAILABLE


class OutputFailed(click.ClickException):
    """The output could not be written (disk full, no permission): exit 4."""

    exit_code = EXIT_OUTPUT_FAILED


def invalid_input(error: Any) -> BadInput:
    """A records.InputError as the exit-2 exception: "invalid input: field: problem"."""
    return BadInput(f"invalid input: {error.one_line()}")


def _problems(error: dict[str, Any]) -> list[Any]:
    from ..records import Problem

    return [Problem(p["field"], p["message"]) for p in error["problems"]]


def year_hint(error: dict[str, Any]) -> str:
    """The policy's hint for a year not loaded, in the CLI's words: the REST
    answer names the request's policy_year, a person at the CLI sets --year."""
    still_open = error.get("still_open_years") or []
    if not still_open:
        return f". {error['hint']}" if error.get("hint") else ""
    year = still_open[0]
    when = error.get("as_of") or "the date"
    return (
        f". {when} still lies in the late-payment or mid-year period of policy year {year}; "
        f"ask for it with --year {year}"
    )


def raise_for_error(decision: dict[str, Any]) -> None:
    """A single decision's defined error as the command's exit: 2 for the
    caller's input or year, 3 for the policy's own failure."""
    from ..records import InputError

    error = decision.get("error")
    if not error:
        return
    if error.get("code") == "year_not_loaded":
        message = f"policy year {error['policy_year']} is not loaded; loaded years: " + ", ".join(
            map(str, error["loaded_years"])
        )
        message += year_hint(error)
        raise BadInput(message)
    if error.get("code") == "invalid_input":
        raise invalid_input(InputError(_problems(error)))
    if error.get("code") == "year_incomplete":
        # The year's table is the policy's: an incomplete one is a policy failure (exit 3), not bad input.
        raise PolicyUnavailable(error["message"])
    raise PolicyUnavailable(f"the policy answered with an unknown error: {error}")


@contextlib.contextmanager
def opa_failures() -> Iterator[None]:
    """An OPAError inside: exit 3 with its one line."""
    try:
        yield
    except OPAError as exc:
        raise PolicyUnavailable(str(exc)) from None


@contextlib.contextmanager
def roster_failures() -> Iterator[None]:
    """A roster command's failures as exits: a roster or option the policy
    cannot take (RosterFormatError) 2, OPAError 3."""
    from ..roster.io import RosterFormatError

    try:
        yield
    except RosterFormatError as exc:
        raise BadInput(str(exc)) from None
    except OPAError as exc:
        raise PolicyUnavailable(str(exc)) from None
