"""OPAError and the one way this package words what OPA (or the way to it) did wrong.

Every client of the package (the decision client over opa-python-client,
the batching session, the roster's document reads) raises its failures
through these functions, so that a refused query, an unreachable server or
an answer that is not JSON reads the same whichever command met it.
"""

from __future__ import annotations

from typing import Any

from ..wording import say


class OPAError(Exception):
    """OPA could not be reached, or the policy failed to answer (CLI exit 3).
    str() is the English line; worded(lang) the line in a command's language,
    from the wording table (mzpolicy.wording) where the error has a key."""

    def __init__(self, message: str, key: str | None = None, facts: dict[str, Any] | None = None):
        super().__init__(message)
        self.key = key
        self.facts = facts or {}

    @classmethod
    def of(cls, key: str, **facts: Any) -> OPAError:
        return cls(say(key, "en", **facts), key, facts)

    def worded(self, lang: str = "en") -> str:
        return say(self.key, lang, **self.facts) if self.key else str(self)


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
    return OPAError.of("opa_refused", url=url, what=what, detail=response_message(response))


def unreachable(url: str, exc: BaseException) -> OPAError:
    return OPAError.of("opa_unreachable", url=url, kind=type(exc).__name__)


def not_json(url: str) -> OPAError:
    return OPAError.of("opa_not_json", url=url)


def missing(url: str, path: str, why: str = " (policy not loaded?)") -> OPAError:
    """OPA has no document at `path` (a reference under /v1/data, entrypoints.query's form)."""
    return OPAError.of("opa_missing", url=url, path=path, why=why)


def from_requests(url: str, what: str, exc: BaseException) -> OPAError:
    """A requests exception (HTTPError, JSON decoding, transport) as OPAError."""
    import requests

    if isinstance(exc, requests.HTTPError):
        return refused(url, what, exc.response)
    if isinstance(exc, ValueError):  # requests' JSONDecodeError is one, and a RequestException too
        return not_json(url)
    return unreachable(url, exc)
