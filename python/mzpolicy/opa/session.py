"""The batching session: many decisions per OPA query, on keep-alive
connections, one per thread (DESIGN.md, "Many decisions at once").

A batch goes as {"input": {"requests": [...]}} to a batch entrypoint
(entrypoints.BATCH_DECISIONS or BATCH_ROWS) and comes back as one answer per
request, in order (the length is checked). When OPA fails on a batch (a rule
conflict is an HTTP 500 for the whole query), the batch is split in halves
and retried down to the one request that fails, which is answered with a
Failure; the rest of the batch is decided. The same session reads the
policy's documents and asks single decisions (the year probe), with the
package's one error wording (opa.errors).

Plain requests rather than opa-python-client: a batch body is assembled from
bytes already encoded row by row, which that client cannot send.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from .. import entrypoints
from .endpoint import Endpoint
from .errors import OPAError, from_requests, missing, not_json, refused, response_message

# OPA's batch rule takes at most 1000 requests a query, and OPA refuses a
# request body over 4 MiB; a query is kept well under both.
MAX_BATCH_REQUESTS = 1000
MAX_QUERY_BYTES = 3 << 20
QUERY_HEAD = b'{"input":{"requests":['
QUERY_TAIL = b"]}}"


def query_bytes(body_bytes: int, requests: int) -> int:
    """The size of the query that carries `requests` bodies of `body_bytes` in all."""
    return len(QUERY_HEAD) + body_bytes + max(requests - 1, 0) + len(QUERY_TAIL)


class EvalFailed(Exception):
    """OPA answered a batch with an evaluation error (the batch may hold a bad row)."""


@dataclass(frozen=True)
class Failure:
    """The answer for a request OPA failed on alone."""

    message: str


class BatchClient:
    """POSTs batches to a batch entrypoint (entrypoints.BATCH_DECISIONS or
    BATCH_ROWS), one keep-alive session per thread."""

    def __init__(
        self,
        endpoint: Endpoint,
        path: str = entrypoints.BATCH_DECISIONS,
        token: str | None = None,
        timeout: float = 600,
    ):
        self.endpoint = endpoint
        self.url = f"{endpoint.url}/v1/data/{path}"
        self.path = path
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self._local = threading.local()
        self._sessions: list[Any] = []
        self._lock = threading.Lock()
        self.queries = 0
        self.splits = 0

    def _session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = requests.Session()
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            for s in self._sessions:
                s.close()
            self._sessions.clear()

    def document(self, path: str) -> Any:
        """A document of the policy (not per resident), e.g. entrypoints.LOADED_YEARS; None if absent."""
        import requests

        url = f"{self.endpoint.url}/v1/data/{path}"
        try:
            response = self._session().get(url, headers=self.headers, timeout=30)
            response.raise_for_status()
            return response.json().get("result")
        except (requests.RequestException, ValueError) as exc:
            raise from_requests(self.endpoint.url, f"the read of {entrypoints.query(path)}", exc) from None

    def decide_one(self, request: dict[str, Any]) -> Any:
        """The answer at entrypoints.DECISION for one request, unchecked (None if absent)."""
        import requests

        url = f"{self.endpoint.url}/v1/data/{entrypoints.DECISION}"
        try:
            response = self._session().post(url, json={"input": request}, headers=self.headers, timeout=60)
            response.raise_for_status()
            return response.json().get("result")
        except (requests.RequestException, ValueError) as exc:
            raise from_requests(self.endpoint.url, "the query", exc) from None

    def _post(self, bodies: list[bytes]) -> list[Any]:
        import requests

        payload = QUERY_HEAD + b",".join(bodies) + QUERY_TAIL
        with self._lock:
            self.queries += 1
        try:
            response = self._session().post(self.url, data=payload, headers=self.headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise from_requests(self.endpoint.url, "the batch", exc) from None
        if response.status_code in (400, 500):
            raise EvalFailed(response_message(response))
        if response.status_code != 200:
            raise refused(self.endpoint.url, "the batch", response)
        try:
            body = json.loads(response.content)
        except ValueError:
            raise not_json(self.endpoint.url) from None
        result = body.get("result")
        if not isinstance(result, list):
            raise missing(self.endpoint.url, entrypoints.query(self.path))
        if len(result) != len(bodies):
            raise OPAError(f"OPA answered {len(result)} times for {len(bodies)} requests: the batch rule drops rows")
        return result

    def decide(self, bodies: list[bytes]) -> list[Any]:
        """One answer per body; a body OPA fails on alone gets a Failure."""
        try:
            return self._post(bodies)
        except EvalFailed as exc:
            if len(bodies) == 1:
                return [Failure(str(exc))]
        with self._lock:
            self.splits += 1
        half = len(bodies) // 2
        return self.decide(bodies[:half]) + self.decide(bodies[half:])
