"""Roster throughput and the policy's cost, in one run on the same records (`make bench`).

    python bench/bench.py [--quick] [--only issue12|issue5] [--sample N] [--rounds R]
                          [--sizes 100000,1000000] [--budget SECONDS] [--seed S]
                          [--min-cpu SECONDS] [--pipeline-rows N]

First the issue-12 lines (bench/issue12.py): every golden case and the
roster mix decided the same as before the redesign (fb127b9, trail ids
mapped), OPA CPU per decision against the speed baseline 86d8b10 (both built
from git history, run side by side by the same opa binary; bench/opa_cpu.py
says how the CPU is measured), the lean roster decision, the batch transport
(one query of many requests against concurrent single requests), Python's
cost per row beside OPA's, and the whole-city estimate.

Then the issue-5 lines, decisions per second for
  (a)  `opa bench` on one decision: the engine alone, one core
  (a') `opa bench` on the sample as one batch, per decision: the engine on the roster's mix
  (b)  a naive loop, one HTTP request per record (keep-alive requests.Session)
  (b0) the same loop asking a trivial rule: the round trip without the engine
  (c)  `mzpolicy batch` as a user runs it (embedded OPA, its start-up included)
  (c') `mzpolicy batch --opa-url` against the same server as (b)
and the ratios (c)/(a), (c)/(b); then what the engine spends its
time on (`opa eval --profile` and partial queries, json.match_schema
measured alone), then the peak memory (VmHWM) of `mzpolicy batch` and of its
OPA as the roster grows, and what the whole city (~4 million residents)
would take.

(b), (c) and (c') decide the same first --sample records of one seeded
synthetic roster (bench/gen_roster.py). Sizes for the memory scan that would
not finish within --budget seconds at the measured rate are replaced by the
largest that fits, and the output says so. (Issue 5's line (d),
opa-python-client's bulk_query_rule, is gone: it posts an ad-hoc query to
/v1/query, which every server of this project refuses since issue 13.)

--quick: 100 records, 1 round, short CPU bursts, a 500-row pipeline run and
no memory scan: about two minutes.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import issue12  # noqa: E402
from gen_roster import AS_OF, Generator, write  # noqa: E402

from mzpolicy.opa import embedded_server  # noqa: E402
from mzpolicy.paths import POLICIES, opa_binary  # noqa: E402

CITY = 4_000_000
MZPOLICY = str(Path(sys.executable).parent / "mzpolicy")


def log(*parts: Any) -> None:
    print(*parts, file=sys.stderr, flush=True)


def requests_of(path: Path) -> list[dict[str, Any]]:
    return [{"as_of": AS_OF, "resident": json.loads(line)} for line in path.read_text(encoding="utf-8").splitlines()]


def opa_bench(input_doc: dict[str, Any], query: str, workdir: Path) -> float:
    """ns per evaluation of `query` from `opa bench` (Go's testing.Benchmark, about a second)."""
    path = workdir / "bench-input.json"
    path.write_text(json.dumps(input_doc, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run(
        [
            str(opa_binary()),
            "bench",
            "--ignore",
            "*_test.rego",
            "-b",
            str(POLICIES),
            "-i",
            str(path),
            "--format",
            "json",
            query,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    return result["T"] / result["N"]


def naive_loop(url: str, requests_: list[dict[str, Any]], rule: str = "mz/medins/decision") -> float:
    import requests

    session = requests.Session()
    endpoint = f"{url}/v1/data/{rule}"
    session.post(endpoint, json={"input": requests_[0]}).raise_for_status()  # warm the connection
    started = time.perf_counter()
    for r in requests_:
        response = session.post(endpoint, json={"input": r})
        response.raise_for_status()
        assert "result" in response.json()
    elapsed = time.perf_counter() - started
    session.close()
    return len(requests_) / elapsed


class PeakMemory(threading.Thread):
    """Samples VmHWM (peak resident set) of a process and of its children (the embedded OPA)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.done = threading.Event()

    def _status(self, pid: int) -> None:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if "VmHWM" in fields:
            self.peaks[pid] = max(self.peaks.get(pid, 0), int(fields["VmHWM"].split()[0]))
            self.names[pid] = fields.get("Name", "?").strip()

    def run(self) -> None:
        while not self.done.is_set():
            self._status(self.pid)
            try:
                children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            except OSError:
                children = []
            for child in children:
                self._status(int(child))
            time.sleep(0.1)

    def report(self) -> tuple[int, int]:
        """(peak of the Python process, peak of OPA) in MiB."""
        python = self.peaks.get(self.pid, 0)
        opa = max((kb for pid, kb in self.peaks.items() if pid != self.pid), default=0)
        return python // 1024, opa // 1024


def run_batch(roster: Path, out: Path, *extra: str) -> tuple[float, int, int, str]:
    """Wall seconds, peak MiB of mzpolicy and of its OPA, and the summary line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [MZPOLICY, "batch", str(roster), "--as-of", AS_OF, "--out", str(out), "--no-progress", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    sampler = PeakMemory(proc.pid)
    sampler.start()
    _, stderr = proc.communicate()
    elapsed = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"mzpolicy batch failed ({proc.returncode}): {stderr}")
    python_mib, opa_mib = sampler.report()
    lines = sum(1 for _ in out.open(encoding="utf-8"))
    rows = sum(1 for _ in roster.open(encoding="utf-8"))
    assert lines == rows, (lines, rows)
    return elapsed, python_mib, opa_mib, stderr.strip().splitlines()[0] if stderr.strip() else ""


def profile(sample: list[dict[str, Any]], workdir: Path) -> list[str]:
    """Where the engine's time goes, per decision, on `sample` as one batch."""
    path = workdir / "profile-input.json"
    path.write_text(json.dumps({"requests": sample}, ensure_ascii=False), encoding="utf-8")

    def per_request(expression: str) -> float | None:
        query = f"x := count([1 | some r in input.requests; _ := {expression} with input as r])"
        out = subprocess.run(
            [
                str(opa_binary()),
                "eval",
                "--ignore",
                "*_test.rego",
                "-b",
                str(POLICIES),
                "-i",
                str(path),
                "--metrics",
                "--format",
                "json",
                query,
            ],
            capture_output=True,
            text=True,
        )
        try:
            doc = json.loads(out.stdout)
            if doc["result"][0]["bindings"]["x"] != len(sample):
                return None
            return doc["metrics"]["timer_rego_query_eval_ns"] / len(sample) / 1e6
        except (ValueError, KeyError, IndexError):
            return None

    parts = [
        ("the whole decision (data.mz.medins.decision)", "data.mz.medins.decision"),
        ("the lean decision (data.mz.medins.lean)", "data.mz.medins.lean"),
        ("json.match_schema of the resident alone", "json.match_schema(input.resident, data.mz.schemas.resident)"),
        ("json.match_schema of the request alone", "json.match_schema(input, data.mz.schemas.request)"),
        ("all input validation (lib.validation.problems)", "data.mz.medins.lib.validation.problems"),
        ("eligibility alone (rules.eligibility.eligible)", "data.mz.medins.rules.eligibility.eligible"),
        ("the trail alone (decision.rego trail)", "data.mz.medins.trail"),
    ]
    lines = []
    whole = None
    for label, expression in parts:
        ms = per_request(expression)
        whole = ms if whole is None else whole
        share = f" ({100 * ms / whole:.0f} % of the whole)" if ms is not None and whole else ""
        lines.append(f"  {label:<52} {'n/a' if ms is None else f'{ms:8.2f} ms'}{share}")
    out = subprocess.run(
        [
            str(opa_binary()),
            "eval",
            "--ignore",
            "*_test.rego",
            "-b",
            str(POLICIES),
            "-i",
            str(path),
            "--profile",
            "--profile-limit",
            "400",
            "--format",
            "json",
            "x := count(data.mz.medins.batch.decisions)",
        ],
        capture_output=True,
        text=True,
    )
    try:
        entries = json.loads(out.stdout)["profile"]
    except (ValueError, KeyError):
        return [*lines, "  (opa eval --profile failed)"]
    by_file: collections.Counter[str] = collections.Counter()
    for e in entries:
        by_file[e["location"]["file"].removeprefix(str(ROOT) + "/")] += e.get("total_time_ns", 0)
    total = sum(by_file.values()) or 1
    lines.append("  opa eval --profile (self time by file, the profiler slows evaluation down):")
    for file, ns in by_file.most_common(6):
        lines.append(f"    {100 * ns / total:5.1f} %  {file}")
    top = sorted(entries, key=lambda e: -e.get("total_time_ns", 0))[:5]
    lines.append("  hottest expressions:")
    for e in top:
        loc = e["location"]
        where = f"{loc['file'].removeprefix(str(ROOT) + '/')}:{loc['row']}"
        share = 100 * e.get("total_time_ns", 0) / total
        lines.append(f"    {share:5.1f} %  {where}  (evaluated {e.get('num_eval', 0)} times)")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a short run (about two minutes): see the docstring")
    ap.add_argument("--only", choices=("issue12", "issue5"), help="only the issue-12 lines, or only issue 5's")
    ap.add_argument("--sample", type=int, default=600, help="records decided by (b), (c), (c') and issue 12")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of every measurement")
    ap.add_argument("--sizes", default="100000,1000000", help="roster sizes for the memory scan ('' for none)")
    ap.add_argument("--budget", type=float, default=300, help="seconds for the largest memory-scan run")
    ap.add_argument("--batch-size", type=int, default=250)
    ap.add_argument("--seed", type=int, default=2025)
    issue12.add_arguments(ap)
    args = ap.parse_args()
    if args.quick:
        args.sample, args.rounds, args.sizes = min(args.sample, 100), 1, ""
        args.min_cpu, args.pipeline_rows = min(args.min_cpu, 0.3), min(args.pipeline_rows, 500)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    if args.only != "issue5":
        with tempfile.TemporaryDirectory(prefix="mzpolicy-bench12-") as tmp:
            load = Path("/proc/loadavg").read_text().split()[:3]
            print(f"mzpolicy policy cost (issue 12): {args.sample} synthetic records (seed {args.seed}), as_of {AS_OF}")
            print(f"machine: {os.cpu_count()} cores, load average {' '.join(load)} at start; OPA {opa_version()}")
            print()
            for line in issue12.report(args, Path(tmp)):
                print(line, flush=True)
            print()
        if args.only == "issue12":
            return
    with tempfile.TemporaryDirectory(prefix="mzpolicy-bench-") as tmp:
        work = Path(tmp)
        sample_path = work / "sample.jsonl"
        with sample_path.open("w", encoding="utf-8") as f:
            write(Generator(args.seed).rows(args.sample), f, "jsonl")
        sample = requests_of(sample_path)
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(f"mzpolicy roster benchmark: {args.sample} synthetic records (seed {args.seed}), as_of {AS_OF}")
        print(f"machine: {os.cpu_count()} cores, load average {' '.join(load)} at start; OPA {opa_version()}")
        print()

        # Other work on the machine moves every figure; the measurements are
        # interleaved in rounds and each one's median is used (min-max shown).
        runs: dict[str, list[float]] = collections.defaultdict(list)
        mix = sample[: min(len(sample), 200)]
        summary = c_memory = ""
        for round_ in range(1, args.rounds + 1):
            log(f"round {round_}/{args.rounds}: (a) opa bench, one decision ...")
            runs["a"].append(1e9 / opa_bench(sample[0], "data.mz.medins.decision", work))
            log(f"round {round_}: (a') opa bench, {len(mix)} decisions as one batch ...")
            runs["a2"].append(1e9 * len(mix) / opa_bench({"requests": mix}, "data.mz.medins.batch.decisions", work))
            log(f"round {round_}: (c) mzpolicy batch, embedded OPA ...")
            wall, py_mib, opa_mib, summary = run_batch(sample_path, work / "c.jsonl")
            runs["c"].append(len(sample) / wall)
            c_memory = f"mzpolicy {py_mib} MiB, OPA {opa_mib} MiB peak"
            with embedded_server() as endpoint:
                url = endpoint.url
                log(f"round {round_}: (b) naive loop ...")
                runs["b"].append(naive_loop(url, sample))
                log(f"round {round_}: (b0) naive loop on a trivial rule ...")
                runs["b0"].append(naive_loop(url, sample, "mz/medins/loaded_years"))
                log(f"round {round_}: (c') mzpolicy batch --opa-url ...")
                wall, _, _, _ = run_batch(sample_path, work / "c2.jsonl", "--opa-url", url)
                runs["c2"].append(len(sample) / wall)
        a, a2, b, b0, c, c2 = (statistics.median(runs[k]) for k in ("a", "a2", "b", "b0", "c", "c2"))

        def spread(key: str) -> str:
            return f"[{min(runs[key]):.1f}-{max(runs[key]):.1f}]"

        print(f"decisions/s, median of {args.rounds} rounds [min-max]:")
        print(f"(a)  opa bench, one decision              {a:8.1f} {spread('a'):>15}  ({1e3 / a:.2f} ms each)")
        print(
            f"(a') opa bench, {len(mix)} decisions batched     {a2:8.1f} {spread('a2'):>15}  ({1e3 / a2:.2f} ms each)"
        )
        print(f"(b)  naive loop, one request per record   {b:8.1f} {spread('b'):>15}")
        print(f"(b0) the same loop on a trivial rule      {b0:8.1f} {spread('b0'):>15}  (the round trip alone)")
        print(f"(c)  mzpolicy batch (embedded OPA)        {c:8.1f} {spread('c'):>15}  (OPA's start included)")
        print(f"(c') mzpolicy batch --opa-url             {c2:8.1f} {spread('c2'):>15}  (same server as (b))")
        print()
        print(f"(c)/(a)  = {c / a:6.2f}   target >= 0.50  {'met' if c / a >= 0.5 else 'NOT met'}")
        print(f"(c)/(a') = {c / a2:6.2f}   (against the engine on the same mix)")
        print(f"(c)/(b)  = {c / b:6.2f}   target >= 20    {'met' if c / b >= 20 else 'NOT met'}")
        # What batching can save is the round trip; the engine's own time per
        # decision it cannot. With E the engine time a decision on one core, H
        # the round trip of a trivial query (b0) and every core deciding, (c)
        # is at best cores/E and (b) is 1/(E + H): the ratio cannot pass that
        # bound. E is taken from (a'), the engine on the same mix of records as
        # (b) and (c); (a) is one record only.
        cores = os.cpu_count() or 1
        engine_s, trip_s = 1 / a2, 1 / b0
        ceiling = (engine_s + trip_s) / (engine_s / cores)
        needed_us = 1e6 * trip_s / (20 / cores - 1) if 20 / cores > 1 else float("inf")
        print(
            f"round trip of a trivial query (b0): H = {1e3 * trip_s:.2f} ms;"
            f" engine on the mix (a'): E = {1e3 * engine_s:.2f} ms a decision."
        )
        print(
            f"ceiling on (c)/(b) with {cores} cores: (E + H) / (E / {cores}) = {ceiling:.1f}; 20x needs E"
            f" <= {needed_us:.0f} us a decision"
        )
        print(f"(c) summary: {summary}; {c_memory}")
        print()

        print("What one decision costs in the engine (per decision, on the first 100 records as one batch):")
        for line in profile(sample[:100], work):
            print(line)
        print()

        if not sizes:
            print("Peak memory of `mzpolicy batch`: no --sizes, not measured")
            print()
        else:
            print("Peak memory of `mzpolicy batch` as the roster grows (VmHWM):")
            slowest = min(runs["c"])  # size the runs on the slowest round, so they keep to the budget
            largest = int(slowest * args.budget)
            scan: list[int] = []
            for size in sizes:
                if size <= largest:
                    scan.append(size)
                else:
                    print(
                        f"  {size:>9,} records would take about {size / slowest / 60:.0f} min at {slowest:.0f}"
                        f" decisions/s: over the {args.budget:.0f} s budget, not run"
                    )
            if len(scan) < len(sizes):
                fitted = max(1000, int(largest * 0.9) // 1000 * 1000)
                scan = sorted({max(1000, fitted // 1600 * 100), max(1000, fitted // 400 * 100), fitted, *scan})
                print(
                    f"  measured instead at {', '.join(f'{s:,}' for s in scan)} records (the largest fits the budget)"
                )
            gen = Generator(args.seed)
            roster = work / "roster.jsonl"
            with roster.open("w", encoding="utf-8") as f:
                write(gen.rows(max(scan)), f, "jsonl")
            for size in scan:
                part = work / f"roster-{size}.jsonl"
                with roster.open(encoding="utf-8") as src, part.open("w", encoding="utf-8") as dst:
                    for i, line in enumerate(src):
                        if i >= size:
                            break
                        dst.write(line)
                log(f"memory run, {size} records ...")
                wall, py_mib, opa_mib, _ = run_batch(part, work / "out.jsonl")
                print(
                    f"  {size:>9,} records: mzpolicy {py_mib:4d} MiB, OPA {opa_mib:4d} MiB peak;"
                    f" {wall:7.1f} s, {size / wall:6.1f} decisions/s"
                )
                part.unlink()
            print()
        hours = CITY / c / 3600
        print(
            f"Whole city, ~{CITY:,} residents at (c)'s {c:.0f} decisions/s on this machine: {hours:.1f} hours"
            f" ({CITY / c / 60:.0f} min)."
        )


def opa_version() -> str:
    out = subprocess.run([str(opa_binary()), "version"], capture_output=True, text=True)
    return next((line.split(":", 1)[1].strip() for line in out.stdout.splitlines() if line.startswith("Version")), "?")


if __name__ == "__main__":
    main()
