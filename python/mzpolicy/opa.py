"""The OPA server: start the pinned one embedded, or reach a given one, and ask it.

Decisions come only from OPA (entrypoints.DECISION); this module moves
JSON and turns transport failures, and answers that are not a decision of
the shape schemas/decision.schema.json gives, into OPAError (CLI exit 3).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from . import entrypoints
from .paths import AUTHZ, EMBEDDED_CONFIG, POLICIES, opa_binary

# requests and opa_client (which imports aiohttp) cost ~200 ms to import; they
# are imported where first needed so that the CLI can start OPA before paying
# for them and the two overlap.


class OPAError(Exception):
    """OPA could not be reached, or the policy failed to answer."""


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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(
    addr: str, config: Path, bundles: list[str] | None = None, extra: list[str] | None = None
) -> list[str]:
    """The one way this project runs OPA, `mzpolicy serve` and the embedded
    server alike: bundle mode (DESIGN.md) over policies/ with the server's own
    policies of opa/authz/ beside it (or over the given built bundles, which
    carry both), bearer-token authentication and system.authz, so that no
    server of ours answers ad-hoc queries (/v1/query could read OPA's
    environment) or takes writes. Reads need a token when MZPOLICY_OPA_TOKEN
    is set in OPA's environment (authz.rego)."""
    return [
        str(opa_binary()),
        "run",
        "--server",
        "--skip-version-check",
        "--log-level",
        "error",
        "--addr",
        addr,
        "--authentication=token",
        "--authorization=basic",
        "--config-file",
        str(config),
        # The unit tests sit beside the rules in policies/; a server has no use
        # for them, compiling them doubled its start-up, and under
        # data.mz.medins they would be part of the trees the decision walks.
        "--ignore",
        "*_test.rego",
        *(extra or []),
        "--bundle",
        *(bundles or [str(POLICIES), str(AUTHZ)]),
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
    ready() waits for /health, stop() always ends it (also on Ctrl-C and, in
    the CLI, SIGTERM, since the context manager's exit runs on the exception
    their handlers raise). Should the CLI die without stopping it (SIGKILL),
    the kernel kills OPA too: a parent-death signal set in the child.

    It runs serve's system.authz with a fresh random token for each run (the
    endpoint's `token`, which the CLI's clients send); with
    reads_need_token=False, reads are open to any local client (tests/conftest
    and the benchmarks) and /v1/query and writes are still refused.

    OPA logs ':0' rather than the port it takes, so the port is chosen here;
    if another process takes it first, OPA exits and one more port is tried.
    """

    def __init__(self, timeout: float = 20.0, reads_need_token: bool = True, env: dict[str, str] | None = None):
        self.timeout = timeout
        # Set in OPA's environment besides the token (mzpolicy-spark: GOMAXPROCS per worker).
        self.env = dict(env or {})
        self.token = secrets.token_urlsafe(32) if reads_need_token else None
        self.proc: subprocess.Popen | None = None
        self.endpoint: Endpoint | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> EmbeddedServer:
        _check_binary()
        self.endpoint = Endpoint("127.0.0.1", _free_port(), token=self.token)
        # OPA's stderr goes to a file: a pipe that nobody reads while OPA runs
        # would fill and block it. The file is read only if OPA fails to start.
        self._log = tempfile.TemporaryFile(prefix="mzpolicy-opa-")  # noqa: SIM115 - closed by stop()
        command = server_command(f"{self.endpoint.host}:{self.endpoint.port}", EMBEDDED_CONFIG)
        # Only what OPA needs: not the caller's MZPOLICY_OPA_TOKEN (the token
        # of some other server) nor anything else of the CLI's environment.
        env = {**self.env, **({"MZPOLICY_OPA_TOKEN": self.token} if self.token else {})}
        with _signals_held():
            self.proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._log,
                env=env,
                start_new_session=True,  # our Ctrl-C handling stops it, not a stray SIGINT
                preexec_fn=_die_with_parent(),
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
            stderr = self._log_tail()
            self.stop()
            if attempt == 1:
                raise OPAError(f"OPA failed to start: {stderr or 'exit code ' + str(self.proc.returncode)}")
            self.start()
        raise AssertionError("unreachable")

    def _log_tail(self, limit: int = 2000) -> str:
        """The last line OPA wrote, short: what it said when it gave up."""
        if self._log is None:
            return ""
        self._log.seek(max(0, os.fstat(self._log.fileno()).st_size - limit))
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1][:300] if lines else ""

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> EmbeddedServer:
        """Arms the cleanup; start() is the caller's, so that it can be timed."""
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# prctl(2) option and the signal the kernel sends the child when its parent dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that has the kernel SIGKILL the child when the thread that
    started it dies (Linux), so that OPA never outlives a killed CLI. prctl is
    looked up here, before the fork: the child only calls it.

    The signal follows the starting *thread*: an EmbeddedServer must be
    started by a thread that lives as long as the server (the CLI's main
    thread does)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            # The parent died between the fork and prctl: no signal will come.
            os._exit(1)

    return preexec


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while OPA is spawned: an exception raised by
    their handlers inside Popen, after the fork but before self.proc is set,
    would leave OPA running unstopped."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum)) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    for signum in dict.fromkeys(caught):
        signal.raise_signal(signum)  # now, to the handler that was there (KeyboardInterrupt, ...)


