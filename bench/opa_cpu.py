"""OPA CPU per decision, old policy beside new, and the equality check (issue 12).

Used by bench/bench.py; small enough to smoke-test (tests/test_bench_smoke.py).

How OPA's CPU is measured. Each policy runs in its own `opa run --server`
process (the same pinned binary, bundle mode, test files ignored, as
mzpolicy runs it, but without the authz policy and token so that both sides
run exactly their policy). Around a burst of N requests the process's CPU
time is read from /proc/<pid>/stat (utime + stime of every thread, exited
threads included) and the difference divided by N. That counts only OPA's
own work: the client's CPU (Python encoding, decoding) is in another
process and not counted, and neither is other work on the machine, which can
only stretch wall time. The clock tick is 10 ms, so a burst is sized to take
at least a second of OPA CPU (100 ticks: about 1 % resolution); the two
servers are asked in alternating bursts over several rounds, so that
whatever else the 2-core machine does falls on both alike, and the median of
the rounds is reported. The HTTP cost of one request (parsing, handler, JSON
of the answer) is in the figure; a trivial rule asked the same way shows how
much that is.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mzpolicy.paths import opa_binary

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")

# The speed baseline (issue 12) and the commit just before the redesign (the
# equality reference).
BASELINE = "86d8b10"
PRE_REDESIGN = "fb127b9"


def policies_at(commit: str, dest: Path) -> Path:
    """policies/ as it was at `commit`, from git history, under dest."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "policies"], capture_output=True, check=True
    )
    tar_path = dest / "policies.tar"
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(dest, filter="data")
    tar_path.unlink()
    return dest / "policies"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OpaServer:
    """One `opa run --server` over one policies/ directory, on loopback."""

    def __init__(self, label: str, policies: Path):
        self.label = label
        self.policies = policies
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> OpaServer:
        self.proc = subprocess.Popen(
            [
                str(opa_binary()),
                "run",
                "--server",
                "--skip-version-check",
                "--log-level",
                "error",
                "--addr",
                f"127.0.0.1:{self.port}",
                "--ignore",
                "*_test.rego",
                "--bundle",
                str(self.policies),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"opa for {self.label} exited: {self.proc.stderr.read().decode(errors='replace')}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            if time.monotonic() > deadline:
                raise SystemExit(f"opa for {self.label} not healthy in 60 s")
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def cpu(self) -> float:
        """utime + stime of the whole OPA process so far, in seconds."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def connection(self) -> Connection:
        return Connection(self.port)


class Connection:
    """One keep-alive HTTP/1.1 connection to a server."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def post(self, path: str, body: bytes) -> Any:
        self.conn.request("POST", f"/v1/data/{path}", body=body, headers={"Content-Type": "application/json"})
        response = self.conn.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status} {payload[:300]!r}")
        doc = json.loads(payload)
        if "result" not in doc:
            raise RuntimeError(f"{path}: no result")
        return doc["result"]

    def close(self) -> None:
        self.conn.close()


def single_bodies(requests: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps({"input": r}, ensure_ascii=False).encode() for r in requests]


def batch_bodies(requests: list[dict[str, Any]], size: int) -> list[tuple[bytes, int]]:
    return [
        (
            json.dumps({"input": {"requests": requests[i : i + size]}}, ensure_ascii=False).encode(),
            len(requests[i : i + size]),
        )
        for i in range(0, len(requests), size)
    ]


def cpu_of_burst(
    server: OpaServer, path: str, bodies: list[tuple[bytes, int]], connections: int = 1
) -> tuple[float, float, int]:
    """(OPA CPU seconds, wall seconds, decisions) for posting `bodies` (each
    with the number of decisions it asks) on `connections` keep-alive
    connections at once, the bodies dealt round-robin."""
    conns = [server.connection() for _ in range(connections)]
    try:
        for c in conns:  # open the connections (and warm the path) outside the measurement
            c.post(path, bodies[0][0])
        errors: list[BaseException] = []

        def work(i: int) -> None:
            try:
                for body, _ in bodies[i::connections]:
                    conns[i].post(path, body)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(connections)]
        cpu0, t0 = server.cpu(), time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall, cpu = time.perf_counter() - t0, server.cpu() - cpu0
        if errors:
            raise errors[0]
    finally:
        for c in conns:
            c.close()
    return cpu, wall, sum(n for _, n in bodies)


