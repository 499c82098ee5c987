"""The pinned OPA as a server: the one command line that runs it (`mzpolicy
serve` and the embedded server alike) and the embedded server on a free
loopback port, started, awaited and always stopped."""

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
from pathlib import Path
from typing import IO

from ..paths import AUTHZ, EMBEDDED_CONFIG, POLICIES, opa_binary
from .endpoint import Endpoint
from .errors import OPAError


def free_port() -> int:
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


def _healthy(endpoint: Endpoint) -> bool:
    """GET /health answers 200. http.client, which requests loads anyway;
    urllib.request would add its own ~10 ms of imports to every command."""
    import http.client

    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=0.5)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


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
        self.endpoint = Endpoint("127.0.0.1", free_port(), token=self.token)
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
            while time.monotonic() < deadline and self.proc.poll() is None:
                if _healthy(self.endpoint):
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

    def stop(self, at_once: bool = False) -> None:
        """Stop OPA. at_once: SIGKILL, no graceful shutdown: the run is being
        abandoned (Ctrl-C, SIGTERM, an error), and OPA's shutdown would wait
        for the queries in flight, which nobody reads any more (issue 14
        point 8: a Ctrl-C took 5 s, the SIGTERM grace, with batches in flight).
        The embedded OPA holds nothing to save: its policies are files."""
        if self.proc is not None:
            stop_process(self.proc, timeout=0 if at_once else 5.0)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> EmbeddedServer:
        """Arms the cleanup; start() is the caller's, so that it can be timed."""
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.stop(at_once=exc_type is not None)


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
    """SIGTERM, then SIGKILL after `timeout` seconds (at once for 0); closes a piped stderr."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM if timeout > 0 else signal.SIGKILL)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stderr:
        proc.stderr.close()


@contextlib.contextmanager
def embedded_unless(opa_url: str | None) -> Iterator[EmbeddedServer | None]:
    """The embedded server, started (not awaited: it boots while the caller
    reads its input) and always stopped; None when --opa-url names a server."""
    if opa_url:
        yield None
        return
    with EmbeddedServer() as server:
        server.start()
        yield server


# ---------------------------------------------------------------- `mzpolicy serve`

SERVER_ROOT = "system"  # the root of system.authz and system.log in a built bundle


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bundle_manifest(bundle: Path) -> dict:
    """The .manifest of a built bundle (.tar.gz) or of a bundle directory; ValueError if unreadable."""
    import json
    import tarfile

    try:
        if bundle.is_dir():
            path = bundle / ".manifest"
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        with tarfile.open(bundle, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name.lstrip("/") == ".manifest":
                    extracted = tar.extractfile(member)
                    return json.loads(extracted.read()) if extracted else {}
    except (OSError, tarfile.TarError) as exc:
        raise ValueError(str(exc)) from None
    return {}
