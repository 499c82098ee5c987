"""mzpolicy command line (CONTRACT.md §4), in the shape of pip-tools: this
group adds the commands, each a thin module of this package over the core
modules (records, opa, roster, render, years), with the shared options in
options.py and the exceptions and exit codes in errors.py.

Commands are loaded when they are run (click's lazy group): `mzpolicy eval`
imports eval's module, not the roster engine, the reports or the server's.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# name -> "module:attribute" under mzpolicy.cli (--help lists them sorted, as click does).
COMMANDS = {
    "eval": "eval:eval_command",
    "diff": "diff:diff_command",
    "batch": "batch:batch_command",
    "report": "report:report",
    "serve": "serve:serve",
    "build-years": "years:build_years_command",
    "new-year": "years:new_year_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click docs, "Lazily
    Loading Subcommands")."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_commands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy_commands[cmd_name].partition(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_commands[cmd_name]} is not a click command")
        return command


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="mzpolicy")
def main() -> None:
    """Meizhou urban-rural resident basic medical insurance (梅州市城乡居民医保):
    enrollment, fee and subsidy decisions made by Open Policy Agent."""
