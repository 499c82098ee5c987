"""Asking OPA for one decision or one document, through opa-python-client.

Decisions come only from OPA (entrypoints.DECISION); this module turns
transport failures, and answers that are not a decision of the shape
schemas/decision.schema.json gives, into OPAError (CLI exit 3).

opa_client imports aiohttp (~0.25 s) even for its sync client, and requests;
both are imported where first needed, so that the CLI starts OPA before
paying for them and the two overlap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .. import entrypoints
from .endpoint import Endpoint
from .errors import OPAError, from_requests, missing
from .server import EmbeddedServer


class DecisionClient:
    """Asks data.mz.medins.decision through opa-python-client."""

    def __init__(self, endpoint: Endpoint, token: str | None = None, timeout: float = 30.0, retries: int = 0):
        from opa_client.opa import OpaClient

        self.endpoint = endpoint
        # opa_client builds every data URL as host:port/{version}/data/...: a
        # gateway's path prefix goes before OPA's /v1 there.
        self._client = OpaClient(
            host=endpoint.host,
            port=endpoint.port,
            version=f"{endpoint.prefix.lstrip('/')}/v1" if endpoint.prefix else "v1",
            ssl=endpoint.ssl,
            token=token or endpoint.token,
            timeout=timeout,
            retries=retries,
        )

    def close(self) -> None:
        self._client.close_connection()

    def __enter__(self) -> DecisionClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def decide(self, request: dict[str, Any]) -> dict[str, Any]:
        """The decision, or the policy's defined error, checked against
        schemas/decision.schema.json before anyone reads it."""
        answer = self._query(entrypoints.DECISION, request)
        if not isinstance(answer, dict) or "result" not in answer:
            raise missing(self.endpoint.url, f"decision at {entrypoints.query(entrypoints.DECISION)}")
        problem = decision_problem(answer["result"])
        if problem:
            raise OPAError(f"OPA at {self.endpoint.url} answered {problem}")
        return answer["result"]

    def loaded_years(self) -> list[int]:
        answer = self._query(entrypoints.LOADED_YEARS, {})
        years = answer.get("result") if isinstance(answer, dict) else None
        if not (isinstance(years, list) and all(isinstance(y, int) for y in years)):
            raise missing(self.endpoint.url, f"list at {entrypoints.query(entrypoints.LOADED_YEARS)}", "")
        return years

    def document(self, path: str) -> Any:
        """A document of the bundle that is the same for every resident (the
        rule index, a year's table), by its path under /v1/data."""
        import requests

        try:
            answer = self._client.get_data(path)
        except (requests.RequestException, ValueError) as exc:
            raise from_requests(self.endpoint.url, "the read", exc) from None
        if not isinstance(answer, dict) or "result" not in answer:
            raise missing(self.endpoint.url, entrypoints.query(path), "")
        return answer["result"]

    def _query(self, path: str, request: dict[str, Any]) -> Any:
        import requests

        package, _, rule = path.rpartition("/")
        try:
            return self._client.query_rule(input_data=request, package_path=package.replace("/", "."), rule_name=rule)
        except (requests.RequestException, ValueError) as exc:
            raise from_requests(self.endpoint.url, "the query", exc) from None


def decision_problem(result: Any) -> str | None:
    """What is wrong with OPA's answer at the decision entrypoint, as the end
    of "OPA answered ...", or None for a decision or a defined error of the
    shape schemas/decision.schema.json gives (the schema says which fields
    are required, not this module). A decision lacking a field is most likely
    from an older bundle than the CLI."""
    if not isinstance(result, dict):
        return f"{_kind(result)} where a decision was expected"
    from ..records import field_path, schema_errors, short

    kind = "error_answer" if "error" in result else "decision"
    what = "an error" if kind == "error_answer" else "a decision"
    for error in schema_errors("decision", result, kind):
        parts = list(error.absolute_path)
        if error.validator == "required":
            missing_field = next((name for name in error.validator_value if name not in error.instance), "?")
            return f"{what} without {field_path('', [*parts, missing_field])}: is the bundle older than this CLI?"
        where = field_path("", parts) if parts else "document"
        return f"{what} whose {where} is not as schemas/decision.schema.json says: {short(error.message, 120)}"
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
    return names.get(type(value), "a number" if isinstance(value, float) else type(value).__name__)


@contextlib.contextmanager
def connect(
    opa_url: str | None, token: str | None = None, server: EmbeddedServer | None = None
) -> Iterator[DecisionClient]:
    """A client for --opa-url, or for an embedded server (started here unless
    the caller started one already, to overlap its boot with other work)."""
    if opa_url:
        try:
            endpoint = Endpoint.parse(opa_url)
        except ValueError as exc:
            raise OPAError(str(exc)) from None
        with DecisionClient(endpoint, token=token) as client:
            yield client
        return
    with contextlib.ExitStack() as stack:
        if server is None:
            server = stack.enter_context(EmbeddedServer()).start()
        # opa_client's import (aiohttp, ~0.25 s) before the wait, not after it:
        # it then overlaps OPA's boot (~0.2 s) instead of following it.
        import opa_client.opa  # noqa: F401

        with DecisionClient(server.ready()) as client:  # the endpoint carries the server's token
            yield client
