"""Issue 13 on the roster side: a physical record is the unit (N records in,
N rows out, each at its own number, whatever the bytes), and output that was
interrupted or could not be written never looks complete.

Every decision comes from the session's real OPA (--opa-url); the signal
tests run the installed command in a process of its own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from conftest import ROOT
from mzpolicy.cli import main
from mzpolicy.opa import BatchClient
from mzpolicy.roster import engine as roster_engine

sys.path.insert(0, str(ROOT / "bench"))
from gen_roster import Generator, write

AS_OF = "2024-11-20"
ROWS = 60  # enough for every case; the machine's two cores decide ~40-200 rows a second
MZPOLICY = str(Path(sys.executable).parent / "mzpolicy")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}


def invoke(*args: str, stdin: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def roster_bytes(n: int, fmt: str, seed: int = 13) -> bytes:
    out = io.StringIO(newline="")
    write(Generator(seed).rows(n), out, fmt)
    return out.getvalue().encode("utf-8")


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def batch(path: Path, opa_url: str, *extra: str):
    return invoke("batch", str(path), "--as-of", AS_OF, "--opa-url", opa_url, *extra)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, opa_url):
    """60 generated residents as CSV and JSONL, and the rows each gives."""
    folder = tmp_path_factory.mktemp("clean")
    rosters = {}
    for fmt in ("csv", "jsonl"):
        path = folder / f"roster.{fmt}"
        path.write_bytes(roster_bytes(ROWS, fmt))
        result = batch(path, opa_url)
        assert result.exit_code == 0, result.stderr
        rosters[fmt] = (path.read_bytes(), jsonl(result.stdout))
    return rosters


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def same_rows_except(rows: list[dict], baseline: list[dict], bad: set[int]) -> None:
    assert [r["row"] for r in rows] == [r["row"] for r in baseline]
    for got, expected in zip(rows, baseline, strict=True):
        if got["row"] in bad:
            assert "error" in got, got["row"]
        else:
            assert got == expected, got["row"]


# ---------------------------------------------------------------- 1. a quote that never closes


def test_a_stray_quote_in_a_csv_name_costs_only_its_own_row(clean, opa_url, tmp_path):
    data, baseline = clean["csv"]
    lines = lines_of(data)
    header = lines[0].decode().split(",")
    name = header.index("name")
    cells = lines[20].decode().split(",")  # data row 20
    cells[name] = '"' + cells[name]
    lines[20] = ",".join(cells).encode()
    roster = tmp_path / "quote.csv"
    roster.write_bytes(b"\n".join(lines))
    result = batch(roster, opa_url)
    assert result.exit_code == 1
    rows = jsonl(result.stdout)
    assert len(rows) == ROWS
    same_rows_except(rows, baseline, {20})
    error = rows[19]["error"]
    assert error["field"] == "(row)"
    assert "quote" in error["message"] and "'name'" in error["message"] and "never closes" in error["message"]


def test_crlf_csv_and_quoted_commas_still_read(clean, opa_url, tmp_path):
    data, baseline = clean["csv"]
    lines = lines_of(data)
    header = lines[0].decode().split(",")
    name = header.index("name")
    cells = lines[7].decode().split(",")
    cells[name] = f'"{cells[name]}"'  # quoted, same value
    lines[7] = ",".join(cells).encode()
    roster = tmp_path / "crlf.csv"
    roster.write_bytes(b"\r\n".join(lines))
    rows = jsonl(batch(roster, opa_url).stdout)
    same_rows_except(rows, baseline, set())


# ---------------------------------------------------------------- 2. a bare CR


def test_a_raw_cr_inside_a_jsonl_string_is_one_error_row(clean, opa_url, tmp_path):
    data, baseline = clean["jsonl"]
    lines = lines_of(data)
    lines[9] = lines[9].replace(b'"name": "', b'"name": "\r', 1)  # row 10
    roster = tmp_path / "cr.jsonl"
    roster.write_bytes(b"\n".join(lines))
    result = batch(roster, opa_url)
    rows = jsonl(result.stdout)
    assert len(rows) == ROWS
    same_rows_except(rows, baseline, {10})
    assert rows[9]["error"]["field"] == "(row)" and "not JSON" in rows[9]["error"]["message"]


def test_a_bare_cr_inside_an_unquoted_csv_field_is_an_ordinary_character(clean, opa_url, tmp_path):
    data = clean["csv"][0]
    lines = lines_of(data)
    header = lines[0].decode().split(",")
    cells = lines[10].decode().split(",")
    cells[header.index("name")] = "张\r三"
    lines[10] = ",".join(cells).encode()
    roster = tmp_path / "cr.csv"
    roster.write_bytes(b"\n".join(lines))
    result = batch(roster, opa_url, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    out = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [int(r["row"]) for r in out] == list(range(1, ROWS + 1))
    assert out[9]["name"] == "张\r三" and out[9]["error_field"] == ""


# ---------------------------------------------------------------- 3. a number too big for Decimal


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_huge_payment_amount_is_an_error_row_and_every_row_is_written(clean, opa_url, tmp_path, fmt):
    data, baseline = clean[fmt]
    lines = lines_of(data)
    if fmt == "jsonl":
        record = json.loads(lines[4])
        record["payment"] = {"date": "2024-10-01", "amount": 1e30}
        lines[4] = json.dumps(record, ensure_ascii=False).encode()  # row 5
    else:
        header = lines[0].decode().split(",")
        cells = lines[5].decode().split(",")
        cells[header.index("payment.date")] = "2024-10-01"
        cells[header.index("payment.amount")] = "1e30"
        lines[5] = ",".join(cells).encode()
    roster = tmp_path / f"big.{fmt}"
    roster.write_bytes(b"\n".join(lines))
    result = batch(roster, opa_url)
    assert result.exit_code == 1
    rows = jsonl(result.stdout)
    same_rows_except(rows, baseline, {5})
    assert rows[4]["error"]["field"] == "resident.payment.amount"


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_amount_is_read_as_written_in_both_roster_formats(clean, opa_url, tmp_path, fmt):
    """400.0000000000000001 has more than two decimals, as OPA reads the same
    text; a float of it (400.0) would pass."""
    data, baseline = clean[fmt]
    lines = lines_of(data)
    if fmt == "jsonl":
        record = json.loads(lines[4])
        record["payment"] = {"date": "2024-10-01", "amount": "AMOUNT"}
        lines[4] = json.dumps(record, ensure_ascii=False).replace('"AMOUNT"', "400.0000000000000001").encode()
    else:
        header = lines[0].decode().split(",")
        cells = lines[5].decode().split(",")
        cells[header.index("payment.date")] = "2024-10-01"
        cells[header.index("payment.amount")] = "400.0000000000000001"
        lines[5] = ",".join(cells).encode()
    roster = tmp_path / f"written.{fmt}"
    roster.write_bytes(b"\n".join(lines))
    rows = jsonl(batch(roster, opa_url).stdout)
    same_rows_except(rows, baseline, {5})
    assert rows[4]["error"]["field"] == "resident.payment.amount"
    assert "decimals" in rows[4]["error"]["message"]


def test_an_exception_while_checking_one_row_makes_it_an_error_row(clean, opa_url, tmp_path, monkeypatch):
    data, baseline = clean["jsonl"]
    real = roster_engine.records.problems

    def problems(request):
        if request["resident"].get("name") == baseline_name:
            raise ZeroDivisionError("boom")
        return real(request)

    baseline_name = json.loads(lines_of(data)[2])["name"]
    monkeypatch.setattr(roster_engine.records, "problems", problems)
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(data)
    result = batch(roster, opa_url)
    assert result.exit_code == 1
    rows = jsonl(result.stdout)
    same_rows_except(rows, baseline, {3})
    assert rows[2]["error"]["field"] == "(row)" and rows[2]["error"]["code"] == "unreadable"
    assert "ZeroDivisionError" in rows[2]["error"]["message"]


# ---------------------------------------------------------------- 6. queries under OPA's caps


def test_queries_are_split_by_bytes_and_an_oversized_request_is_never_sent(clean, opa_url, tmp_path, monkeypatch):
    data = clean["jsonl"][0]
    sent: list[tuple[int, int]] = []  # (requests, bytes) of each batch query OPA was sent
    real_post = requests.Session.post

    def post(self, url, data=None, **kwargs):
        if url.endswith("/v1/data/mz/medins/batch/decisions"):
            sent.append((len(json.loads(data)["input"]["requests"]), len(data)))
        return real_post(self, url, data=data, **kwargs)

    cap = 5_000
    monkeypatch.setattr(roster_engine, "MAX_QUERY_BYTES", cap)
    monkeypatch.setattr(requests.Session, "post", post)
    lines = lines_of(data)
    record = json.loads(lines[20])
    record["name"] = "梅" * 100  # valid (maxLength 100), and still small
    lines[20] = json.dumps(record, ensure_ascii=False).encode()
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(b"\n".join(lines))
    result = batch(roster, opa_url, "--batch-size", "1000")
    assert result.exit_code == 0, result.stderr
    assert all(size <= cap for _, size in sent)
    assert sum(n for n, _ in sent) == ROWS and len(sent) > 1
    # Now one request alone is over the cap: it becomes an error row and is never sent.
    sent.clear()
    monkeypatch.setattr(roster_engine, "MAX_QUERY_BYTES", 500)
    result = batch(roster, opa_url)
    rows = jsonl(result.stdout)
    assert result.exit_code == 1 and len(rows) == ROWS
    error = rows[20]["error"]
    assert error["field"] == "(row)" and "bytes" in error["message"] and error["code"] == "too_large"
    assert all(r["error"]["code"] == "too_large" for r in rows if "error" in r)
    assert sum(n for n, _ in sent) == sum(1 for r in rows if "decision" in r)


def test_batch_size_over_opas_limit_is_a_usage_error(clean, opa_url, tmp_path):
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(clean["jsonl"][0])
    result = batch(roster, opa_url, "--batch-size", "1001")
    assert result.exit_code == 2 and result.stdout == ""
    assert "1000" in result.stderr


# ---------------------------------------------------------------- 4. output that is not complete says so


def test_out_file_is_private_and_appears_only_when_complete(clean, opa_url, tmp_path):
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(clean["jsonl"][0])
    out = tmp_path / "decisions.jsonl"
    result = batch(roster, opa_url, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not (tmp_path / "decisions.jsonl.partial").exists()
    assert jsonl(out.read_text(encoding="utf-8")) == clean["jsonl"][1]


def test_disk_full_is_exit_4_and_says_the_output_is_incomplete(clean, opa_url, tmp_path):
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(clean["jsonl"][0])
    result = batch(roster, opa_url, "--out", "/dev/full")
    assert result.exit_code == 4
    assert "Traceback" not in result.stderr
    assert "incomplete" in result.stderr and "No space left on device" in result.stderr


def test_output_unwritable_is_exit_4(clean, opa_url, tmp_path):
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(clean["jsonl"][0])
    result = batch(roster, opa_url, "--out", str(roster / "x.jsonl"))  # a file is no folder
    assert result.exit_code == 4 and "cannot write" in result.stderr


def _limited(bytes_: int):
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (bytes_, bytes_))

    return limit


@pytest.mark.parametrize(("fmt", "limit"), [("jsonl", 200_000), ("csv", 4_000)])
def test_a_write_that_fails_halfway_leaves_a_partial_file_to_resume(clean, opa_url, tmp_path, fmt, limit):
    """RLIMIT_FSIZE stands in for a full disk (Python ignores SIGXFSZ, so the write fails with EFBIG)."""
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(clean["jsonl"][0])
    whole = batch(roster, opa_url, "--format", fmt).stdout if fmt == "csv" else None
    out = tmp_path / f"decisions.{fmt}"
    partial = tmp_path / f"decisions.{fmt}.partial"
    args = [MZPOLICY, "batch", str(roster), "--as-of", AS_OF, "--opa-url", opa_url, "--out", str(out), "--format", fmt]
    first = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=120, preexec_fn=_limited(limit))
    assert first.returncode == 4, first.stderr
    assert "Traceback" not in first.stderr
    assert not out.exists() and partial.exists()
    assert stat.S_IMODE(partial.stat().st_mode) == 0o600
    assert "incomplete" in first.stderr and "--resume" in first.stderr
    again = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=120)
    assert again.returncode == 2 and "--resume continues it" in again.stderr  # never overwritten unasked
    second = subprocess.run([*args, "--resume"], capture_output=True, text=True, env=ENV, timeout=120)
    assert second.returncode == 0, second.stderr
    assert not partial.exists()
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        assert text == whole
    else:
        assert jsonl(text) == clean["jsonl"][1]


def test_resume_needs_a_partial_file(clean, opa_url, tmp_path):
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(clean["jsonl"][0])
    result = batch(roster, opa_url, "--out", str(tmp_path / "none.jsonl"), "--resume")
    assert result.exit_code == 2 and "no " in result.stderr and "none.jsonl.partial" in result.stderr
    result = batch(roster, opa_url, "--resume")
    assert result.exit_code == 2 and "--out" in result.stderr


def test_report_output_that_cannot_be_written_is_exit_4(clean, opa_url, tmp_path):
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(clean["jsonl"][0])
    result = invoke("report", "progress", str(roster), "--as-of", AS_OF, "--opa-url", opa_url, "--out", "/dev/full")
    assert result.exit_code == 4 and "No space left on device" in result.stderr


def test_a_report_interrupted_leaves_no_file(long_roster, opa_url, tmp_path):
    out = tmp_path / "ledger.csv"
    args = ["report", "assistance", str(long_roster), "--as-of", AS_OF, "--opa-url", opa_url, "--out", str(out)]
    proc = subprocess.Popen([MZPOLICY, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.monotonic() + 60
    while len(os.listdir(f"/proc/{proc.pid}/task")) == 1 and time.monotonic() < deadline:
        time.sleep(0.02)  # until its query threads have started: rows are being decided
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert list(tmp_path.iterdir()) == []


def test_start_row_keeps_the_original_row_numbers(clean, opa_url, tmp_path):
    roster = tmp_path / "r.jsonl"
    roster.write_bytes(clean["jsonl"][0])
    result = batch(roster, opa_url, "--start-row", "51")
    assert result.exit_code == 0, result.stderr
    assert jsonl(result.stdout) == clean["jsonl"][1][50:]


def test_a_lone_surrogate_in_csv_output_is_escaped_not_a_traceback(opa_url, tmp_path):
    roster = tmp_path / "r.jsonl"
    roster.write_text('{"name": "\\ud800", "id_type": "resident_id", "id_number": "441402199001011237"}\n')
    result = batch(roster, opa_url, "--format", "csv")
    assert result.exit_code == 1
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert row["row"] == "1" and row["name"] == "\\ud800" and row["error_field"] == "(row)"


def _run_until_rows_written(args: list[str], partial: Path) -> subprocess.Popen:
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.exists() and partial.stat().st_size > 0:
            return proc
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"no rows written in time: {proc.communicate()[1]}")


@pytest.fixture(scope="module")
def long_roster(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.jsonl"
    path.write_bytes(roster_bytes(4000, "jsonl"))
    return path


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_mid_batch_exits_at_once_and_leaves_only_a_partial_file(long_roster, opa_url, tmp_path, signum, code):
    out = tmp_path / "decisions.jsonl"
    partial = tmp_path / "decisions.jsonl.partial"
    args = [MZPOLICY, "batch", str(long_roster), "--as-of", AS_OF, "--opa-url", opa_url, "--out", str(out)]
    proc = _run_until_rows_written([*args, "--batch-size", "10"], partial)
    sent = time.monotonic()
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=30)
    took = time.monotonic() - sent
    assert proc.returncode == code, stderr
    assert took < 2.0, f"{took:.1f} s to stop"
    assert "Aborted!" not in stderr and "Traceback" not in stderr
    assert not out.exists()
    rows = [json.loads(line) for line in partial.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == list(range(1, len(rows) + 1))
    assert f"{len(rows)} rows" in stderr and f"--start-row {len(rows) + 1}" in stderr and "incomplete" in stderr


def test_sigterm_stops_the_embedded_opa_too(long_roster, tmp_path):
    out = tmp_path / "decisions.jsonl"
    partial = tmp_path / "decisions.jsonl.partial"
    args = [MZPOLICY, "batch", str(long_roster), "--as-of", AS_OF, "--out", str(out), "--batch-size", "10"]
    proc = _run_until_rows_written(args, partial)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert children, "the embedded OPA is a child process"
    proc.terminate()
    proc.communicate(timeout=30)
    assert proc.returncode == 143
    for pid in map(int, children):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_resume_after_an_interrupt_gives_the_whole_roster(long_roster, opa_url, tmp_path):
    head = tmp_path / "head.jsonl"
    head.write_bytes(b"\n".join(long_roster.read_bytes().split(b"\n")[:120]) + b"\n")
    out = tmp_path / "decisions.jsonl"
    partial = tmp_path / "decisions.jsonl.partial"
    args = [MZPOLICY, "batch", str(head), "--as-of", AS_OF, "--opa-url", opa_url, "--out", str(out)]
    proc = _run_until_rows_written([*args, "--batch-size", "10"], partial)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    # A torn last line (as a crash could leave) is dropped and decided again.
    with partial.open("ab") as f:
        f.write(b'{"row": 99')
    resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True, env=ENV, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    whole = invoke("batch", str(head), "--as-of", AS_OF, "--opa-url", opa_url)
    assert out.read_text(encoding="utf-8") == whole.stdout


# ---------------------------------------------------------------- 13. CSV injection


FORMULAS = ["=1+2", "@SUM(A1)", "+1", "-1+2", "\t=1", '=HYPERLINK("http://x")']


def test_csv_output_neutralises_formulas_in_input_text(opa_url, tmp_path):
    rows = [
        {"name": name, "id_type": "resident_id", "id_number": "441402199001011237", "hukou_region": "441402"}
        for name in FORMULAS
    ]
    rows.append({"name": "=bad", "id_type": "resident_id", "id_number": "=1+2"})
    roster = tmp_path / "r.jsonl"
    roster.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = batch(roster, opa_url, "--format", "csv")
    out = list(csv.reader(io.StringIO(result.stdout)))
    cells = [c for line in out[1:] for c in line]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or c.startswith("-1")]
    assert [line[2] for line in out[1:]] == ["'" + f for f in FORMULAS] + ["'=bad"]
    assert out[-1][1] == "'=1+2"


def test_report_csv_neutralises_formulas_in_input_text(opa_url, tmp_path):
    rows = [
        {
            "name": "=cmd|' /C calc'!A0",
            "id_type": "resident_id",
            "id_number": "441402199001011237",
            "hukou_region": "441402",
            "identities": ["subsistence_allowance"],
        },
        {
            "name": "@SUM(A1)",
            "id_type": "resident_id",
            "id_number": "441402199001011237",
            "hukou_region": "441402",
            "employee_insurance": True,
            "payment": {"date": "2024-10-01", "amount": 400},
        },
    ]
    roster = tmp_path / "r.jsonl"
    roster.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "ledger.csv"
    for command in ("assistance", "duplicates"):
        result = invoke(
            "report", command, str(roster), "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv", "--out", str(out)
        )
        assert result.exit_code == 0, result.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        text = out.read_text(encoding="utf-8")
        cells = [c for line in csv.reader(io.StringIO(text)) for c in line]
        assert "'=cmd|' /C calc'!A0" in cells or "'@SUM(A1)" in cells
        assert not [c for c in cells if c[:1] in ("=", "+", "@")]


def test_a_chunk_of_error_rows_is_bounded_by_the_bytes_of_its_lines():
    """Error rows keep their record for the output: a chunk of them must not
    hold a thousand 1 MiB lines. (No query is made: no row has a body.)"""
    from mzpolicy.opa import Endpoint

    rows = (roster_engine.Row(n, error={"field": "(row)", "message": "x"}, size=1 << 20) for n in range(1, 21))
    chunks: list[int] = []
    client = BatchClient(Endpoint("127.0.0.1", 9))
    out = list(roster_engine.run(rows, client, batch_size=250, on_batch=chunks.append))
    assert [r.n for r in out] == list(range(1, 21))
    assert max(chunks) <= roster_engine.MAX_QUERY_BYTES >> 20
