"""The OPA server: start the pinned one embedded, or reach a given one, and ask it.

Decisions come only from OPA (data.mz.medins.decision); this module moves
JSON and turns transport failures into OPAError (CLI exit 3).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .paths import POLICIES, opa_binary

# requests and opa_client (which imports aiohttp) cost ~200 ms to import; they
# are imported where first needed so that the CLI can start OPA before paying
# for them and the two overlap.

DECISION_PACKAGE = "mz.medins"
DECISION_RULE = "decision"


class OPAError(Exception):
    """OPA could not be reached, or the policy failed to answer."""


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    ssl: bool = False

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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(addr: str, extra: list[str] | None = None, bundles: list[str] | None = None) -> list[str]:
    """The one way this project runs OPA: bundle mode over policies/ (DESIGN.md),
    or over the given bundles (`mzpolicy serve --bundle`)."""
    return [
        str(opa_binary()),
        "run",
        "--server",
        "--skip-version-check",
        "--log-level",
        "error",
        "--addr",
        addr,
        # The unit tests sit beside the rules in policies/; a server has no use
        # for them and compiling them doubled its start-up.
        "--ignore",
        "*_test.rego",
        *(extra or []),
        "--bundle",
        *(bundles or [str(POLICIES)]),
    ]


def _check_binary() -> None:
    binary = opa_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise OPAError(f"the pinned OPA is not at {binary}; run ./scripts/setup (or set MZPOLICY_OPA_BIN)")


def _healthy(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=0.5) as response:
            return response.status == 200
    except OSError:
        return False


class EmbeddedServer:
    """The pinned OPA on a free loopback port: start() returns at once,
    ready() waits for /health, stop() always ends it (also on Ctrl-C, since
    the context manager's exit runs on KeyboardInterrupt).

    OPA logs ':0' rather than the port it takes, so the port is chosen here;
    if another process takes it first, OPA exits and one more port is tried.
    """

    def __init__(self, timeout: float = 20.0):
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.endpoint: Endpoint | None = None

    def start(self) -> EmbeddedServer:
        _check_binary()
        self.endpoint = Endpoint("127.0.0.1", _free_port())
        with _sigint_held():
            self.proc = subprocess.Popen(
                server_command(f"{self.endpoint.host}:{self.endpoint.port}"),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,  # our Ctrl-C handling stops it, not a stray SIGINT
            )
        return self

    def ready(self) -> Endpoint:
        assert self.proc is not None and self.endpoint is not None, "start() first"
        for attempt in range(2):
            deadline = time.monotonic() + self.timeout
            url = f"{self.endpoint.url}/health"
            while time.monotonic() < deadline and self.proc.poll() is None:
                if _healthy(url):
                    return self.endpoint
                time.sleep(0.005)
            if self.proc.poll() is None:
                raise OPAError(f"OPA did not become healthy within {self.timeout:.0f} s")
            stderr = self.proc.stderr.read().decode("utf-8", "replace").strip() if self.proc.stderr else ""
            self.stop()
            if attempt == 1:
                raise OPAError(f"OPA failed to start: {stderr or 'exit code ' + str(self.proc.returncode)}")
            self.start()
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)

    def __enter__(self) -> EmbeddedServer:
        """Arms the cleanup; start() is the caller's, so that it can be timed."""
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold Ctrl-C while OPA is spawned: a KeyboardInterrupt inside Popen, after
    the fork but before self.proc is set, would leave OPA running unstopped."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
    if caught:
        signal.raise_signal(signal.SIGINT)  # now, to the handler that was there (KeyboardInterrupt)


@contextlib.contextmanager
def embedded_server(timeout: float = 20.0) -> Iterator[Endpoint]:
    """Start the pinned OPA, wait until it answers, and always stop it."""
    with EmbeddedServer(timeout) as server:
        yield server.start().ready()


def stop_process(proc: subprocess.Popen, timeout: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; closes a piped stderr."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stderr:
        proc.stderr.close()


class DecisionClient:
    """Asks data.mz.medins.decision through opa-python-client."""

    def __init__(self, endpoint: Endpoint, token: str | None = None, timeout: float = 30.0, retries: int = 0):
        from opa_client.opa import OpaClient

        self.endpoint = endpoint
        self._client = OpaClient(
            host=endpoint.host,
            port=endpoint.port,
            ssl=endpoint.ssl,
            token=token,
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
        import requests

        try:
            answer = self._client.query_rule(input_data=request, package_path=DECISION_PACKAGE, rule_name=DECISION_RULE)
        except requests.HTTPError as exc:
            raise OPAError(f"OPA at {self.endpoint.url} refused the query: {_opa_message(exc.response)}") from None
        except requests.RequestException as exc:
            raise OPAError(f"OPA at {self.endpoint.url} could not be reached: {type(exc).__name__}") from None
        if "result" not in answer:
            raise OPAError(
                f"OPA at {self.endpoint.url} has no decision at data.mz.medins.decision (policy not loaded?)"
            )
        return answer["result"]

    def loaded_years(self) -> list[int]:
        answer = self._client.query_rule(input_data={}, package_path=DECISION_PACKAGE, rule_name="loaded_years")
        return answer.get("result", [])


def _opa_message(response: Any) -> str:
    if response is None:
        return "no response"
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    return f"HTTP {response.status_code} {body.get('code', '')}: {body.get('message', '')}".strip()


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
        with DecisionClient(server.ready()) as client:
            yield client
