"""Bounded load test of `mzpolicy serve` on loopback (issue #6): one decision
per HTTP request, a fixed number of requests, then it stops by itself.

    .venv/bin/python bench/load.py [--requests 5000] [--concurrency 2] [--warmup 300]

By default it builds the production bundle with opa/build (into a temporary
folder), starts `mzpolicy serve --bundle ... --token-file ...` with
opa/config.yaml (decision logs on, masked) on a free 127.0.0.1 port, and
stops it at the end. `--url` measures a server that is already running
instead; it must be a loopback address (MZPOLICY_OPA_TOKEN is sent).

Each client thread keeps one HTTP/1.1 connection open (keep-alive) and POSTs
the golden cases' requests in turn to /v1/data/mz/medins/decision. Printed:
round-trip latency p50/p90/p99/max, decisions per second over the measured
run, and OPA's own handler time from the decision log (timer_server_handler_ns).
The goal is p99 <= 5 ms on this 2-core machine. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
DECISION = "/v1/data/mz/medins/decision"
MZPOLICY = Path(sys.executable).with_name("mzpolicy")

from mzpolicy.opa import stop_process  # noqa: E402


def _requests() -> list[bytes]:
    from golden import golden_cases, request_of

    return [json.dumps({"input": request_of(case)}).encode() for _, case in golden_cases()]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _server(folder: Path, config: Path | None) -> Iterator[tuple[str, str, Path]]:
    """Build the bundle, start mzpolicy serve on loopback; yield (url, token, log)."""
    bundle = folder / "mzpolicy.tar.gz"
    subprocess.run([str(ROOT / "opa" / "build"), "-o", str(bundle)], check=True, capture_output=True)
    token = os.urandom(16).hex()
    token_file = folder / "token"
    token_file.write_text(token, encoding="utf-8")
    token_file.chmod(0o600)
    port = _free_port()
    log = folder / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [
                str(MZPOLICY),
                "serve",
                "--addr",
                f"127.0.0.1:{port}",
                "--bundle",
                str(bundle),
                "--token-file",
                str(token_file),
                *(["--config", str(config)] if config else []),
            ],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"mzpolicy serve exited: {log.read_text(errors='replace')}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            if time.monotonic() > deadline:
                raise SystemExit("mzpolicy serve did not become healthy in 30 s")
            time.sleep(0.05)
        yield url, token, log
    finally:
        stop_process(proc, timeout=10)


def _client(host: str, port: int, token: str, bodies: list[bytes], start: int, count: int, out: list[int]) -> None:
    headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        for i in range(start, start + count):
            body = bodies[i % len(bodies)]
            t0 = time.perf_counter_ns()
            conn.request("POST", DECISION, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter_ns() - t0
            if response.status != 200 or b'"result"' not in payload:
                raise RuntimeError(f"HTTP {response.status}: {payload[:200]!r}")
            out.append(elapsed)
    finally:
        conn.close()


def _run(
    host: str, port: int, token: str, bodies: list[bytes], total: int, concurrency: int
) -> tuple[list[int], float]:
    per_thread = [total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)]
    results: list[list[int]] = [[] for _ in range(concurrency)]
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            _client(host, port, token, bodies, sum(per_thread[:i]), per_thread[i], results[i])
        except BaseException as exc:  # reported after the run
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"load test failed: {errors[0]}")
    return [x for r in results for x in r], wall


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def _handler_times(log: Path) -> list[float]:
    times = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        with contextlib.suppress(ValueError, KeyError, TypeError):
            entry = json.loads(line)
            if entry.get("msg") == "Decision Log" and entry.get("path") == "mz/medins/decision":
                times.append(entry["metrics"]["timer_server_handler_ns"] / 1e6)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="measured requests (default 5000)")
    parser.add_argument("--warmup", type=int, default=300, help="requests before measuring (default 300)")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads, one connection each (default 2)")
    parser.add_argument("--url", help="a running server on loopback instead of starting one")
    parser.add_argument("--config", type=Path, help="OPA configuration for the server (default opa/config.yaml)")
    parser.add_argument("--goal-ms", type=float, default=5.0, help="p99 goal in ms (default 5)")
    args = parser.parse_args()

    bodies = _requests()
    with contextlib.ExitStack() as stack:
        if args.url:
            parts = urlsplit(args.url)
            host = parts.hostname or ""
            if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
                raise SystemExit(f"{args.url} is not a loopback address; this load test stays on loopback")
            port, token, log = parts.port or 8181, os.environ.get("MZPOLICY_OPA_TOKEN", ""), None
            where = args.url
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mzpolicy-load-")))
            url, token, log = stack.enter_context(_server(folder, args.config))
            host, port = "127.0.0.1", int(url.rsplit(":", 1)[1])
            config = args.config or "opa/config.yaml"
            where = f"{url} (mzpolicy serve --bundle <opa/build> --token-file --config {config})"
        if args.warmup:
            _run(host, port, token, bodies, args.warmup, args.concurrency)
        logged_before = len(_handler_times(log)) if log else 0
        latencies, wall = _run(host, port, token, bodies, args.requests, args.concurrency)
        handler = _handler_times(log)[logged_before:] if log else []

    ms = sorted(x / 1e6 for x in latencies)
    p50, p90, p99 = (_percentile(ms, p) for p in (50, 90, 99))
    print(f"server        {where}")
    print(f"requests      {len(ms)} measured after {args.warmup} warm-up, {args.concurrency} keep-alive connections")
    print(f"cases         {len(bodies)} golden requests in turn, one decision per request")
    print(f"latency (ms)  p50 {p50:.2f}  p90 {p90:.2f}  p99 {p99:.2f}  max {ms[-1]:.2f}  mean {sum(ms) / len(ms):.2f}")
    print(f"throughput    {len(ms) / wall:.0f} decisions/s ({wall:.2f} s wall)")
    if handler:
        h = sorted(handler)
        print(
            f"OPA handler   p50 {_percentile(h, 50):.2f}  p99 {_percentile(h, 99):.2f} ms "
            f"(timer_server_handler_ns of {len(h)} decision-log entries)"
        )
    print(f"goal          p99 <= {args.goal_ms:g} ms: {'met' if p99 <= args.goal_ms else 'NOT met'}")
    with contextlib.suppress(OSError):
        print(f"load average  {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
