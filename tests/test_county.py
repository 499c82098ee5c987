"""The county office's roster work (issue 14 points 5-8): spreadsheets for
people (xlsx, the CSV for Excel), GBK rosters, decide once and report many
(batch output with its sidecar), the weekly 通报 with plan, last week,
ranking and chart, and a Ctrl-C that acts at once. Every decision comes from
a real OPA (the session's server, or the embedded one).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT
from mzpolicy.cli import main
from mzpolicy.opa.server import EmbeddedServer
from mzpolicy.paths import POLICIES
from mzpolicy.roster.io import DECISION_CSV_COLUMNS

ROSTERS = ROOT / "fixtures" / "rosters"
SAMPLE_CSV = ROSTERS / "county-sample.csv"
SAMPLE_JSONL = ROSTERS / "county-sample.jsonl"
PLAN_CSV = ROSTERS / "plan-sample.csv"
PLAN_YAML = ROSTERS / "plan-sample.yaml"
AS_OF = "2024-11-20"
REFERENCE = yaml.safe_load((POLICIES / "mz" / "reference" / "data.yaml").read_text(encoding="utf-8"))


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def sample_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8"))))


# ---------------------------------------------------------------- point 5: spreadsheets


def test_batch_xlsx_has_chinese_headers_text_id_numbers_and_typed_cells(opa_url, tmp_path):
    out = tmp_path / "decisions.xlsx"
    result = invoke("batch", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "xlsx", "--out", out)
    assert result.exit_code == 1, result.stderr  # the sample has two error rows
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows())
    names = REFERENCE["batch_columns"]
    assert [c.value for c in rows[0]] == [names[c]["zh"] for c in DECISION_CSV_COLUMNS]
    assert len(rows) == 1 + 17
    col = {c: i for i, c in enumerate(DECISION_CSV_COLUMNS)}
    roster = sample_rows()
    for k, row in enumerate(rows[1:17]):  # row 17 has a cell that cannot be read: no record, no number
        ident = row[col["id_number"]]
        assert ident.data_type == "s" and ident.value == roster[k]["id_number"]  # text, all 18 characters
        assert row[col["row"]].value == k + 1
    first = rows[1]
    assert first[col["eligible"]].value is True and first[col["payment_accepted"]].value is True
    assert first[col["individual_due"]].data_type == "n" and first[col["individual_due"]].value == 400
    assert first[col["benefit_start"]].is_date and first[col["benefit_start"]].value == dt.datetime(2025, 1, 1)
    # Codes by their names, from the reference data.
    assert first[col["enrollment_region"]].value == REFERENCE["regions"]["441402"]["zh"]
    assert first[col["categories"]].value == REFERENCE["categories"]["hukou_resident"]["zh"]
    assert first[col["payment_status"]].value == REFERENCE["payment_statuses"]["open"]["zh"]
    error = rows[16]
    assert error[col["error_field"]].value == "resident.id_number" and error[col["eligible"]].value is None
    english = tmp_path / "en.xlsx"
    invoke(
        "batch",
        SAMPLE_CSV,
        "--as-of",
        AS_OF,
        "--opa-url",
        opa_url,
        "--format",
        "xlsx",
        "--out",
        english,
        "--lang",
        "en",
    )
    header = [c.value for c in next(openpyxl.load_workbook(english).active.iter_rows())]
    assert header == [names[c]["en"] for c in DECISION_CSV_COLUMNS]


def test_xlsx_needs_out_and_cannot_be_resumed(opa_url, tmp_path):
    result = invoke("batch", SAMPLE_CSV, "--opa-url", opa_url, "--format", "xlsx")
    assert result.exit_code == 2 and "--out" in result.stderr
    result = invoke(
        "batch", SAMPLE_CSV, "--opa-url", opa_url, "--format", "xlsx", "--out", tmp_path / "a.xlsx", "--resume"
    )
    assert result.exit_code == 2 and "--resume" in result.stderr
    result = invoke("batch", SAMPLE_CSV, "--opa-url", opa_url, "--excel")
    assert result.exit_code == 2 and "--format csv" in result.stderr


def test_excel_csv_has_a_bom_and_keeps_id_numbers_text_while_machine_csv_stays_clean(opa_url, tmp_path):
    people = tmp_path / "people.csv"
    result = invoke(
        "batch", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv", "--excel", "--out", people
    )
    assert result.exit_code == 1, result.stderr
    data = people.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [REFERENCE["batch_columns"][c]["zh"] for c in DECISION_CSV_COLUMNS]
    assert rows[1][1] == '="441402198005050116"'  # Excel shows the text, not 4.41402E+17
    assert rows[1][DECISION_CSV_COLUMNS.index("eligible")] == "是"
    machine = invoke("batch", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv").stdout
    assert not machine.startswith("\ufeff")
    plain = list(csv.reader(io.StringIO(machine)))
    assert plain[0] == DECISION_CSV_COLUMNS and plain[1][1] == "441402198005050116"
    assert plain[1][DECISION_CSV_COLUMNS.index("eligible")] == "true"


def test_report_xlsx_and_excel_csv(opa_url, tmp_path):
    out = tmp_path / "assistance.xlsx"
    result = invoke(
        "report", "assistance", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "xlsx", "--out", out
    )
    assert result.exit_code == 1, result.stderr  # error rows: exit 1 (point 6)
    book = openpyxl.load_workbook(out)
    persons = book.worksheets[0]
    header = [c.value for c in persons[3]]
    assert "证件号码" in header and "资助金额(元)" in header
    first = persons[4]
    assert first[header.index("证件号码")].data_type == "s" and len(first[header.index("证件号码")].value) == 18
    assert first[header.index("资助金额(元)")].data_type == "n"
    assert first[header.index("行")].value == 3
    text = invoke(
        "report", "assistance", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv", "--excel"
    )
    assert text.stdout.startswith("\ufeff")
    first = next(csv.DictReader(io.StringIO(text.stdout.removeprefix("\ufeff"))))
    assert first["证件号码"] == '="441402196507180333"'  # csv-quoted; Excel reads the formula, shows the text


GBK_ROSTER = (
    "name,id_type,id_number,hukou_region,payment.date,payment.amount\n"
    "梅江甲,resident_id,441402198005050116,441402,2024-10-01,400\n"
    "五华乙,resident_id,441424198807070027,441424,,\n"
    "兴宁丙,resident_id,441481199511110036,441481,,\n"
)


@pytest.fixture
def gbk_roster(tmp_path):
    from mzpolicy.records import check_digit

    lines = GBK_ROSTER.splitlines()
    fixed = [lines[0]]
    for line in lines[1:]:  # a right check digit for each number
        cells = line.split(",")
        cells[2] = cells[2][:17] + check_digit(cells[2][:17])
        fixed.append(",".join(cells))
    path = tmp_path / "gbk.csv"
    path.write_bytes(("\n".join(fixed) + "\n").encode("gb18030"))
    return path


def test_a_gbk_roster_is_said_once_and_every_row_is_still_decided(opa_url, gbk_roster, tmp_path):
    result = invoke("batch", gbk_roster, "--as-of", AS_OF, "--opa-url", opa_url)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["row"] for r in rows] == [1, 2, 3] and all("decision" in r for r in rows)
    note = [line for line in result.stderr.splitlines() if "--encoding gb18030" in line]
    assert len(note) == 1 and "is not UTF-8 text" in note[0]  # once, not once a row
    out = tmp_path / "gbk.xlsx"
    named = invoke(
        "batch",
        gbk_roster,
        "--as-of",
        AS_OF,
        "--opa-url",
        opa_url,
        "--encoding",
        "gb18030",
        "--format",
        "xlsx",
        "--out",
        out,
    )
    assert named.exit_code == 0 and "--encoding gb18030" not in named.stderr
    names = [r[2].value for r in list(openpyxl.load_workbook(out).active.iter_rows())[1:]]
    assert names == ["梅江甲", "五华乙", "兴宁丙"]  # decoded right
    strict = invoke("batch", gbk_roster, "--as-of", AS_OF, "--opa-url", opa_url, "--encoding", "utf-8")
    assert strict.exit_code == 1
    errors = [json.loads(line)["error"] for line in strict.stdout.splitlines()]
    assert len(errors) == 3 and all("is not UTF-8 text" in e["message"] for e in errors)


# ---------------------------------------------------------------- point 6: decide once, report many


@pytest.fixture
def batch_output(opa_url, tmp_path):
    out = tmp_path / "decisions.jsonl"
    result = invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--out", out)
    assert result.exit_code == 1, result.stderr
    return out


def test_batch_output_says_what_decided_it_in_a_sidecar(batch_output):
    meta = json.loads(Path(str(batch_output) + ".meta.json").read_text(encoding="utf-8"))
    assert meta["complete"] is True and meta["format"] == "mzpolicy-batch"
    assert meta["rows"] == 17 and meta["errors"] == 2
    assert meta["policy_years"] == [2025] and meta["as_of"] == AS_OF
    assert meta["bundle_revision"] is None  # a remote --opa-url: not known
    # Every line is still a row, as CONTRACT §4 has it.
    for line in batch_output.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) in ({"row", "decision"}, {"row", "error"})


def test_report_reads_batch_output_and_gives_the_roster_figures(opa_url, batch_output):
    from_roster = invoke("report", "progress", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--format", "csv")
    from_batch = invoke("report", "progress", batch_output, "--format", "csv")  # no OPA needed
    assert from_batch.exit_code == 1 and from_roster.exit_code == 1  # error rows
    assert from_batch.stdout == from_roster.stdout
    assert "441481,兴宁市,3,1,0,0,2,400.00,100.0%" in from_batch.stdout
    document = json.loads(invoke("report", "progress", batch_output, "--format", "json").stdout)
    assert document["policy_year"] == 2025 and document["errors"] == 2 and document["ineligible"] == 2
    assert document["source"]["rows"] == 17
    by_code = {c["code"]: c for c in document["counties"]}
    assert by_code["441424"]["collected"] == 800 and by_code["441424"]["done"] == 5
    assert document["total"]["eligible"] == 13


def test_report_refuses_incomplete_changed_or_other_year_batch_output(opa_url, batch_output, tmp_path):
    partial = tmp_path / "cut.jsonl.partial"
    partial.write_bytes(batch_output.read_bytes()[:5000])
    result = invoke("report", "progress", partial)
    assert result.exit_code == 2 and "did not finish" in result.stderr
    bare = tmp_path / "bare.jsonl"
    bare.write_bytes(batch_output.read_bytes())
    result = invoke("report", "progress", bare)
    assert result.exit_code == 2 and "bare.jsonl.meta.json" in result.stderr
    cut = tmp_path / "cut.jsonl"
    lines = batch_output.read_bytes().splitlines(keepends=True)
    cut.write_bytes(b"".join(lines[:-3]))
    Path(str(cut) + ".meta.json").write_bytes(Path(str(batch_output) + ".meta.json").read_bytes())
    result = invoke("report", "progress", cut)
    assert result.exit_code == 2 and "not the file its sidecar describes" in result.stderr
    result = invoke("report", "progress", batch_output, "--year", "2023")
    assert result.exit_code == 2 and "policy year 2025" in result.stderr
    result = invoke("report", "assistance", batch_output)
    assert result.exit_code == 2 and "reads a roster" in result.stderr
    result = invoke("report", "progress", batch_output, "--as-of", "2024-12-01")
    assert result.exit_code == 2 and "was decided on 2024-11-20" in result.stderr
    assert invoke("report", "progress", batch_output, "--as-of", AS_OF).exit_code == 1  # the same date: fine


def test_an_interrupted_batch_leaves_no_sidecar(opa_url, tmp_path):
    """A run that stops before the end (here: the disk is full) leaves FILE.partial and no FILE.meta.json."""
    old = tmp_path / "decisions.jsonl"
    result = invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--out", old)
    assert Path(str(old) + ".meta.json").exists()
    result = invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--out", "/dev/full")
    assert result.exit_code == 4
    assert not Path("/dev/full.meta.json").exists()


# ---------------------------------------------------------------- point 7: the weekly 通报


def test_weekly_report_with_plan_last_week_ranking_and_charts(opa_url, tmp_path):
    earlier = tmp_path / "week1.jsonl"
    later = tmp_path / "week2.jsonl"
    # Last week's roster: the first resident (梅江区) had not paid yet.
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",2024-10-01,400", ",,")
    week1_roster = tmp_path / "week1.csv"
    week1_roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    invoke("batch", week1_roster, "--as-of", "2024-11-13", "--opa-url", opa_url, "--out", earlier)
    invoke("batch", SAMPLE_CSV, "--as-of", AS_OF, "--opa-url", opa_url, "--out", later)
    last = tmp_path / "week1.json"
    result = invoke("report", "progress", earlier, "--plan", PLAN_CSV, "--format", "json", "--out", last)
    assert result.exit_code == 1, result.stderr
    week1 = {c["code"]: c for c in json.loads(last.read_text(encoding="utf-8"))["counties"]}
    png = tmp_path / "rate.png"
    md = tmp_path / "report.md"
    result = invoke(
        "report", "progress", later, "--plan", PLAN_YAML, "--last-week", last, "--chart", png,
        "--format", "markdown", "--out", md,
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    text = md.read_text(encoding="utf-8")
    assert "任务数" in text and "任务完成率" in text and "较上周" in text and "排名" in text
    assert "![任务完成率](rate.png)" in text
    plan = yaml.safe_load(PLAN_YAML.read_text(encoding="utf-8"))["tasks"]
    document = json.loads(
        invoke("report", "progress", later, "--plan", PLAN_YAML, "--last-week", last, "--format", "json").stdout
    )
    counties = {c["code"]: c for c in document["counties"]}
    assert set(counties) == set(plan)  # 441403 has a task and no rows yet: it is ranked at 0
    for code, c in counties.items():
        assert c["task"] == plan[code]
        assert c["rate"] == pytest.approx(c["done"] / plan[code])
        assert c["last_week_rate"] == pytest.approx(week1[code]["rate"])
        assert c["change"] == pytest.approx(c["rate"] - week1[code]["rate"])
    ordered = sorted(counties.values(), key=lambda c: -c["rate"])
    assert [c["rank"] for c in ordered] == [1, 2, 3, 4]
    assert counties["441403"]["rank"] == 4 and counties["441403"]["rate"] == 0
    assert counties["441402"]["change"] == pytest.approx(1 / plan["441402"])  # one payment came in since
    assert all(c["change"] == 0 for code, c in counties.items() if code != "441402")
    from PIL import Image

    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 300
    svg = tmp_path / "rate.svg"
    invoke("report", "progress", later, "--plan", PLAN_CSV, "--chart", svg)
    body = svg.read_text(encoding="utf-8")
    assert "兴宁市" in body and "梅江区" in body  # text kept as text (svg.fonttype none)


def test_weekly_xlsx_has_a_native_chart_of_the_rate_column(opa_url, tmp_path, batch_output):
    out = tmp_path / "weekly.xlsx"
    result = invoke("report", "progress", batch_output, "--plan", PLAN_CSV, "--format", "xlsx", "--out", out)
    assert result.exit_code == 1, result.stderr
    sheet = openpyxl.load_workbook(out).worksheets[0]
    header = [c.value for c in sheet[3]]
    rate_col = header.index("任务完成率")
    assert len(sheet._charts) == 1
    import zipfile

    with zipfile.ZipFile(out) as z:
        chart = z.read("xl/charts/chart1.xml").decode("utf-8")
    letter = openpyxl.utils.get_column_letter(rate_col + 1)
    assert "!$B$4:$B$7" in chart and f"!${letter}$4:${letter}$7" in chart
    rates = [sheet.cell(row=r, column=rate_col + 1) for r in range(4, 8)]
    assert all(c.data_type == "n" and c.number_format == "0.0%" for c in rates)
    names = [sheet.cell(row=r, column=2).value for r in range(4, 8)]
    assert names == [REFERENCE["regions"][code]["zh"] for code in ["441402", "441403", "441424", "441481"]]


def test_a_bad_plan_or_last_week_is_refused_naming_the_problem(batch_output, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("code,task\n441402,5\n441499,3\n", encoding="utf-8")
    result = invoke("report", "progress", batch_output, "--plan", plan)
    assert result.exit_code == 2 and "line 3" in result.stderr and "441499" in result.stderr
    plan.write_text("code,task\n441402,many\n", encoding="utf-8")
    result = invoke("report", "progress", batch_output, "--plan", plan)
    assert result.exit_code == 2 and "task 'many'" in result.stderr
    other = tmp_path / "other.json"
    document = json.loads(invoke("report", "progress", batch_output, "--format", "json").stdout)
    other.write_text(json.dumps(dict(document, policy_year=2023)), encoding="utf-8")
    result = invoke("report", "progress", batch_output, "--last-week", other)
    assert result.exit_code == 2 and "2023" in result.stderr


# ---------------------------------------------------------------- point 8: Ctrl-C and the summary


def test_the_closing_summary_is_chinese_by_default_and_english_on_request(opa_url):
    zh = invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url).stderr
    assert "共 17 行：作出决定 15 行（属参保对象 13，不属参保对象 2），错误 2 行" in zh
    assert "记录中确认的缴费：4 笔，1,600.00 元" in zh and "医疗救助 2 人 800.00 元" in zh
    en = invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--lang", "en").stderr
    assert "rows 17: decisions 15 (eligible 13, ineligible 2), errors 2" in en


def test_an_abandoned_run_kills_the_embedded_opa_without_its_graceful_shutdown():
    """OPA's graceful shutdown waits for the queries in flight: a Ctrl-C took
    the 5 s SIGTERM grace. On an exception the server is SIGKILLed at once."""
    server = EmbeddedServer()
    with pytest.raises(KeyboardInterrupt), server:
        server.start()
        server.ready()
        proc = server.proc
        raise KeyboardInterrupt
    assert proc.returncode == -signal.SIGKILL
    server = EmbeddedServer()
    with server:
        server.start()
        server.ready()
        proc = server.proc
    assert proc.returncode != -signal.SIGKILL  # a finished run still stops it gently


def test_ctrl_c_during_a_batch_exits_130_and_leaves_no_opa(tmp_path):
    roster = tmp_path / "big.jsonl"
    line = SAMPLE_JSONL.read_text(encoding="utf-8").splitlines()[0]
    roster.write_text((line + "\n") * 20000, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mzpolicy", "batch", str(roster), "--as-of", AS_OF, "--out", str(tmp_path / "o.jsonl")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True,
    )  # fmt: skip
    # Wait until the batch is under way (its partial file exists), then Ctrl-C.
    partial = tmp_path / "o.jsonl.partial"
    for _ in range(600):
        if partial.exists():
            break
        try:
            proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "stopped by SIGINT" in stderr and "Traceback" not in stderr
    # In the command's language (zh by default), and in English for scripts that watch stderr.
    assert "已被 SIGINT 中止" in stderr and "输出不完整" in stderr
    assert not (tmp_path / "o.jsonl.meta.json").exists()


def test_a_resumed_batch_gets_a_sidecar_for_the_whole_file(opa_url, batch_output, tmp_path):
    out = tmp_path / "resumed.jsonl"
    lines = batch_output.read_bytes().splitlines(keepends=True)
    Path(str(out) + ".partial").write_bytes(b"".join(lines[:5]))
    result = invoke("batch", SAMPLE_JSONL, "--as-of", AS_OF, "--opa-url", opa_url, "--out", out, "--resume")
    assert result.exit_code == 1, result.stderr
    assert out.read_bytes() == batch_output.read_bytes()
    meta = json.loads(Path(str(out) + ".meta.json").read_text(encoding="utf-8"))
    assert (meta["rows"], meta["errors"], meta["first_row"], meta["policy_years"]) == (17, 2, 1, [2025])
    assert invoke("report", "progress", out, "--format", "json").exit_code == 1  # accepted; error rows
