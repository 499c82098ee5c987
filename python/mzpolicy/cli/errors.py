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
from ..wording import LANGS, say

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
    "Exit codes: 0 the report is written; 1 it is written, and some rows are errors (not counted: `mzpolicy"
    " batch` lists them); 2 usage, or batch output that is incomplete, changed or of another policy year;"
    " 3 OPA could not be reached; 4 the report could not be written; 130 interrupted (SIGINT); 143"
    " terminated (SIGTERM). With --out FILE, FILE appears (mode 0600) only when the report is whole."
)


def current_lang() -> str:
    """The language of the running command's --lang (an eager option, so known
    before any other option is checked), else English."""
    ctx = click.get_current_context(silent=True)
    lang = ctx.params.get("lang") if ctx is not None else None
    return lang if lang in LANGS else "en"


def worded(key: str, **facts: Any) -> str:
    """The wording table's message in the running command's language."""
    return say(key, current_lang(), **facts)


class _Worded(click.ClickException):
    """An exit with one line on stderr, "Error: ..." / "错误：..." in the
    language of the command that raised it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.lang = current_lang()

    def show(self, file: Any = None) -> None:
        message = say("error_prefix", self.lang, message=self.format_message())
        click.echo(message, file=file, err=file is None, color=self.show_color)


class BadInput(_Worded):
    """Bad input: one line naming the field and the problem, exit 2, no usage text."""

    exit_code = EXIT_BAD_INPUT

    def format_message(self) -> str:
        return self.message


class PolicyUnavailable(_Worded):
    """OPA could not be reached or the policy failed: exit 3."""

    exit_code = EXIT_POLICY_UNAVAILABLE


class OutputFailed(_Worded):
    """The output could not be written (disk full, no permission): exit 4."""

    exit_code = EXIT_OUTPUT_FAILED


def invalid_input(error: Any) -> BadInput:
    """A records.InputError as the exit-2 exception: "invalid input: field: problem", in --lang."""
    lang = current_lang()
    return BadInput(say("invalid_input", lang, problems=error.one_line(lang)))


def raise_for_error(decision: dict[str, Any], as_of: str | None = None) -> None:
    """A single decision's defined error as the command's exit: 2 for the
    caller's input or year, 3 for the policy's own failure; worded in --lang
    from the error's facts (as_of: the request's, which the hint names)."""
    from ..records import InputError, Problem

    error = decision.get("error")
    if not error:
        return
    if error.get("code") == "year_not_loaded":
        loaded = ", ".join(map(str, error["loaded_years"]))
        message = worded("year_not_loaded", year=error["policy_year"], loaded=loaded)
        still_open = error.get("still_open_years") or []
        if still_open and as_of:
            message = worded(
                "and_then", message=message, then=worded("year_still_open", as_of=as_of, open=still_open[0])
            )
        elif error.get("hint"):
            message = worded("and_then", message=message, then=error["hint"])
        raise BadInput(message)
    if error.get("code") == "invalid_input":
        raise invalid_input(InputError(Problem.all_of(error)))
    if error.get("code") == "year_incomplete":
        # The year's table is the policy's: an incomplete one is a policy failure (exit 3), not bad input.
        problems = "; ".join(map(str, error.get("incomplete") or []))
        raise PolicyUnavailable(worded("year_incomplete", year=error["policy_year"], problems=problems))
    raise PolicyUnavailable(worded("unknown_policy_error", error=error))


@contextlib.contextmanager
def opa_failures() -> Iterator[None]:
    """An OPAError inside: exit 3 with its one line."""
    try:
        yield
    except OPAError as exc:
        raise PolicyUnavailable(exc.worded(current_lang())) from None


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
