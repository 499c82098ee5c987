"""`mzpolicy build-years` and `mzpolicy new-year`: the policy years' tables,
resolved into what OPA serves (mzpolicy.years), for policy officers."""

from __future__ import annotations

from pathlib import Path

import click

from ..paths import ROOT
from . import options
from .errors import BadInput, PolicyUnavailable


@click.command("build-years")
@click.option("--check", is_flag=True, help="Only say whether the generated files are current (exit 1 if not).")
@options.policies
def build_years_command(check: bool, policies: Path) -> None:
    """Resolve every year's table into what OPA serves.

    Reads policies/params/<year>/table/data.yaml (the year's values and its
    `rules:`, extending another year where it says so) and the rules'
    METADATA, and writes policies/params/<year>/data.json (the resolved year,
    data.params["<year>"]) and policies/mz/index/data.json (the rule index).
    Both are committed; CI fails while they are not current. Run it after
    editing a table or a rule's METADATA.

    Each year is checked as it is built (data.mz.medins.lib.years): a year
    whose table lists an id that is no rule, misses a rule that serves it,
    breaks an invariant of the notices, or still holds a `todo:` is written,
    but the policy answers year_incomplete for it until it is fixed.
    """
    from .. import years

    try:
        changed = years.build(policies, check=check)
    except years.YearError as exc:
        raise BadInput(str(exc)) from None
    except OSError as exc:
        raise PolicyUnavailable(f"cannot build the years: {exc}") from None
    if check:
        for path in changed:
            click.echo(f"not current: {path.relative_to(policies)}", err=True)
        if changed:
            click.echo("run `mzpolicy build-years` and commit what it writes", err=True)
            raise SystemExit(1)
        click.echo("every generated file is current", err=True)
        return
    for path in changed:
        click.echo(f"wrote {path.relative_to(policies)}", err=True)
    _report(policies, years)


def _report(policies: Path, years) -> None:
    for year in sorted(years.tables(policies)):
        document = years.resolved_year(year, policies) or {}
        problems = list(document.get("todo", [])) and ["still marked todo: " + ", ".join(document["todo"])]
        problems = problems or document.get("problems", [])
        if problems:
            click.echo(f"policy year {year} is refused until its table is complete:", err=True)
            for problem in problems[:20]:
                click.echo(f"  - {problem}", err=True)
        else:
            click.echo(f"policy year {year}: complete ({len(document.get('rules', {}))} rules)", err=True)


@click.command("new-year")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option("--from", "base", required=True, type=click.IntRange(2000, 2100), help="The policy year to extend.")
@options.policies
@click.option(
    "--fixtures",
    type=click.Path(file_okay=False, path_type=Path),
    default=ROOT / "fixtures",
    show_default="the checkout's fixtures/",
    help="Where the golden-case skeletons go (golden/<year>/).",
)
def new_year_command(year: int, base: int, policies: Path, fixtures: Path) -> None:
    """Start policy year YEAR as a table extending --from.

    Writes policies/params/YEAR/table/data.yaml with `extends: BASE` and
    every date (a year on), amount and section citation of BASE marked
    `todo:` for the officer to check against the new notice, golden-case
    skeletons in fixtures/golden/YEAR/ (BASE's cases a year on, each marked
    `todo:`), and builds the year. Until every `todo:` is gone the policy
    refuses the year (year_incomplete) and CI fails.

    \b
    Then: fill in the table from the notice, delete each todo;
    write a rule whose wording changed (and a last_year on one that ends);
    mzpolicy build-years; confirm the golden cases; ./scripts/test.
    """
    from .. import years

    try:
        written = years.scaffold(str(year), str(base), policies, fixtures)
    except years.YearError as exc:
        raise BadInput(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}", err=True)
    _report(policies, years)
