"""`mzpolicy eval`: the decision for one resident record."""

from __future__ import annotations

from typing import Any

import click

from ..opa.client import connect
from ..opa.server import EmbeddedServer, embedded_unless
from . import options
from .errors import invalid_input, opa_failures, raise_for_error
from .signals import ended_by_signals


def decide(request: dict[str, Any], opa_url: str | None, server: EmbeddedServer | None = None) -> dict[str, Any]:
    """Validate, ask OPA, and turn the decision's defined errors into exceptions."""
    from .. import records

    try:
        records.validate(request, fast=False)
    except records.InputError as exc:
        raise invalid_input(exc) from None
    with opa_failures(), connect(opa_url, token=options.opa_token(), server=server) as client:
        decision = client.decide(request)
    raise_for_error(decision)
    return decision


def policy_document(path: str, opa_url: str | None, server: EmbeddedServer | None = None) -> Any:
    """A document of the bundle (entrypoints.RULE_INDEX, ...), or exit 3."""
    with opa_failures(), connect(opa_url, token=options.opa_token(), server=server) as client:
        return client.document(path)


@click.command("eval")
@click.argument("record", type=str)
@options.as_of("Date to decide on (YYYY-MM-DD). Default: today in Asia/Shanghai.")
@options.year("Policy year. Default: from --as-of (September on: next year).")
@options.decision_output
@options.opa_url()
def eval_command(
    record: str, as_of: str | None, policy_year: int | None, fmt: str, lang: str, opa_url: str | None
) -> None:
    """Decide for one resident record.

    RECORD is a YAML or JSON file holding a resident record (CONTRACT.md §2)
    or a whole request (as_of, policy_year, resident); '-' reads standard
    input. Flags override the file. Without --opa-url the pinned OPA is
    started on a free loopback port and stopped afterwards.
    """
    with ended_by_signals(), opa_failures(), embedded_unless(opa_url) as server:
        # The embedded OPA boots while the record is read and the libraries load.
        from .. import entrypoints, records
        from ..render import decision as render

        try:
            document = records.load(record)
            request = records.build_request(document, as_of=as_of, policy_year=policy_year)
        except records.InputError as exc:
            raise invalid_input(exc) from None
        request.setdefault("as_of", options.today_in_shanghai())
        decision = decide(request, opa_url, server)
        # The names of codes (statuses, subsidy sources) are the bundle's.
        reference = policy_document(entrypoints.REFERENCE, opa_url, server) if fmt != "json" else None
    name = request["resident"].get("name")
    click.echo(render.render(decision, fmt, lang, name, reference), nl=False)
