"""mzpolicy-spark (issue #15) in local[2] against `mzpolicy batch` on the same roster.

Every run is a real Spark job (PySpark 3.5 local mode, a JVM) whose Python
workers each start the pinned OPA: no fake OPA, no fake Spark. The set-up
installs pyspark and a Java runtime, so these tests run in CI; they are
never skipped for want of either (a missing one fails them).

A module-scoped fixture runs each roster once; the tests read its output.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

SPARK = [sys.executable, "-m", "mzpolicy_spark"]
AS_OF = "2024-11-20"
# Spark's own start-up, the OPA of each Python worker, and the jobs; a run here takes ~30 s.
TIMEOUT = 300
FAST = ["--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=4"]


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MZPOLICY_", "PYSPARK_", "SPARK_"))}
    env.update(extra or {})
    return env


def _run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=_env(env), timeout=TIMEOUT)


def _roster(tmp: Path) -> tuple[Path, list[str]]:
    """600 rows (and two blank lines): generated residents with bad rows, and
    the lines a reader that splits otherwise than on LF would get wrong."""
    out = tmp / "roster.jsonl"
    subprocess.run(
        [sys.executable, "bench/gen_roster.py", "598", "--seed", "15", "--bad-rate", "0.05", "--out", str(out)],
        cwd=ROOT,
        check=True,
    )
    lines = out.read_bytes().split(b"\n")[:-1]
    lines.insert(40, lines[3])  # the same person twice (duplicates)
    lines.insert(80, lines[5])
    lines[0] = b"\xef\xbb\xbf" + lines[0]  # a BOM
    lines[10] += b"\r"  # CRLF
    lines[20] = lines[20].replace(b'"name": "', b'"name": "a\rb', 1)  # a bare CR: one (error) row, not two
    lines[30] = b'{"name": "\xff\xfe", "id_type": "resident_id"}'  # not UTF-8
    lines[50] = lines[50].replace(b'"name": "', b'"name": "\\ud800', 1)  # a lone surrogate escape
    lines[70] = b'{"name": "' + b"x" * (1 << 20) + b'"}'  # longer than a record may be: an error row
    lines.insert(60, b"")  # blank lines take no row number
    lines.insert(61, b"   ")
    out.write_bytes(b"\n".join(lines))  # no LF after the last line
    return out, [ln.decode("utf-8", "replace") for ln in lines]


def _personal(lines: list[str]) -> set[str]:
    """The ID numbers and names of the roster: what no log may show."""
    found = set()
    for line in lines:
        found.update(re.findall(r"[0-9]{17}[0-9X]", line))
        found.update(n for n in re.findall(r'"name": "([^"]+)"', line) if len(n) >= 4)
    return found


def _opa_left(run_id: str) -> list[int]:
    """Processes started with this run's marker in their environment (the workers' OPAs)."""
    marker = f"MZPOLICY_SPARK_RUN={run_id}".encode()
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            left.append(int(pid))
    return left


def _no_opa_left(run_id: str) -> list[int]:
    # The kernel's parent-death signal is delivered as the workers exit, just after the CLI does.
    deadline = time.monotonic() + 10
    while (left := _opa_left(run_id)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _event_logs(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("spark")
    roster, lines = _roster(tmp)
    batch = _run([sys.executable, "-m", "mzpolicy", "batch", str(roster), "--as-of", AS_OF, "--out", str(tmp / "b")])
    assert batch.returncode == 1, batch.stderr  # some rows are errors
    out: dict[str, Any] = {"tmp": tmp, "roster": roster, "lines": lines, "batch": (tmp / "b").read_text("utf-8")}
    events = tmp / "events"
    events.mkdir()
    logged = ["--conf", "spark.eventLog.enabled=true", "--conf", f"spark.eventLog.dir=file://{events}"]
    common = [str(roster), "--master", "local[2]", "--as-of", AS_OF, *FAST, *logged]
    out["jsonl"] = _run(
        [*SPARK, "batch", str(roster), str(tmp / "j"), "--format", "jsonl", "--partitions", "4", *common[1:]]
    )
    # One worker's OPA is killed (SIGKILL) after its second batch of partition 1, on the task's first attempt.
    out["killed"] = _run(
        [
            *SPARK,
            "batch",
            str(roster),
            str(tmp / "k"),
            "--format",
            "jsonl",
            "--partitions",
            "4",
            "--batch-size",
            "20",
            *common[1:],
        ],
        env={"MZPOLICY_SPARK_TEST_KILL_OPA": "1:2"},
    )
    out["parquet"] = _run([*SPARK, "batch", str(roster), str(tmp / "p"), "--partitions", "3", *common[1:]])
    out["events"] = _event_logs(events)
    return out


def _part_lines(run: Path) -> str:
    return "".join(p.read_text("utf-8") for p in sorted((run / "rows").glob("part-*")))


def _manifest(run: Path) -> dict[str, Any]:
    return json.loads((run / "_manifest.json").read_text("utf-8"))


def test_jsonl_rows_are_mzpolicy_batch_rows_byte_for_byte(runs: dict[str, Any]) -> None:
    result = runs["jsonl"]
    assert result.returncode == 1, result.stderr[-3000:]
    run = runs["tmp"] / "j"
    assert (run / "_SUCCESS").exists() and (run / "rows" / "_SUCCESS").exists()
    assert len(list((run / "rows").glob("part-*"))) == 4
    spark_rows = _part_lines(run)
    assert spark_rows == runs["batch"]
    assert len(spark_rows.splitlines()) == 600
    summary = _manifest(run)["summary"]
    errors = sum('"error": ' in line[:40] for line in runs["batch"].splitlines())
    assert (summary["rows"], summary["errors"]) == (600, errors)
    assert f"rows 600: decisions {600 - errors}" in result.stderr
    assert not _no_opa_left(_manifest(run)["run_id"])


def test_an_opa_killed_mid_partition_neither_loses_nor_duplicates_a_row(runs: dict[str, Any]) -> None:
    result = runs["killed"]
    assert result.returncode == 1, result.stderr[-3000:]
    # The task failed once (its OPA was gone) and Spark ran it again.
    assert "Lost task 1.0" in result.stderr, result.stderr[-3000:]
    assert "could not be reached" in result.stderr
    run = runs["tmp"] / "k"
    assert _part_lines(run) == runs["batch"]
    assert _manifest(run)["summary"]["distinct_rows"] == 600
    assert not _no_opa_left(_manifest(run)["run_id"])


def test_parquet_sorted_by_row_is_the_jsonl(runs: dict[str, Any]) -> None:
    import pyspark  # noqa: F401 - the set-up installs it; an ImportError here is a failure, not a skip

    result = runs["parquet"]
    assert result.returncode == 1, result.stderr[-3000:]
    run = runs["tmp"] / "p"
    rows = _read_parquet(run / "rows")
    assert [r["row"] for r in rows] == list(range(1, 601))
    lines = []
    for r in rows:
        kind = "decision" if r["error"] is None else "error"
        lines.append(json.dumps({"row": r["row"], kind: json.loads(r[kind])}, ensure_ascii=False))
    expected = runs["batch"].splitlines()
    # Lone surrogates were written as their escape by both: compare as JSON would read them back.
    assert [json.loads(a) for a in lines] == [json.loads(b) for b in expected]
    # The typed headline columns say what the decision says.
    for r in rows:
        if r["error"] is None:
            d = json.loads(r["decision"])
            assert r["eligible"] is d["eligible"]
            assert r["payment_status"] == d["payment"]["status"]
            assert r["policy_year"] == d["policy_year"]
            assert (r["amount_due"] is None) == (d["payment"]["amount_due"] is None)
        else:
            assert r["error_field"] == json.loads(r["error"])["field"]
    assert not _no_opa_left(_manifest(run)["run_id"])


def _read_parquet(folder: Path) -> list[dict[str, Any]]:
    """The rows, read by a separate Spark (the test process keeps no JVM)."""
    script = (
        "import json,sys\n"
        "from pyspark.sql import SparkSession\n"
        "s = SparkSession.builder.master('local[1]').config('spark.ui.enabled','false').getOrCreate()\n"
        "rows = s.read.parquet(sys.argv[1]).orderBy('row').collect()\n"
        "json.dump([r.asDict() for r in rows], sys.stdout, default=str)\n"
        "s.stop()\n"
    )
    done = _run([sys.executable, "-c", script, str(folder)])
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout)
    for r in rows:
        r["eligible"] = r["eligible"] if r["eligible"] is None else bool(r["eligible"])
    return rows


def test_no_id_number_or_name_in_task_failures_or_event_logs(runs: dict[str, Any]) -> None:
    personal = _personal(runs["lines"])
    assert len(personal) > 500
    assert "ExceptionFailure" in runs["events"] or "TaskFailed" in runs["events"] or "Lost task" in runs["events"]
    for name in ("jsonl", "killed", "parquet"):
        shown = [p for p in personal if p in runs[name].stderr]
        assert not shown, f"{name}: standard error shows {len(shown)} ID numbers or names"
    shown = [p for p in personal if p in runs["events"]]
    assert not shown, f"the event logs show {len(shown)} ID numbers or names"


def test_an_unloaded_year_fails_before_spark_starts(tmp_path: Path) -> None:
    roster = tmp_path / "r.jsonl"
    roster.write_text('{"id_type": "resident_id", "id_number": "441402199001011237"}\n', encoding="utf-8")
    result = _run([*SPARK, "batch", str(roster), str(tmp_path / "out"), "--year", "2019", "--master", "local[2]"])
    assert result.returncode == 2, result.stderr
    assert "policy year 2019 is not loaded" in result.stderr
    assert "SparkContext" not in result.stderr and not (tmp_path / "out").exists()


def test_an_existing_output_is_refused(runs: dict[str, Any]) -> None:
    run = runs["tmp"] / "j"
    result = _run([*SPARK, "batch", str(runs["roster"]), str(run), "--master", "local[1]", "--as-of", AS_OF, *FAST])
    assert result.returncode == 2 and "exists" in result.stderr
    assert _part_lines(run) == runs["batch"]


def test_reports_on_the_decided_output_are_mzpolicy_reports(runs: dict[str, Any]) -> None:
    for kind in ("progress", "assistance", "duplicates"):
        ours = _run([*SPARK, "report", kind, str(runs["tmp"] / "p"), "--lang", "en", "--master", "local[2]", *FAST])
        theirs = _run(
            [sys.executable, "-m", "mzpolicy", "report", kind, str(runs["roster"]), "--as-of", AS_OF, "--lang", "en"]
        )
        # Exit 1 where rows are errors (the roster has some, left out of the figures), 0 otherwise.
        assert theirs.returncode in (0, 1) and "Traceback" not in theirs.stderr, theirs.stderr[-3000:]
        assert ours.returncode == theirs.returncode, ours.stderr[-3000:]
        assert ours.stdout == theirs.stdout, kind
        if kind == "progress":
            assert theirs.returncode == 1  # the roster's error rows, counted below the table
        if kind == "assistance":
            # The roster has fully subsidised people, so the compared ledger lists some (title, header, rule, rows).
            persons = [line for line in theirs.stdout.split("\n\n")[1].splitlines()[2:] if line.strip()]
            assert theirs.returncode == 1 and len(persons) > 10, theirs.stdout[:3000]


def test_a_parquet_table_with_the_csv_columns_gives_the_rows_of_the_csv(tmp_path: Path) -> None:
    csv_roster = tmp_path / "r.csv"
    subprocess.run(
        [
            sys.executable,
            "bench/gen_roster.py",
            "300",
            "--seed",
            "7",
            "--bad-rate",
            "0.05",
            "--format",
            "csv",
            "--out",
            str(csv_roster),
        ],
        cwd=ROOT,
        check=True,
    )
    with open(csv_roster, encoding="utf-8", newline="") as f:
        kept = [row for row in csv.reader(f) if row != ['{"broken']]  # a torn CSV line has no table form
    with open(csv_roster, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(kept)
    table = tmp_path / "r.parquet"
    script = (
        "import sys\n"
        "from pyspark.sql import SparkSession, functions as F\n"
        "s = SparkSession.builder.master('local[1]').config('spark.ui.enabled','false').getOrCreate()\n"
        "df = s.read.option('header', True).csv(sys.argv[1])\n"
        "df = df.withColumn('ref', F.concat(F.lit('K'), F.monotonically_increasing_id()))\n"
        "df = df.withColumn('rural', F.col('rural').cast('boolean'))\n"
        "df.coalesce(1).write.parquet(sys.argv[2])\n"
        "s.stop()\n"
    )
    made = _run([sys.executable, "-c", script, str(csv_roster), str(table)])
    assert made.returncode == 0, made.stderr[-3000:]
    batch = _run(
        [sys.executable, "-m", "mzpolicy", "batch", str(csv_roster), "--as-of", AS_OF, "--out", str(tmp_path / "b")]
    )
    assert batch.returncode == 1, batch.stderr
    options = ["--key", "ref", "--master", "local[2]", "--partitions", "2", "--as-of", AS_OF, *FAST]
    result = _run([*SPARK, "batch", str(table), str(tmp_path / "o"), *options])
    assert result.returncode == 1, result.stderr[-3000:]
    rows = _read_parquet(tmp_path / "o" / "rows")
    expected = [json.loads(line) for line in (tmp_path / "b").read_text("utf-8").splitlines()]
    assert len(rows) == len(expected) == len(kept) - 1
    assert [
        {
            "row": r["row"],
            **({"error": json.loads(r["error"])} if r["error"] else {"decision": json.loads(r["decision"])}),
        }
        for r in rows
    ] == expected
    assert [r["key"] for r in rows] == [f"K{i}" for i in range(len(rows))]
