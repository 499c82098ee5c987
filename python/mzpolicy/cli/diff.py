"""`mzpolicy diff`: the same resident under several policy years' rules, side by side."""

from __future__ import annotations

from typing import Any

import click

from ..opa.client import connect
from ..opa.server import EmbeddedServer, embedded_unless
from . import options
from .errors import PolicyUnavailable, invalid_input, opa_failures, raise_for_error
from .eval import decide, policy_document
from .signals import ended_by_signals


def base_year(base: dict[str, Any], opa_url: str | None, server: EmbeddedServer | None) -> int:
    """The policy year the policy puts the request's as_of in (CONTRACT §1):
    its decision's policy_year, or its year_not_loaded error's (a date of a
    year not loaded may still be compared with years that are)."""
    from .. import records

    try:
        records.validate(base, fast=False)
    except records.InputError as exc:
        raise invalid_input(exc) from None
    with opa_failures(), connect(opa_url, token=options.opa_token(), server=server) as client:
        answer = client.decide(base)
    year = answer.get("policy_year", (answer.get("error") or {}).get("policy_year"))
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    raise_for_error(answer)
    raise PolicyUnavailable(f"the policy answered without a policy year: {answer}")


def _years(ctx: click.Context, param: click.Parameter, value: str) -> list[int]:
    try:
        years = sorted({int(y) for y in value.split(",") if y.strip()})
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of years") from None
    if len(years) < 2:
        raise click.BadParameter("name at least two policy years, e.g. 2023,2025")
    return years


@click.command("diff")
@click.argument("record", type=str)
@click.option("--years", "years", required=True, callback=_years, help="Policy years to compare, e.g. 2023,2025.")
@options.as_of("Date in the cycle to compare (YYYY-MM-DD). Default: today in Asia/Shanghai.")
@click.option(
    "--same-date",
    is_flag=True,
    help="Use as_of (and the payment date) unchanged for every year instead of the same point of each cycle.",
)
@options.decision_output
@options.opa_url("Ask this OPA server instead of starting the pinned one.")
def diff_command(
    record: str, years: list[int], as_of: str | None, same_date: bool, fmt: str, lang: str, opa_url: str | None
) -> None:
    """The same resident under several policy years' rules, side by side.

    as_of names a point of the collection cycle: 2024-10-10 (year 2025) is
    compared with 2022-10-10 under 2023, and so is the record's payment date,
    unless --same-date. Each difference lists the clauses each year rests on.
    """
    from .. import diff, entrypoints, records
    from ..render import diff as render_diff

    with ended_by_signals():
        try:
            document = records.load(record)
            base = records.build_request(document, as_of=as_of)
        except records.InputError as exc:
            raise invalid_input(exc) from None
        base.pop("policy_year", None)
        base.setdefault("as_of", options.today_in_shanghai())
        decisions = {}
        with opa_failures(), embedded_unless(opa_url) as server:
            per_year = diff.requests_for(base, years, same_date, base_year(base, opa_url, server))
            for year, request in per_year.items():
                decisions[year] = decide(request, opa_url, server)
            index = policy_document(entrypoints.RULE_INDEX, opa_url, server)
    result = diff.compare(decisions, per_year, {rule: entry["explains"] for rule, entry in index.items()})
    click.echo(records.visible(render_diff.render(result, fmt, lang)), nl=False)
