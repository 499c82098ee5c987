"""Rosters (issue #5): `mzpolicy batch` writes one row per input row, in
order, whatever the rows hold, and the reports' totals match the figures
worked out by hand from the 2025 notice in fixtures/rosters/README.md.

Every decision comes from a real OPA: the session's server through
--opa-url, one embedded run, and one server whose policy was given a rule
conflict for one marked resident, so that OPA really fails on that row.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from mzpolicy.cli import main
from mzpolicy.paths import POLICIES, opa_binary
from mzpolicy.records import check_digit

ROSTERS = ROOT / "fixtures" / "rosters"
SAMPLE_JSONL = str(ROSTERS / "county-sample.jsonl")
SAMPLE_CSV = str(ROSTERS / "county-sample.csv")
AS_OF = "2024-11-20"  # in the 2025 collection window (2024-09-15..2024-12-31)


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def table(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def blocks(text: str) -> list[list[dict]]:
    """A CSV report's tables, separated by blank lines."""
    return [table(block) for block in text.strip("\n").split("\n\n")]


def id_number(region: str, birth: str, sequence: str) -> str:
    first17 = region + birth + sequence
    return first17 + check_digit(first17)


# ---------------------------------------------------------------- batch


def test_batch_writes_every_row_in_order_with_bad_rows_mixed_in(opa_url):
    result = invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--batch-size", "4", "--lang", "en")
    assert result.exit_code == 1, result.stderr
    rows = jsonl(result.stdout)
    assert [r["row"] for r in rows] == list(range(1, 18))
    errors = {r["row"]: r["error"] for r in rows if "error" in r}
    assert set(errors) == {16, 17}
    assert errors[16]["field"] == "resident.id_number" and "check digit" in errors[16]["message"]
    assert errors[17]["field"] == "(row)" and "not JSON" in errors[17]["message"]
    for r in rows:
        assert set(r) in ({"row", "decision"}, {"row", "error"})
    decisions = {r["row"]: r["decision"] for r in rows if "decision" in r}
    assert [n for n, d in decisions.items() if not d["eligible"]] == [5, 12]
    # 2025 二 and 五(三): 400 yuan a year, 0 for the fully subsidised.
    due = {n: d["contribution"]["individual_due"] for n, d in decisions.items() if d["eligible"]}
    assert sorted(n for n, v in due.items() if v == 0) == [3, 7, 8, 9, 13, 15]
    assert all(v == 400 for n, v in due.items() if n not in (3, 7, 8, 9, 13, 15))
    summary = result.stderr
    assert "rows 17: decisions 15 (eligible 13, ineligible 2), errors 2" in summary
    assert "2,800.00 yuan" in summary  # 7 x 400 individual share due
    assert "payments on record accepted: 4, 1,600.00 yuan" in summary
    assert "county_government 4 persons 1,600.00 yuan; medical_assistance 2 persons 800.00 yuan" in summary


def test_csv_roster_gives_the_same_decisions_as_jsonl(opa_url):
    from_jsonl = jsonl(invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url).stdout)
    result = invoke("batch", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url)
    assert result.exit_code == 1
    from_csv = jsonl(result.stdout)
    assert from_csv[:16] == from_jsonl[:16]
    assert from_csv[16]["error"]["field"] == "resident.employee_insurance"
    assert "'maybe' is not true or false" in from_csv[16]["error"]["message"]


