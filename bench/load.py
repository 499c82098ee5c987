"""Bounded load test of `mzpolicy serve` on loopback (issue #6): one decision
per HTTP request, a fixed number of requests, then it stops by itself.

    .venv/bin/python bench/load.py [--quick] [--requests 5000] [--concurrency 1] [--warmup 300]

By default it builds the production bundle with opa/build (into a temporary
folder), starts `mzpolicy serve --bundle ... --token-file ...` with
opa/config.yaml (decision logs on, masked) on a free 127.0.0.1 port, and
stops it at the end. `--url` measures a server that is already running
instead; it must be a loopback address (MZPOLICY_OPA_TOKEN is sent).

Each client thread keeps one HTTP/1.1 connection open (keep-alive) and POSTs
the golden cases' requests in turn to /v1/data/mz/medins/decision. Printed:
round-trip latency p50/p90/p99/max, decisions per second over the measured
run, and OPA's own handler time from the decision log (timer_server_handler_ns).
The goals (issue 12, point 7) are p50 <= 2.5 ms and p99 <= 5 ms at one
connection on this 2-core machine. Then the decision log is checked: every
ID number and name the requests carried is searched for in the server's
whole output (none may be there), and one logged input is shown as the mask
left it. --quick: 1000 requests after 100. Not part of the test suite.
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


def _requests() -> list[dict]:
    from golden import golden_cases, request_of

    return [request_of(case) for _, case in golden_cases()]


def _secrets(requests: list[dict]) -> set[str]:
    """The ID numbers and names the requests carry (what a log must not hold)."""
    found = set()
    for r in requests:
        resident = r.get("resident") if isinstance(r.get("resident"), dict) else {}
        for key in ("id_number", "name"):
            if isinstance(resident.get(key), str) and len(resident[key]) >= 2:
                found.add(resident[key])
    return found


def _log_check(log: Path, secrets: set[str]) -> list[str]:
    text = log.read_text(encoding="utf-8", errors="replace")
    entries = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and entry.get("msg") == "Decision Log":
                entries.append(entry)
    leaked = sorted(s for s in secrets if s in text)
    verdict = "NOT masked" if leaked else "masked" if entries else "no decision log (off in this configuration)"
    lines = [
        f"decision log  {len(entries)} entries, {len(text.encode()):,} bytes; {len(secrets)} ID numbers and names"
        f" sent, {len(leaked)} found in the log: {verdict}"
    ]
    if leaked:
        lines.append(f"              found e.g. {leaked[0][:4]}... in the log")
    with_id = next((e for e in entries if e.get("erased")), entries[0] if entries else None)
    if with_id is not None:
        shown = {k: with_id.get(k) for k in ("path", "input", "erased")}
        lines.append(f"              one entry: {json.dumps(shown, ensure_ascii=False)[:600]}")
    return lines


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
    parser.add_argument("--quick", action="store_true", help="1000 requests after 100 (well under a minute)")
    parser.add_argument("--requests", type=int, default=5000, help="measured requests (default 5000)")
    parser.add_argument("--warmup", type=int, default=300, help="requests before measuring (default 300)")
    parser.add_argument("--concurrency", type=int, default=1, help="client threads, one connection each (default 1)")
    parser.add_argument("--url", help="a running server on loopback instead of starting one")
    parser.add_argument("--config", type=Path, help="OPA configuration for the server (default opa/config.yaml)")
    parser.add_argument("--goal-ms", type=float, default=5.0, help="p99 goal in ms (default 5)")
    parser.add_argument("--goal-p50-ms", type=float, default=2.5, help="p50 goal in ms (default 2.5)")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.warmup = min(args.requests, 1000), min(args.warmup, 100)

    requests = _requests()
    bodies = [json.dumps({"input": r}).encode() for r in requests]
    log_lines: list[str] = []
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
        if log:
            log_lines = _log_check(log, _secrets(requests))

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
    print(f"goal          p50 <= {args.goal_p50_ms:g} ms: {'met' if p50 <= args.goal_p50_ms else 'NOT met'}")
    print(f"goal          p99 <= {args.goal_ms:g} ms: {'met' if p99 <= args.goal_ms else 'NOT met'}")
    for line in log_lines:
        print(line)
    with contextlib.suppress(OSError):
        print(f"load average  {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