def repeat_to(bodies: list[tuple[bytes, int]], decisions: int) -> list[tuple[bytes, int]]:
    """The bodies in turn until they ask at least `decisions` decisions."""
    out: list[tuple[bytes, int]] = []
    total = 0
    while total < decisions:
        for b in bodies:
            out.append(b)
            total += b[1]
            if total >= decisions:
                break
    return out


class Measure:
    """Interleaved rounds of bursts; median µs of OPA CPU per decision."""

    def __init__(self, rounds: int, min_cpu: float):
        self.rounds = rounds
        self.min_cpu = min_cpu  # seconds of OPA CPU a burst should take, for resolution
        self.cpu: dict[str, list[float]] = {}
        self.rate: dict[str, list[float]] = {}

    def calibrate(self, server: OpaServer, path: str, bodies: list[tuple[bytes, int]]) -> int:
        """How many decisions make a burst of about min_cpu seconds."""
        probe = repeat_to(bodies, max(20, sum(n for _, n in bodies[:3])))
        cpu, _, n = cpu_of_burst(server, path, probe)
        per = max(cpu / n, 20e-6)
        return max(n, int(self.min_cpu / per))

    def run(self, jobs: list[tuple[str, OpaServer, str, list[tuple[bytes, int]], int]]) -> None:
        """jobs: (key, server, path, bodies, connections); each round runs every job once, in turn."""
        sizes = {key: self.calibrate(server, path, bodies) for key, server, path, bodies, _ in jobs}
        for _ in range(self.rounds):
            for key, server, path, bodies, connections in jobs:
                cpu, wall, n = cpu_of_burst(server, path, repeat_to(bodies, sizes[key]), connections)
                self.cpu.setdefault(key, []).append(1e6 * cpu / n)
                self.rate.setdefault(key, []).append(n / wall)

    def us(self, key: str) -> float:
        return statistics.median(self.cpu[key])

    def per_s(self, key: str) -> float:
        return statistics.median(self.rate[key])

    def spread(self, key: str) -> str:
        return f"[{min(self.cpu[key]):.0f}-{max(self.cpu[key]):.0f}]"


# ---------------------------------------------------------------- equality


def renames_from_readme(readme: Path = ROOT / "README.md") -> dict[str, str]:
    """The documented renames of trail `rule` ids: README "Migration notes"
    table rows `| `old.dotted.path` | `new_id` |` (a row whose old path says
    "and every other path" is the general rule, the last segment)."""
    text = readme.read_text(encoding="utf-8")
    start = text.index("### Migration notes")
    end = text.find("\n## ", start)
    section = text[start : end if end > 0 else None]
    renames = {}
    for old, rest, new in re.findall(r"^\| `([a-z0-9_.]+)`([^|]*)\| `([a-z0-9_]+)`", section, re.M):
        if "every other" not in rest:
            renames[old] = new
    return renames


def rule_id(old: str, renames: dict[str, str]) -> str:
    return renames.get(old, old.rsplit(".", 1)[-1])


# Issue 14 (no code in prose) names a region without its code ("441424 五华县" became
# "五华县", "441424 (Wuhua County)" "Wuhua County"), says "household registration" for
# "hukou" in English prose, and mended five English names the reference data's YAML
# had cut at a comma ("not covered" is "not covered, nothing to pay"). The README's
# migration notes say so; the old messages are read in today's wording, by the
# reference data of both commits, and every other character is compared.
def wording_map(old_reference: dict[str, Any], new_reference: dict[str, Any]) -> list[tuple[str, str]]:
    """(old text, today's text) pairs, longest first."""
    pairs = {}
    for code, name in (new_reference.get("regions") or {}).items():
        pairs[f"{code} {name['zh']}"] = name["zh"]
        pairs[f"{code} ({name['en']})"] = name["en"]
    for table, names in new_reference.items():
        old_names = old_reference.get(table)
        if not isinstance(names, dict) or not isinstance(old_names, dict):
            continue
        for code, name in names.items():
            before = old_names.get(code)
            if isinstance(name, dict) and isinstance(before, dict):
                for lang in ("zh", "en"):
                    if isinstance(before.get(lang), str) and before.get(lang) != name.get(lang):
                        pairs[before[lang]] = name[lang]
    pairs["Meizhou hukou"] = "Meizhou household registration"
    return sorted(pairs.items(), key=lambda p: -len(p[0]))