def test_csv_output_has_one_row_per_input_row(opa_url, tmp_path):
    out = tmp_path / "decisions.csv"
    result = invoke("batch", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv", "--out", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    rows = table(out.read_text(encoding="utf-8"))
    assert [r["row"] for r in rows] == [str(n) for n in range(1, 18)]
    assert rows[2]["assistance_source"] == "medical_assistance" and rows[2]["individual_due"] == "0"
    assert rows[3]["payment_accepted"] == "false"
    assert "not_in_employee_insurance" in rows[4]["failed_rules"].split(";")
    assert rows[15]["error_field"] == "resident.id_number"


def test_embedded_opa_and_stdin(tmp_path):
    """The default: the CLI starts the pinned OPA itself, as eval does."""
    lines = Path(SAMPLE_JSONL).read_text(encoding="utf-8").splitlines()[:3]
    # The installed command: `python -m mzpolicy.cli` runs cli.py as __main__,
    # a second copy of the module that the roster commands do not register on.
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mzpolicy"), "batch", "-", "--as-of", AS_OF],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = jsonl(result.stdout)
    assert [r["row"] for r in rows] == [1, 2, 3]
    assert rows[2]["decision"]["contribution"]["assistance"] == {"source": "medical_assistance", "amount": 400}


# A rule conflict for one marked resident only: OPA answers HTTP 500 for any
# query that holds that resident, and decides everyone else.
CONFLICT = """package mz.medins.rules.contribution

individual := 1 if input.resident.name == "OPA-CONFLICT"
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def conflicted_opa_url(tmp_path_factory) -> Iterator[str]:
    bundle = tmp_path_factory.mktemp("conflicted") / "policies"
    shutil.copytree(POLICIES, bundle, ignore=shutil.ignore_patterns("*_test.rego"))
    (bundle / "mz" / "medins" / "rules" / "zz_conflict.rego").write_text(CONFLICT, encoding="utf-8")
    port = _free_port()
    command = [str(opa_binary()), "run", "--server", "--skip-version-check", "--log-level", "error"]
    proc = subprocess.Popen(
        [*command, "--addr", f"127.0.0.1:{port}", "--bundle", str(bundle)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=0.5):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("the conflicted OPA did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_row_that_makes_opa_fail_is_isolated_by_splitting(conflicted_opa_url, tmp_path):
    records = []
    for i in range(9):
        records.append(
            {
                "name": "OPA-CONFLICT" if i == 5 else f"居民{i}",
                "id_type": "resident_id",
                "id_number": id_number("441402", "19800101", f"{i:03d}"),
                "hukou_region": "441402",
            }
        )
    roster = tmp_path / "roster.jsonl"
    roster.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    result = invoke("batch", str(roster), "--as-of", AS_OF, "--opa-url", conflicted_opa_url, "--batch-size", "4")
    assert result.exit_code == 1, result.stderr
    rows = jsonl(result.stdout)
    assert [r["row"] for r in rows] == list(range(1, 10))
    assert [r["row"] for r in rows if "error" in r] == [6]
    error = rows[5]["error"]
    assert error["field"] == "(policy)" and error["code"] == "opa_error"
    assert "conflict" in error["message"]
    assert all(r["decision"]["eligible"] for r in rows if "decision" in r)


def test_unknown_csv_column_is_a_usage_error_before_any_output(opa_url, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,id_type,id_number,payment.amout\n张三,resident_id,441402198005050116,400\n")
    result = invoke("batch", str(roster), "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "payment.amout" in result.stderr


def test_year_not_loaded_is_a_usage_error(opa_url):
    result = invoke("batch", SAMPLE_JSONL, "--year", "2031", "--opa-url", opa_url)
    assert result.exit_code == 2 and result.stdout == ""
    assert "2031" in result.stderr and "2025" in result.stderr


def test_unreachable_opa_is_exit_3():
    result = invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", f"http://127.0.0.1:{_free_port()}")
    assert result.exit_code == 3 and result.stdout == ""


# ---------------------------------------------------------------- reports


def test_progress_report_totals_match_the_hand_computed_figures(opa_url):
    result = invoke("report", "progress", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv")
    assert result.exit_code == 1, result.stderr  # the sample's two error rows (issue 14 point 6)
    (rows,) = blocks(result.stdout)
    got = {r["代码"]: r for r in rows}
    columns = ["参保对象", "已缴费", "未缴费", "医疗救助资助", "县级政府资助", "已征收(元)", "完成率"]
    expected = {
        "441402": ["4", "1", "2", "1", "0", "400.00", "50.0%"],
        "441424": ["6", "2", "1", "1", "2", "800.00", "83.3%"],
        "441481": ["3", "1", "0", "0", "2", "400.00", "100.0%"],
        "": ["13", "4", "3", "2", "4", "1600.00", "76.9%"],  # the total row
    }
    assert set(got) == set(expected)
    for code, values in expected.items():
        assert [got[code][c] for c in columns] == values, code
    assert got["441424"]["县(市、区)"] == "五华县"


def test_progress_report_table_and_markdown(opa_url):
    text = invoke("report", "progress", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url).stdout
    assert "兴宁市" in text and "76.9%" in text and "不属参保对象 2 行，错误 2 行" in text
    markdown = invoke(
        "report", "progress", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "markdown", "--lang", "en"
    ).stdout
    assert "| 441481 | Xingning City | 3 | 1 | 0 | 0 | 2 | 400.00 | 100.0% |" in markdown


def test_assistance_report_is_the_free_enrollment_ledger(opa_url):
    result = invoke("report", "assistance", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv")
    assert result.exit_code == 1, result.stderr  # the sample's two error rows (issue 14 point 6)
    persons, counties, owners = blocks(result.stdout)
    by_row = {int(p["行"]): p for p in persons}
    assert sorted(by_row) == [3, 7, 8, 9, 13, 15]
    assert {n: p["资助来源"] for n, p in by_row.items()} == {
        3: "医疗救助",
        7: "县级政府",
        8: "县级政府",
        9: "医疗救助",
        13: "县级政府",
        15: "县级政府",
    }
    assert by_row[9]["身份类别"] == "低保对象"  # 医疗救助 first; the county list does not count twice
    assert {n: p["名单责任部门"] for n, p in by_row.items()} == {
        3: "医保部门",
        7: "残联",
        8: "卫健部门",
        9: "医保部门",
        13: "卫健部门",
        15: "退役军人事务部门",
    }
    assert all(p["依据"] == "梅市医保〔2024〕3号 五(三)" and p["资助金额(元)"] == "400.00" for p in persons)
    per_county = {c["代码"]: (c["医疗救助人数"], c["县级政府人数"], c["合计人数"], c["合计金额"]) for c in counties}
    assert per_county == {
        "441402": ("1", "0", "1", "400.00"),
        "441424": ("1", "2", "3", "1200.00"),
        "441481": ("0", "2", "2", "800.00"),
        "": ("2", "4", "6", "2400.00"),
    }
    per_owner = {o["部门"]: (o["人数"], o["金额(元)"]) for o in owners}
    assert per_owner == {
        "医保部门": ("2", "800.00"),
        "残联": ("1", "400.00"),
        "卫健部门": ("2", "800.00"),
        "退役军人事务部门": ("1", "400.00"),
    }


def test_duplicates_report(opa_url):
    result = invoke(
        "report", "duplicates", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv", "--lang", "en"
    )
    assert result.exit_code == 0, result.stderr
    same_id, flagged = blocks(result.stdout)
    assert [(r["ID number"], r["row"], r["accepted"]) for r in same_id] == [
        ("441424197811110666", "6", "yes"),
        ("441424197811110666", "11", "yes"),
    ]
    assert [(r["row"], r["eligible"], r["accepted"]) for r in flagged] == [("5", "no", "no"), ("12", "no", "no")]
    assert "employee basic medical insurance" in flagged[0]["condition"]
    assert flagged[1]["condition"].startswith("梅市医保〔2024〕3号 一: ")
    text = invoke("report", "duplicates", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url).stdout
    assert "清理重复参保（梅市医保〔2022〕4号 四(一)）" in text
