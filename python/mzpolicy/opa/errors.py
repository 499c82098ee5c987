"""OPAError and the one way this package words what OPA (or the way to it) did wrong.

Every client of the package (the decision client over opa-python-client,
the batching session, the roster's document reads) raises its failures
through these functions, so that a refused query, an unreachable server or
an answer that is not JSON reads the same whichever command met it.
"""

from __future__ import annotations

from typing import Any


class OPAError(Exception):
    """OPA could not be reached, or the policy failed to answer (CLI exit 3)."""


def response_message(response: Any) -> str:
    """OPA's error body, short: "HTTP 500 internal_error: ... (detail; detail)"."""
    from ..records import short

    if response is None:
        return "no response"
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    errors = body.get("errors") or []
    detail = "; ".join(e.get("message", "") for e in errors if isinstance(e, dict))
    text = f"{body.get('code', '')}: {body.get('message', '')}".strip(": ")
    return short(f"HTTP {response.status_code} {text}".strip() + (f" ({detail})" if detail else ""), 200)


def refused(url: str, what: str, response: Any) -> OPAError:
    """OPA answered `what` (the query, the read, the batch) with an HTTP error."""
    return OPAError(f"OPA at {url} refused {what}: {response_message(response)}")


def unreachable(url: str, exc: BaseException) -> OPAError:
    return OPAError(f"OPA at {url} could not be reached: {type(exc).__name__}")


def not_json(url: str) -> OPAError:
    return OPAError(f"OPA at {url} answered something that is not JSON")


def missing(url: str, path: str, why: str = " (policy not loaded?)") -> OPAError:
    """OPA has no document at `path` (a reference under /v1/data, entrypoints.query's form)."""
    return OPAError(f"OPA at {url} has no {path}{why}")


def from_requests(url: str, what: str, exc: BaseException) -> OPAError:
    """A requests exception (HTTPError, JSON decoding, transport) as OPAError."""
    import requests

    if isinstance(exc, requests.HTTPError):
        return refused(url, what, exc.response)
    if isinstance(exc, ValueError):  # requests' JSONDecodeError is one, and a RequestException too
        return not_json(url)
    return unreachable(url, exc)