def wording_between(old_policies: Path, new_policies: Path) -> list[tuple[str, str]]:
    """wording_map of the two bundles' reference data (mz/reference/data.yaml)."""
    import yaml

    def reference(root: Path) -> dict[str, Any]:
        return yaml.safe_load((root / "mz" / "reference" / "data.yaml").read_text(encoding="utf-8")) or {}

    return wording_map(reference(old_policies), reference(new_policies))


def _today_s_wording(message: Any, today: Any, wording: list[tuple[str, str]]) -> Any:
    """The old message with a name in today's wording where today's message (the
    same entry's, decided now) holds that name and the old one does not."""
    if not isinstance(message, dict) or not isinstance(today, dict):
        return message
    out = dict(message)
    for lang in ("zh", "en"):
        text, now_text = out.get(lang), today.get(lang)
        if not isinstance(text, str) or not isinstance(now_text, str):
            continue
        for before, now in wording:
            if before in text and now in now_text and (before not in now_text or now not in text):
                text = text.replace(before, now)
        out[lang] = text
    return out


def old_comparable(
    decision: Any, renames: dict[str, str], wording: list[tuple[str, str]] = (), today: Any = None
) -> Any:
    """A decision of the pre-redesign policy with its trail ids mapped to the new
    ones and its messages in today's names of codes (today: the new decision)."""
    if isinstance(decision, dict) and isinstance(decision.get("trail"), list):
        decision = dict(decision)
        now_trail = today.get("trail") if isinstance(today, dict) else None
        now_trail = now_trail if isinstance(now_trail, list) else []
        decision["trail"] = [
            {
                **e,
                "rule": rule_id(e["rule"], renames),
                "message": _today_s_wording(
                    e.get("message"), (now_trail[i] if i < len(now_trail) else {}).get("message"), wording
                ),
            }
            if isinstance(e, dict) and "rule" in e
            else e
            for i, e in enumerate(decision["trail"])
        ]
    return decision


def new_comparable(decision: Any) -> Any:
    """A decision of the new policy without the fields added since (next_steps, collected, trail entries' decided)."""
    if isinstance(decision, dict):
        decision = {k: v for k, v in decision.items() if k not in ("next_steps", "collected")}
        if isinstance(decision.get("trail"), list):
            decision["trail"] = [
                {k: v for k, v in e.items() if k != "decided"} if isinstance(e, dict) else e for e in decision["trail"]
            ]
    return decision


def first_difference(a: Any, b: Any, where: str = "") -> str | None:
    """Where two JSON values first differ, as a path and both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                before, now = ("present" if k in x else "missing" for x in (a, b))
                return f"{where}.{k}: {before} before, {now} now"
            found = first_difference(a[k], b[k], f"{where}.{k}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items before, {len(b)} now"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    if a != b or type(a) is not type(b):
        before, now = (json.dumps(x, ensure_ascii=False)[:200] for x in (a, b))
        return f"{where or '.'}: {before} before, {now} now"
    return None


def compare(
    labelled: list[tuple[str, dict[str, Any]]],
    decide_old: Callable[[list[dict[str, Any]]], list[Any]],
    decide_new: Callable[[list[dict[str, Any]]], list[Any]],
    renames: dict[str, str],
    wording: list[tuple[str, str]] = (),
) -> list[str]:
    """Every request decided by both; the differences, one line each (empty: the same)."""
    requests = [r for _, r in labelled]
    old, new = decide_old(requests), decide_new(requests)
    assert len(old) == len(new) == len(requests), (len(old), len(new), len(requests))
    out = []
    for (label, _), a, b in zip(labelled, old, new, strict=True):
        found = first_difference(old_comparable(a, renames, wording, b), new_comparable(b))
        if found:
            out.append(f"{label}: {found}")
    return out


def batch_decider(server: OpaServer, path: str, size: int = 100) -> Callable[[list[dict[str, Any]]], list[Any]]:
    def decide(requests: list[dict[str, Any]]) -> list[Any]:
        conn = server.connection()
        try:
            out: list[Any] = []
            for body, _ in batch_bodies(requests, size):
                out.extend(conn.post(path, body))
            return out
        finally:
            conn.close()

    return decide


@contextlib.contextmanager
def servers(pairs: list[tuple[str, Path]]) -> Iterator[list[OpaServer]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(OpaServer(label, path)) for label, path in pairs]
