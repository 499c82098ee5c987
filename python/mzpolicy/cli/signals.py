"""How the commands stop: SIGTERM exits 143 and Ctrl-C 130, after the
clean-up (the embedded OPA stopped, a partial output closed), without
click's "Aborted!" (exit 1) or a traceback.

- ended_by_signals: for eval and diff, which write nothing until the end;
- stops_cleanly and Signals: for the roster commands, which hold a signal
  while a row is being written so that the output ends on a whole row;
- output_stream: a report's --out FILE, whole or not at all.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
from collections.abc import Iterator
from typing import IO, Any

import click

from ..wording import say
from .errors import EXIT_SIGINT, EXIT_SIGTERM, OutputFailed, current_lang


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
        raise SystemExit(EXIT_SIGTERM) from None
    except KeyboardInterrupt:
        raise SystemExit(EXIT_SIGINT) from None
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


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


_current = Signals()


def current() -> Signals:
    """The Signals of the roster command running (stops_cleanly sets it)."""
    return _current


def stops_cleanly(command: Any) -> Any:
    """A roster command under Signals: exit 130 on SIGINT, 143 on SIGTERM."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        global _current
        _current = Signals()
        with _current:
            try:
                return command(*args, **kwargs)
            except Interrupted as exc:
                for lang in dict.fromkeys([current_lang(), "en"]):
                    click.echo(f"mzpolicy: {say('stopped_by', lang, signal=exc.name)}", err=True)
                raise click.exceptions.Exit(exc.exit_code) from None

    return run


@contextlib.contextmanager
def output_stream(out: str | None) -> Iterator[IO[str]]:
    """A report's --out FILE, or standard output. A file is written to a
    temporary name beside it (mode 0600: a report may hold ID numbers) and
    renamed onto FILE once complete; a run that stops early leaves no file."""
    from ..roster.io import OutputError, SafeOutput

    try:
        output = SafeOutput(out, resumable=False)
        stream = output.open()
    except OutputError as exc:
        raise OutputFailed(str(exc)) from None
    try:
        yield stream
        with current().held(last=True):
            output.finish()
    except OutputError as exc:
        output.abandon()
        raise OutputFailed(str(exc)) from None
    except BaseException:
        output.abandon()
        raise
