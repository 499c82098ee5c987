"""mzpolicy-spark's cost here, and what it says for a province (issue #15).

    .venv/bin/python bench/spark_scale.py [--rows 4000] [--rounds 1] [--json FILE]

Runs `mzpolicy-spark batch` (the CLI as an operator runs it, JVM start-up
included) on a seeded synthetic roster (bench/gen_roster.py) in local[1]
and local[2], each on a tiny roster (20 rows: the fixed cost of a job) and
on `--rows` rows, and `mzpolicy batch` on the same rows for reference. From
the wall times:

- fixed cost per job F(w) = T(20 rows, w workers), per-row cost
  (T(N) - F) / N, decisions per second per core N / (T(N) - F) / w;
- scaling efficiency = rate(2 workers) / (2 x rate(1 worker));
- the time for 4 M and 60 M residents on 32, 64 and 200 cores:
  F + R / (cores x the per-core rate at 2 workers on this machine's 2
  cores), i.e. every node's cores as busy as local[2] keeps these two (a
  Python worker and its OPA per task, all cores taken); a cluster's nodes
  do not share cores, so the rate per core is held as the cores grow.
- the CPU per row of the Python workers and of their OPAs (/proc), which
  says how many cores one task keeps busy.

Not a test: numbers move with whatever else runs on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2024-11-20"
CONF = ["--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=4"]


def roster(folder: Path, n: int) -> Path:
    out = folder / f"r{n}.jsonl"
    subprocess.run(
        [sys.executable, "bench/gen_roster.py", str(n), "--seed", "2025", "--out", str(out)], cwd=ROOT, check=True
    )
    return out


TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _workers_and_opas() -> dict[int, str]:
    """The workers' OPAs (by the marker mzpolicy-spark puts in their
    environment) and their parents, the Python workers."""
    found: dict[int, str] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if b"MZPOLICY_SPARK_RUN=" in environ:
            found[int(pid)] = "opa"
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                found[parent] = "python"
    return found


def spark_time(path: Path, workers: int, folder: Path) -> tuple[float, dict[str, float]]:
    """Wall time of one run, and the CPU seconds of its Python workers and
    their OPAs (sampled from /proc while it runs: a lower bound by at most
    one sampling interval per process)."""
    out = folder / f"out-{path.stem}-{workers}-{time.monotonic_ns()}"
    started = time.perf_counter()
    options = ["--master", f"local[{workers}]", "--partitions", str(2 * workers), "--as-of", AS_OF, *CONF]
    proc = subprocess.Popen(
        [sys.executable, "-m", "mzpolicy_spark", "batch", str(path), str(out), *options],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: dict[int, tuple[str, float]] = {}
    stderr_chunks: list[str] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()), daemon=True)
    reader.start()
    while proc.poll() is None:
        for pid, kind in _workers_and_opas().items():
            cpu = _cpu(pid)
            if cpu is not None:
                seen[pid] = (kind, max(cpu, seen.get(pid, (kind, 0.0))[1]))
        time.sleep(0.2)
    reader.join()
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"mzpolicy-spark failed:\n{''.join(stderr_chunks)[-3000:]}")
    shutil.rmtree(out, ignore_errors=True)
    cpu = {"python": 0.0, "opa": 0.0}
    for kind, seconds in seen.values():
        cpu[kind] += seconds
    return elapsed, cpu


def batch_time(path: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mzpolicy", "batch", str(path), "--as-of", AS_OF, "--out", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"mzpolicy batch failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=4000)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mzpolicy-spark-bench-") as tmp:
        folder = Path(tmp)
        tiny, big = roster(folder, 20), roster(folder, args.rows)
        times: dict[str, list[float]] = {k: [] for k in ("F1", "F2", "T1", "T2", "batch")}
        cpus: dict[str, list[dict[str, float]]] = {"T1": [], "T2": []}
        for _ in range(args.rounds):  # interleaved, medians reported
            for key, path, workers in (("F1", tiny, 1), ("T1", big, 1), ("F2", tiny, 2), ("T2", big, 2)):
                elapsed, cpu = spark_time(path, workers, folder)
                times[key].append(elapsed)
                if key in cpus:
                    cpus[key].append(cpu)
            times["batch"].append(batch_time(big))
    m = {k: statistics.median(v) for k, v in times.items()}
    n = args.rows
    cpu_ms = {
        k: {kind: 1000 * statistics.median(c[kind] for c in v) / n for kind in ("python", "opa")}
        for k, v in cpus.items()
    }
    rate1 = n / (m["T1"] - m["F1"])  # one worker = one core
    rate2 = n / (m["T2"] - m["F2"]) / 2
    efficiency = rate2 / rate1
    fixed = max(m["F1"], m["F2"])
    figures = {
        "rows": n,
        "median_seconds": m,
        "fixed_cost_s": {"local[1]": m["F1"], "local[2]": m["F2"]},
        "per_row_ms": {"local[1]": 1000 / rate1, "local[2]": 1000 / (2 * rate2)},
        "decisions_per_s_per_core": {"local[1]": rate1, "local[2]": rate2},
        "scaling_efficiency_1_to_2": efficiency,
        "mzpolicy_batch_decisions_per_s": n / m["batch"],
        "cpu_ms_per_row": cpu_ms,
        "load_average": os.getloadavg(),
        "estimates_s": {},
    }
    print(f"rows {n}; median wall times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in m.items()))
    print(f"fixed cost of a job: local[1] {m['F1']:.1f} s, local[2] {m['F2']:.1f} s (20 rows)")
    print(f"decisions/s per core: 1 worker {rate1:.0f}, 2 workers {rate2:.0f}; scaling efficiency {efficiency:.2f}")
    print(
        f"per-row cost: {1000 / rate1:.2f} ms of wall time on one worker; mzpolicy batch here: {n / m['batch']:.0f}/s"
    )
    for k, c in cpu_ms.items():
        print(f"CPU per row ({k}): Python worker {c['python']:.2f} ms, its OPA {c['opa']:.2f} ms")
    print(f"load average at the end: {os.getloadavg()}")
    # From CPU: a core decides 1000 / (Python + OPA ms per row) rows a second
    # when every core is busy; the CPU per row from 1 to 2 workers is the
    # scaling efficiency that contention from other work on the machine does
    # not move (wall time it does).
    cpu1 = sum(cpu_ms["T1"].values())
    cpu2 = sum(cpu_ms["T2"].values())
    figures["cpu_scaling_efficiency_1_to_2"] = cpu1 / cpu2
    figures["cpu_decisions_per_s_per_core"] = 1000 / cpu2
    print(
        f"CPU per decision: 1 worker {cpu1:.2f} ms, 2 workers {cpu2:.2f} ms: efficiency {cpu1 / cpu2:.2f},"
        f" {1000 / cpu2:.0f} decisions/s per busy core"
    )
    for label, rate in (("wall time, 2 workers", rate2), ("CPU, 2 workers", 1000 / cpu2)):
        print(f"estimates from {label} ({rate:.0f} decisions/s per core) plus the fixed cost {fixed:.0f} s:")
        print("| residents | 32 cores | 64 cores | 200 cores |")
        print("|---|---:|---:|---:|")
        for residents in (4_000_000, 60_000_000):
            cells = []
            for cores in (32, 64, 200):
                seconds = fixed + residents / (cores * rate)
                figures["estimates_s"][f"{label}: {residents}@{cores}"] = seconds
                cells.append(hours(seconds))
            print(f"| {residents // 1_000_000} M | " + " | ".join(cells) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
