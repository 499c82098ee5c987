"""Where an OPA server listens."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Endpoint:
    """Where an OPA server listens, and the bearer token its reads need (the
    embedded server's own; None for --opa-url, whose token is the caller's).

    `prefix` is the path under which a gateway forwards to OPA's API
    (http://host:8080/gateway/opa/ -> "/gateway/opa"): every request goes to
    prefix + /v1/..., as OPA's own paths follow it."""

    host: str
    port: int
    ssl: bool = False
    token: str | None = field(default=None, repr=False, compare=False)
    prefix: str = ""

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--opa-url {url!r} is not an http(s)://host:port URL")
        if parts.query or parts.fragment:
            raise ValueError(
                f"--opa-url {url!r} has a query or fragment: give the server's base URL (http://host:port[/prefix])"
            )
        prefix = parts.path.rstrip("/")
        if prefix.endswith("/v1") or "/v1/data" in prefix:
            raise ValueError(
                f"--opa-url {url!r} names OPA's API path (/v1): give the base URL that /v1/data/... follows"
            )
        port = parts.port or (443 if parts.scheme == "https" else 8181)
        return cls(parts.hostname, port, parts.scheme == "https", prefix=prefix)

    @property
    def url(self) -> str:
        """The base URL: OPA's API paths (/v1/data/..., /health) follow it."""
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}{self.prefix}"
