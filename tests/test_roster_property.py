"""Property test of issue 13's rule: a physical record is the unit. Whatever
bytes a roster's lines hold, N records in give N rows out, each at its own
row number, a corrupted record at worst an error row of its own, and every
untouched record the very row it gives in the clean roster.

Rosters come from the seeded generator (bench/gen_roster.py); hypothesis
corrupts some of their lines: stray quotes, bare CRs, NULs, huge and tiny
numbers, lone surrogates, BOMs, bytes that are not UTF-8, CRLF endings, and a
truncated last line. The CLI runs in-process against the session's OPA.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from conftest import ROOT
from mzpolicy.cli import main

sys.path.insert(0, str(ROOT / "bench"))
from gen_roster import Generator, write

AS_OF = "2024-11-20"
RECORDS = 10
EXAMPLES = 30  # per input format

NUMBERS = ["1e30", "1E26", "1e-30", "5e-324", "1e400", "-1e400", "1" * 30, "1" * 5000, "0.001", "4e2", "NaN", "-0"]
NOT_UTF8 = [b"\xff", b"\xed\xa0\x80", b"\xc3", b"\x80\x80"]  # the middle one: a surrogate, UTF-8-encoded
KINDS = ["quote", "cr", "nul", "number", "surrogate", "bom", "not_utf8", "crlf"]


def roster(fmt: str) -> bytes:
    out = io.StringIO(newline="")
    write(Generator(2013).rows(RECORDS), out, fmt)
    return out.getvalue().encode("utf-8")


def invoke(path: Path, opa_url: str, out_fmt: str):
    args = ["batch", str(path), "--as-of", AS_OF, "--opa-url", opa_url, "--format", out_fmt]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def rows_of(text: str, out_fmt: str) -> list:
    if out_fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


def row_number(row, out_fmt: str) -> int:
    return row["row"] if out_fmt == "jsonl" else int(row[0])


@pytest.fixture(scope="module")
def clean(opa_url):
    """Each input format's clean roster and the rows it gives in each output format."""
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("jsonl", "csv"):
            data = roster(fmt)
            path = Path(folder) / f"clean.{fmt}"
            path.write_bytes(data)
            for out_fmt in ("jsonl", "csv"):
                result = invoke(path, opa_url, out_fmt)
                assert result.exit_code == 0, result.stderr
                out[fmt, out_fmt] = rows_of(result.stdout, out_fmt)
            out[fmt] = data
    return out


def _insert(line: bytes, at: int, what: bytes) -> bytes:
    return line[:at] + what + line[at:]


@st.composite
def corruption(draw, line: bytes, fmt: str, header: list[str]) -> bytes:
    kind = draw(st.sampled_from(KINDS))
    at = draw(st.integers(0, len(line)))
    if kind == "quote":
        return _insert(line, at, b'"')
    if kind == "cr":
        return _insert(line, at, b"\r")
    if kind == "nul":
        return _insert(line, at, b"\x00")
    if kind == "bom":
        return _insert(line, at, b"\xef\xbb\xbf")
    if kind == "not_utf8":
        return _insert(line, at, draw(st.sampled_from(NOT_UTF8)))
    if kind == "crlf":
        return line + b"\r"
    if kind == "surrogate":
        if fmt == "jsonl":
            return line.replace(b'"name": "', b'"name": "\\ud800', 1)
        return _insert(line, at, b"\xed\xa0\x80")
    number = draw(st.sampled_from(NUMBERS)).encode()
    if fmt == "jsonl":
        try:
            record = json.loads(line)
        except ValueError:  # corrupted already: the number goes in as text
            return _insert(line, at, b'"amount": ' + number)
        record["payment"] = {"date": "2024-10-01", "amount": 0}
        return json.dumps(record).encode().replace(b'"amount": 0}', b'"amount": ' + number + b"}")
    cells = line.split(b",")
    cells[header.index("payment.date")] = b"2024-10-01"
    cells[header.index("payment.amount")] = number
    return b",".join(cells)


@st.composite
def corrupted_roster(draw, data: bytes, fmt: str) -> tuple[bytes, set[int]]:
    """The roster with some records corrupted, and their row numbers."""
    lines = data.removesuffix(b"\n").split(b"\n")
    first = 1 if fmt == "csv" else 0  # the CSV header stays readable
    header = lines[0].decode().split(",") if fmt == "csv" else []
    touched = draw(st.sets(st.integers(first, len(lines) - 1), max_size=4))
    for i in touched:
        for _ in range(draw(st.integers(1, 2))):
            lines[i] = draw(corruption(lines[i], fmt, header))
    ending = b"\n"
    if draw(st.booleans()):
        # A truncated last line: cut, with no LF, but after the first byte
        # of its first cell that is not empty, so that it is still a record.
        last = lines[-1]
        keep = len(last) - len(last.lstrip(b",")) + 1
        lines[-1] = last[: draw(st.integers(keep, len(last)))]
        touched.add(len(lines) - 1)
        ending = b""
    if draw(st.booleans()):
        lines[0] = b"\xef\xbb\xbf" + lines[0]  # a BOM at the start is no corruption at all
    return b"\n".join(lines) + ending, {i + 1 - first for i in touched}


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_n_records_in_give_n_rows_out_whatever_the_bytes(clean, opa_url, fmt):
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data):
        corrupted, touched = data.draw(corrupted_roster(clean[fmt], fmt))
        out_fmt = data.draw(st.sampled_from(["jsonl", "csv"]))
        note(f"corrupted rows {sorted(touched)}, output {out_fmt}: {corrupted!r}")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"roster.{fmt}"
            path.write_bytes(corrupted)
            result = invoke(path, opa_url, out_fmt)
        assert result.exit_code in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
        rows = rows_of(result.stdout, out_fmt)
        baseline = clean[fmt, out_fmt]
        assert [row_number(r, out_fmt) for r in rows] == list(range(1, RECORDS + 1))
        for n, (got, expected) in enumerate(zip(rows, baseline, strict=True), start=1):
            if n not in touched:
                assert got == expected, n
            elif out_fmt == "jsonl":
                assert set(got) in ({"row", "decision"}, {"row", "error"})
                if "error" in got:
                    assert got["error"]["field"] and got["error"]["message"]
            else:
                assert len(got) == len(expected)
        assert (result.exit_code == 1) == any(("error" in r) if out_fmt == "jsonl" else bool(r[-1]) for r in rows)

    check()