@contextlib.contextmanager
def embedded_server(timeout: float = 20.0, reads_need_token: bool = False) -> Iterator[Endpoint]:
    """Start the pinned OPA as the CLI does, wait until it answers, and always
    stop it. Reads are open by default: for tests and benchmarks, whose
    clients send no token (the endpoint's `token` says whether one is needed)."""
    with EmbeddedServer(timeout, reads_need_token) as server:
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
            raise OPAError(
                f"OPA at {self.endpoint.url} has no decision at {entrypoints.query(entrypoints.DECISION)}"
                " (policy not loaded?)"
            )
        problem = decision_problem(answer["result"])
        if problem:
            raise OPAError(f"OPA at {self.endpoint.url} answered {problem}")
        return answer["result"]

    def loaded_years(self) -> list[int]:
        answer = self._query(entrypoints.LOADED_YEARS, {})
        years = answer.get("result") if isinstance(answer, dict) else None
        if not (isinstance(years, list) and all(isinstance(y, int) for y in years)):
            raise OPAError(f"OPA at {self.endpoint.url} has no list at {entrypoints.query(entrypoints.LOADED_YEARS)}")
        return years

    def document(self, path: str) -> Any:
        """A document of the bundle that is the same for every resident (the
        rule index, a year's table), by its path under /v1/data."""
        import requests

        try:
            answer = self._client.get_data(path)
        except requests.HTTPError as exc:
            raise OPAError(f"OPA at {self.endpoint.url} refused the read: {_opa_message(exc.response)}") from None
        except ValueError:
            raise OPAError(f"OPA at {self.endpoint.url} answered something that is not JSON") from None
        except requests.RequestException as exc:
            raise OPAError(f"OPA at {self.endpoint.url} could not be reached: {type(exc).__name__}") from None
        if not isinstance(answer, dict) or "result" not in answer:
            raise OPAError(f"OPA at {self.endpoint.url} has no {entrypoints.query(path)}")
        return answer["result"]

    def _query(self, path: str, request: dict[str, Any]) -> Any:
        import requests

        package, _, rule = path.rpartition("/")
        try:
            return self._client.query_rule(input_data=request, package_path=package.replace("/", "."), rule_name=rule)
        except requests.HTTPError as exc:
            raise OPAError(f"OPA at {self.endpoint.url} refused the query: {_opa_message(exc.response)}") from None
        except ValueError:  # requests' JSONDecodeError is one, and a RequestException too
            raise OPAError(f"OPA at {self.endpoint.url} answered something that is not JSON") from None
        except requests.RequestException as exc:
            raise OPAError(f"OPA at {self.endpoint.url} could not be reached: {type(exc).__name__}") from None


def decision_problem(result: Any) -> str | None:
    """What is wrong with OPA's answer at the decision entrypoint, as the end
    of "OPA answered ...", or None for a decision or a defined error of the
    shape schemas/decision.schema.json gives (the schema says which fields
    are required, not this module). A decision lacking a field is most likely
    from an older bundle than the CLI."""
    if not isinstance(result, dict):
        return f"{_kind(result)} where a decision was expected"
    from .records import field_path, schema_errors, short

    kind = "error_answer" if "error" in result else "decision"
    what = "an error" if kind == "error_answer" else "a decision"
    for error in schema_errors("decision", result, kind):
        parts = list(error.absolute_path)
        if error.validator == "required":
            missing = next((name for name in error.validator_value if name not in error.instance), "?")
            return f"{what} without {field_path('', [*parts, missing])}: is the bundle older than this CLI?"
        where = field_path("", parts) if parts else "document"
        return f"{what} whose {where} is not as schemas/decision.schema.json says: {short(error.message, 120)}"
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
    return names.get(type(value), "a number" if isinstance(value, float) else type(value).__name__)


def _opa_message(response: Any) -> str:
    if response is None:
        return "no response"
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    from .records import short

    return short(f"HTTP {response.status_code} {body.get('code', '')}: {body.get('message', '')}".strip(), 200)


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
        with DecisionClient(server.ready()) as client:  # the endpoint carries the server's token
            yield client
