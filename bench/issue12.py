"""The issue-12 lines of `make bench`: the redesigned policy against its speed
baseline (86d8b10) and its equality reference (fb127b9), in one run.

    python bench/bench.py --only issue12 [--quick]

Printed, in order:
  1. equality: every golden case and the roster mix decided by the policy at
     PRE_REDESIGN and now, compared with the trail's `rule` ids mapped (the
     last dotted segment, and the renames of README "Migration notes") and
     the fields the redesign added dropped (next_steps, trail entries'
     decided);
  2. OPA CPU per decision (opa_cpu.py says how it is measured): the full
     decision, one request per decision, at BASELINE and now, with the
     ratio against the target (>= 5x cheaper); the lean decision and the
     roster rows (batch.rows, batch.checked_rows) against <= 0.5 ms;
  3. the batch transport: one query of many requests against concurrent
     single requests on 2 keep-alive connections (one per core), OPA CPU
     per decision and wall decisions/s each, and which is cheaper;
  4. Python's cost per row in `mzpolicy batch` (parse, build, validate,
     encode, decode, write, with the package's own functions), both sides
     side by side, and the whole-pipeline time for 4 million residents:
     modelled from the per-row costs on this machine's cores, and measured
     by running `mzpolicy batch` (embedded OPA, as a user runs it).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

import opa_cpu  # noqa: E402
from gen_roster import AS_OF, Generator, write  # noqa: E402

from mzpolicy import entrypoints, records  # noqa: E402
from mzpolicy.paths import POLICIES  # noqa: E402
from mzpolicy.roster.engine import Row, decision_error, prepare  # noqa: E402
from mzpolicy.roster.io import RowWriter, read_rows  # noqa: E402
from mzpolicy.roster.tally import Tally  # noqa: E402

CITY = 4_000_000
MZPOLICY = str(Path(sys.executable).parent / "mzpolicy")
DECISION = entrypoints.DECISION
ROWS = entrypoints.BATCH_ROWS
BATCH = entrypoints.BATCH_DECISIONS
CHECKED_ROWS = ROWS.rsplit("/", 1)[0] + "/checked_rows"  # batch.rego's rows for rows mzpolicy has validated
LEAN = DECISION.rsplit("/", 1)[0] + "/lean"
TRIVIAL = entrypoints.LOADED_YEARS
FULL_TARGET = 5.0  # x cheaper than BASELINE
LEAN_TARGET_US = 500.0
CITY_GOAL_MIN = 40.0


def log(*parts: Any) -> None:
    print(*parts, file=sys.stderr, flush=True)


def golden_requests() -> list[tuple[str, dict[str, Any]]]:
    from golden import golden_cases, request_of

    return [(name, request_of(case)) for name, case in golden_cases()]


def roster_lines(n: int, seed: int, fmt: str = "jsonl") -> str:
    buf = io.StringIO()
    write(Generator(seed).rows(n), buf, fmt)
    return buf.getvalue()


def roster_requests(n: int, seed: int) -> list[dict[str, Any]]:
    return [{"as_of": AS_OF, "resident": json.loads(line)} for line in roster_lines(n, seed).splitlines()]


def single_decider(server: opa_cpu.OpaServer, path: str = DECISION) -> Callable[[list[dict[str, Any]]], list[Any]]:
    def decide(requests: list[dict[str, Any]]) -> list[Any]:
        conn = server.connection()
        try:
            return [conn.post(path, body) for body in opa_cpu.single_bodies(requests)]
        finally:
            conn.close()

    return decide


def equality(
    old: opa_cpu.OpaServer, new: opa_cpu.OpaServer, golden: list[tuple[str, dict[str, Any]]], mix: list[dict[str, Any]]
) -> list[str]:
    renames = opa_cpu.renames_from_readme()
    labelled = golden + [(f"roster row {i + 1}", r) for i, r in enumerate(mix)]
    wording = opa_cpu.wording_between(old.policies, new.policies)
    differ = opa_cpu.compare(labelled, single_decider(old), single_decider(new), renames, wording)
    lines = [
        f"Equality with {opa_cpu.PRE_REDESIGN} (the commit before the redesign), trail ids mapped"
        f" (last segment; README renames: {', '.join(f'{k}->{v}' for k, v in renames.items())}),"
        " messages in today's names of codes (README), next_steps, collected and trail decided dropped:",
        f"  {len(labelled)} requests ({len(golden)} golden cases, {len(mix)} roster rows), {len(differ)} differ",
    ]
    lines += [f"  {d}" for d in differ[:10]]
    if len(differ) > 10:
        lines.append(f"  ... and {len(differ) - 10} more")
    return lines


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def cpu_lines(
    base: opa_cpu.OpaServer, new: opa_cpu.OpaServer, mix: list[dict[str, Any]], rounds: int, min_cpu: float, batch: int
) -> tuple[list[str], opa_cpu.Measure]:
    single = [(b, 1) for b in opa_cpu.single_bodies(mix)]
    batched = opa_cpu.batch_bodies(mix, batch)
    m = opa_cpu.Measure(rounds, min_cpu)
    m.run(
        [
            ("base_decision", base, DECISION, single, 1),
            ("new_decision", new, DECISION, single, 1),
            ("base_trivial", base, TRIVIAL, single, 1),
            ("new_trivial", new, TRIVIAL, single, 1),
            ("new_lean", new, LEAN, single, 1),
            ("base_batch", base, BATCH, batched, 1),
            ("new_batch", new, BATCH, batched, 1),
            ("new_rows", new, ROWS, batched, 1),
            ("new_checked_rows", new, CHECKED_ROWS, batched, 1),
        ]
    )
    b, n = m.us("base_decision"), m.us("new_decision")
    lines = [
        f"OPA CPU per decision, same opa binary, same {len(mix)}-row roster mix, median of {rounds} interleaved"
        " rounds [min-max] (utime+stime of each OPA process, /proc/<pid>/stat):",
        f"  full decision, one request each     {opa_cpu.BASELINE} {b:7.0f} us {m.spread('base_decision'):>11}"
        f"   now {n:6.0f} us {m.spread('new_decision'):>11}",
        f"  ratio {b / n:.2f}x cheaper; target >= {FULL_TARGET:g}x: {met(b / n >= FULL_TARGET)}",
        f"  trivial rule (loaded_years), HTTP floor   {m.us('base_trivial'):7.0f} us"
        f"               now {m.us('new_trivial'):6.0f} us  (in every one-request figure)",
        f"  full decision, batches of {batch} (batch.decisions) {m.us('base_batch'):5.0f} us"
        f" {m.spread('base_batch'):>11}   now {m.us('new_batch'):6.0f} us {m.spread('new_batch'):>11}"
        f"  ({m.us('base_batch') / m.us('new_batch'):.2f}x cheaper)",
    ]
    for key, label in (
        ("new_lean", "lean decision, one request each (mz.medins.lean)"),
        ("new_rows", f"roster rows, batches of {batch} (batch.rows)"),
        ("new_checked_rows", f"checked rows, batches of {batch} (batch.checked_rows)"),
    ):
        us = m.us(key)
        lines.append(
            f"  {label:<55} {us:6.0f} us {m.spread(key):>11}  ({b / us:.1f}x cheaper than {opa_cpu.BASELINE}'s"
            f" decision); target <= {LEAN_TARGET_US:g} us: {met(us <= LEAN_TARGET_US)}"
        )
    return lines, m


def transport_lines(
    new: opa_cpu.OpaServer, mix: list[dict[str, Any]], rounds: int, min_cpu: float, batch: int
) -> list[str]:
    cores = os.cpu_count() or 1
    single = [(b, 1) for b in opa_cpu.single_bodies(mix)]
    # The rows entrypoint only takes a list: one request a query is a list of one.
    single_rows = opa_cpu.batch_bodies(mix, 1)
    batched = opa_cpu.batch_bodies(mix, batch)
    m = opa_cpu.Measure(rounds, min_cpu)
    m.run(
        [
            ("dec_batch", new, BATCH, batched, 2),
            ("dec_single", new, DECISION, single, 2),
            ("rows_batch", new, ROWS, batched, 2),
            ("rows_single", new, ROWS, single_rows, 2),
        ]
    )
    lines = [
        f"Batch transport, 2 keep-alive connections at once ({cores} cores), OPA CPU per decision and wall decisions/s:"
    ]
    for what, b, s in (("full decision", "dec_batch", "dec_single"), ("roster rows", "rows_batch", "rows_single")):
        lines.append(
            f"  {what:<14} one query of {batch:<4} {m.us(b):6.0f} us {m.per_s(b):7.0f}/s   "
            f"single requests {m.us(s):6.0f} us {m.per_s(s):7.0f}/s   cheaper in OPA CPU:"
            f" {'one query of many' if m.us(b) < m.us(s) else 'single requests'}"
            f" ({max(m.us(b), m.us(s)) / min(m.us(b), m.us(s)):.2f}x), faster in wall:"
            f" {'one query of many' if m.per_s(b) > m.per_s(s) else 'single requests'}"
        )
    return lines


def _per_row(fn: Callable[[], Any], rows: int, repeat: int = 3) -> float:
    """µs of this process's CPU a row, best of `repeat` runs of fn over `rows` rows."""
    best = float("inf")
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        fn()
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        best = min(best, (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1e6 / rows)
    return best


def _answers(new: opa_cpu.OpaServer, path: str, bodies: list[bytes], batch: int) -> list[bytes]:
    """OPA's raw answers to the bodies sent as mzpolicy sends them, `batch` a query."""
    payloads = []
    conn = new.connection()
    try:
        for i in range(0, len(bodies), batch):
            payload = b'{"input":{"requests":[' + b",".join(bodies[i : i + batch]) + b"]}}"
            conn.conn.request("POST", f"/v1/data/{path}", body=payload, headers={"Content-Type": "application/json"})
            payloads.append(conn.conn.getresponse().read())
    finally:
        conn.close()
    return payloads


def _output_costs(rows: list[Row], payloads: list[bytes], path: str, out_fmt: str) -> dict[str, float]:
    decisions = [a if path == BATCH else a["decision"] for p in payloads for a in json.loads(p)["result"]]
    assert len(decisions) == len(rows)

    def write_all() -> None:
        writer = RowWriter(io.StringIO(), out_fmt)
        for r, d in zip(rows, decisions, strict=True):
            writer.write(r.n, r.resident, d, None)

    def tally_all() -> None:
        tally = Tally()
        for r, d in zip(rows, decisions, strict=True):
            tally.add(r, d)

    return {
        "decode (json.loads of OPA's answers)": _per_row(lambda: [json.loads(p) for p in payloads], len(rows)),
        "check (decision_error)": _per_row(lambda: [decision_error(d) for d in decisions], len(rows)),
        "write (RowWriter)": _per_row(write_all, len(rows)),
        "tally (the summary's counts)": _per_row(tally_all, len(rows)),
    }


def python_costs(new: opa_cpu.OpaServer, n: int, seed: int, batch: int) -> dict[str, dict[str, float]]:
    """Per-row µs of each Python stage of `mzpolicy batch ROSTER.jsonl --as-of
    AS_OF`, with JSONL output (what it asks: batch.decisions) and CSV output
    (batch.rows), called as Roster.rows and batch_command call them. The
    input stages are the same for both outputs."""
    data = roster_lines(n, seed, "jsonl").encode()
    items = list(read_rows(io.BytesIO(data), "jsonl"))
    built = [records.build_request(i.document, as_of=AS_OF) for i in items]
    rows = [prepare(i, AS_OF, None) for i in items]
    bodies = [r.body for r in rows if r.body is not None]
    assert len(bodies) == len(rows), "the synthetic roster has no bad rows"
    batches = [bodies[i : i + batch] for i in range(0, len(bodies), batch)]
    inputs = {
        "parse (read_rows)": _per_row(lambda: list(read_rows(io.BytesIO(data), "jsonl")), n),
        "build (records.build_request)": _per_row(
            lambda: [records.build_request(i.document, as_of=AS_OF) for i in items], n
        ),
        "validate (records.problems)": _per_row(lambda: [records.problems(r) for r in built], n),
        "encode (json.dumps)": _per_row(
            lambda: [json.dumps(r, ensure_ascii=False, allow_nan=False).encode("utf-8") for r in built], n
        ),
        "prepare (all three, roster.engine.prepare)": _per_row(lambda: [prepare(i, AS_OF, None) for i in items], n),
        "send (join a query's bodies)": _per_row(
            lambda: [b'{"input":{"requests":[' + b",".join(b) + b"]}}" for b in batches], n
        ),
    }
    return {
        out_fmt: {**inputs, **_output_costs(rows, _answers(new, path, bodies, batch), path, out_fmt)}
        for out_fmt, path in (("jsonl", BATCH), ("csv", ROWS))
    }


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / opa_cpu.TICK


def run_batch(roster: Path, out_fmt: str, work: Path) -> tuple[float, float, float]:
    """(wall s, CPU s of mzpolicy's own process, CPU s of its OPA) of `mzpolicy
    batch` as a user runs it (embedded OPA). The whole CPU comes from wait4
    (mzpolicy with the OPA it reaped); OPA's is its /proc/<pid>/stat read
    every 20 ms while it runs (the last reading, so at most ~20 ms short);
    mzpolicy's is the difference."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}
    out = work / f"out.{out_fmt}"
    argv = [MZPOLICY, "batch", str(roster), "--as-of", AS_OF, "--format", out_fmt, "--out", str(out), "--no-progress"]
    with (work / "batch.err").open("w+b") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env)
        opa_seen: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
                    for child in children:
                        opa_seen[int(child)] = _cpu_of(int(child))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"mzpolicy batch failed ({proc.returncode}): {err.read().decode(errors='replace')}")
    total = usage.ru_utime + usage.ru_stime
    opa = sum(opa_seen.values())
    return wall, total - opa, opa


def pipeline_lines(
    costs: dict[str, dict[str, float]], m: opa_cpu.Measure, rows: int, seed: int, work: Path
) -> list[str]:
    cores = os.cpu_count() or 1
    lines = ["Python per row in `mzpolicy batch --as-of` (this process's CPU, best of 3) beside OPA's per row:"]
    names = list(costs["jsonl"])
    lines.append(f"  {'stage':<44} {'JSONL out':>10} {'CSV out':>10}")
    for name in names:
        lines.append(f"  {name:<44} {costs['jsonl'][name]:8.0f} us {costs['csv'][name]:8.0f} us")
    python = {
        fmt: sum(v for k, v in c.items() if not k.startswith(("build", "validate", "encode")))
        for fmt, c in costs.items()
    }
    opa = {"jsonl": m.us("new_batch"), "csv": m.us("new_rows")}
    lines.append(
        f"  {'Python, per row (parse+prepare+send+decode+check+write+tally)':<44} {python['jsonl']:8.0f} us"
        f" {python['csv']:8.0f} us"
    )
    lines.append(f"  {'OPA, per row (batch.decisions / batch.rows)':<44} {opa['jsonl']:8.0f} us {opa['csv']:8.0f} us")
    lines.append(
        "  (not counted: the HTTP client's own CPU; one Python thread does the rows, under the GIL, while OPA"
        f" uses the other cores: a row costs at least max(P, (P + O) / {cores}))"
    )
    roster = work / "pipeline.jsonl"
    roster.write_text(roster_lines(rows, seed), encoding="utf-8")
    tiny = work / "tiny.jsonl"
    tiny.write_text(roster_lines(1, seed), encoding="utf-8")
    lines.append(
        f"Whole pipeline, ~{CITY:,} residents on this machine ({cores} cores), `mzpolicy batch` as it runs now:"
    )
    for fmt in ("jsonl", "csv"):
        p, o = python[fmt], opa[fmt]
        modelled = CITY * max(p, (p + o) / cores) / 1e6 / 60
        log(f"pipeline: mzpolicy batch --format {fmt}, 1 and {rows} rows ...")
        start, start_py, start_opa = run_batch(tiny, fmt, work)
        wall, py_cpu, opa_cpu_s = run_batch(roster, fmt, work)
        rate = (rows - 1) / max(wall - start, 1e-9)
        measured = (start + CITY / rate) / 60
        per_py = 1e6 * (py_cpu - start_py) / (rows - 1)
        per_opa = 1e6 * (opa_cpu_s - start_opa) / (rows - 1)
        lines.append(
            f"  --format {fmt:<5} modelled {modelled:6.1f} min; measured {rows} rows in {wall:.1f} s"
            f" ({start:.1f} s for 1 row: start-up), {rate:.0f} rows/s -> {measured:6.1f} min;"
            f" goal <= {CITY_GOAL_MIN:g} min: {met(measured <= CITY_GOAL_MIN)}"
        )
        quiet = (start + CITY * max(per_py, (per_py + per_opa) / cores) / 1e6) / 60
        lines.append(
            f"                  in that run, CPU a row (start-up's subtracted): mzpolicy {per_py:5.0f} us"
            f" (its HTTP client included), its OPA {per_opa:5.0f} us: on {cores} otherwise idle cores"
            f" {quiet:6.1f} min; goal: {met(quiet <= CITY_GOAL_MIN)}"
        )
    return lines


def report(args: Any, work: Path) -> list[str]:
    """Every issue-12 line, measured in this run."""
    base_dir = opa_cpu.policies_at(opa_cpu.BASELINE, work / opa_cpu.BASELINE)
    pre_dir = opa_cpu.policies_at(opa_cpu.PRE_REDESIGN, work / opa_cpu.PRE_REDESIGN)
    golden = golden_requests()
    mix = roster_requests(args.sample, args.seed)
    out: list[str] = []
    with opa_cpu.servers([(opa_cpu.BASELINE, base_dir), (opa_cpu.PRE_REDESIGN, pre_dir), ("now", POLICIES)]) as (
        base,
        pre,
        new,
    ):
        log("issue 12: equality ...")
        out += equality(pre, new, golden, mix)
        out.append("")
        log("issue 12: OPA CPU per decision ...")
        lines, m = cpu_lines(base, new, mix, args.rounds, args.min_cpu, args.batch_size)
        out += lines
        out.append("")
        log("issue 12: transport ...")
        out += transport_lines(new, mix, args.rounds, args.min_cpu, args.batch_size)
        out.append("")
        log("issue 12: Python per row ...")
        costs = python_costs(new, min(args.sample, 1000), args.seed, args.batch_size)
    out += pipeline_lines(costs, m, args.pipeline_rows, args.seed, work)
    return out


def add_arguments(ap: Any) -> None:
    """bench.py's options for these lines (it also gives --sample, --rounds, --seed, --batch-size)."""
    ap.add_argument("--min-cpu", type=float, default=1.0, help="seconds of OPA CPU a measured burst takes (default 1)")
    ap.add_argument("--pipeline-rows", type=int, default=5000, help="rows of the measured mzpolicy batch runs")
