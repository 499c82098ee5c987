"""Where an OPA server listens."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Endpoint:
    """Where an OPA server listens, and the bearer token its reads need (the
    embedded server's own; None for --opa-url, whose token is the caller's)."""

    host: str
    port: int
    ssl: bool = False
    token: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s)://host:port URL")
        port = parts.port or (443 if parts.scheme == "https" else 8181)
        return cls(parts.hostname, port, parts.scheme == "https")

    @property
    def url(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}"
