"""`mzpolicy report progress|assistance|duplicates`: the roster duties of the
notices, from the decisions OPA makes for every row.

- progress: the weekly 参保缴费进度通报 per county (2025 七(三)).
- assistance: the 免缴台账 of the fully subsidised, per county and per list
  owner (2023 三(四); 2025 五(三)), for reconciliation with the lists.
- duplicates: 重复参保 (2023 四(一)): the same ID number twice in the roster,
  and people enrolled elsewhere or in 职工医保 who have a payment on record.

Counting, grouping and layout only: who is eligible, paid, subsidised, by
which source and under which clause is each decision's answer.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import click

from .. import entrypoints
from ..render.table import Table, emit
from ..roster.engine import Roster
from ..roster.reports import identity_names, money, rate, region_name
from ..roster.tally import yuan
from .errors import REPORT_EXIT_CODES
from .options import lang as lang_option
from .options import roster as roster_options
from .signals import output_stream, stops_cleanly


def report_options(f: Any) -> Any:
    f = click.option("--out", type=str, help="Write the report to this file instead of standard output.")(f)
    f = lang_option(None)(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "markdown"]),
        default="table",
        show_default=True,
        help="table for the terminal; csv and markdown for the weekly 通报.",
    )(f)
    return roster_options(f)


@click.group("report")
def report() -> None:
    """Roster reports for county offices and the city bureau: collection
    progress, the 免缴台账 of the fully subsidised, and 重复参保.

    ROSTER is a roster as `mzpolicy batch` reads it (JSONL or CSV). Every
    figure comes from the decision OPA makes for each row.
    """


def _job(roster: str, options: dict[str, Any], entrypoint: str = entrypoints.BATCH_DECISIONS) -> Roster:
    return Roster(
        roster,
        options["input_format"],
        options["as_of"],
        options["policy_year"],
        options["opa_url"],
        options["batch_size"],
        options["in_flight"],
        options["progress"],
        entrypoint=entrypoint,
        encoding=options.get("encoding", "auto"),
    )


# ---------------------------------------------------------------- progress

PROGRESS_HEADER = {
    "zh": [
        "代码",
        "县(市、区)",
        "参保对象",
        "已缴费",
        "未缴费",
        "医疗救助资助",
        "县级政府资助",
        "已征收(元)",
        "完成率",
    ],
    "en": [
        "code",
        "county",
        "eligible",
        "paid",
        "unpaid",
        "medical assistance",
        "county government",
        "collected (yuan)",
        "rate",
    ],
}


class ProgressCounts:
    def __init__(self) -> None:
        self.eligible = 0
        self.paid = 0
        self.subsidised = {"medical_assistance": 0, "county_government": 0}
        self.collected = Decimal(0)

    @property
    def done(self) -> int:
        return self.paid + sum(self.subsidised.values())

    @property
    def unpaid(self) -> int:
        return self.eligible - self.done

    def add(self, other: ProgressCounts) -> None:
        self.eligible += other.eligible
        self.paid += other.paid
        for k, v in other.subsidised.items():
            self.subsidised[k] = self.subsidised.get(k, 0) + v
        self.collected += other.collected

    def cells(self) -> list[Any]:
        s = self.subsidised
        return [
            self.eligible,
            self.paid,
            self.unpaid,
            s.get("medical_assistance", 0),
            s.get("county_government", 0),
            money(self.collected),
            rate(self.done, self.eligible),
        ]


@report.command("progress", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@report_options
@stops_cleanly
def progress_command(roster: str, fmt: str, lang: str, out: str | None, **options: Any) -> None:
    """Collection progress per county (参保缴费进度, 2025 七(三)).

    Per county (where the decision enrolls the person, enrollment.region):
    eligible persons; paid (a payment on the record that the decision
    accepts); fully subsidised, by source (contribution.assistance); unpaid
    (eligible, neither paid nor subsidised); the amount collected (the
    accepted payments' amounts); and the rate (paid + subsidised) / eligible.
    Ineligible and error rows are counted below the table. --as-of names the
    reporting date; without it each row's own as_of, else today, is used.
    """
    counties: dict[str, ProgressCounts] = {}
    ineligible = errors = 0
    years: set[tuple[Any, Any]] = set()
    dates: set[str] = set()
    job = _job(roster, options)
    with job.opened():
        for row in job.rows():
            if row.error is not None:
                errors += 1
                continue
            d = row.answer
            years.add((d.get("policy_year"), d.get("document")))
            dates.add(d.get("as_of") or "")
            if not d["eligible"]:
                ineligible += 1
                continue
            region = (d.get("enrollment") or {}).get("region") or ""
            counts = counties.setdefault(region, ProgressCounts())
            counts.eligible += 1
            assistance = d["contribution"].get("assistance")
            if assistance:
                counts.subsidised[assistance["source"]] = counts.subsidised.get(assistance["source"], 0) + 1
            elif d["payment"].get("accepted") is True:
                counts.paid += 1
                counts.collected += yuan(((row.resident or {}).get("payment") or {}).get("amount"))
        as_of = job.as_of or (min(dates) if len(dates) == 1 else "—".join([min(dates), max(dates)]) if dates else "—")
    title = {
        "zh": f"城乡居民医保参保缴费进度（截至 {as_of}）",
        "en": f"Resident insurance collection progress as of {as_of}",
    }
    table = Table(title[lang], PROGRESS_HEADER[lang], numeric=set(range(2, 9)))
    total = ProgressCounts()
    for code in sorted(counties):
        table.add([code or "—", region_name(code, lang), *counties[code].cells()])
        total.add(counties[code])
    table.add(["", "合计" if lang == "zh" else "total", *total.cells()])
    notes = _year_notes(years, lang)
    if lang == "zh":
        notes.append(f"不属参保对象 {ineligible} 行，错误 {errors} 行（不计入上表）。")
    else:
        notes.append(f"Ineligible rows {ineligible}, error rows {errors} (not in the table).")
    with output_stream(out) as stream:
        emit(stream, [table], fmt, notes)
    if errors:
        click.echo(f"{errors} rows could not be decided; `mzpolicy batch` lists them.", err=True)


def _year_notes(years: set[tuple[Any, Any]], lang: str) -> list[str]:
    label = "医保年度" if lang == "zh" else "Policy year"
    return [f"{label} {y} ({doc})" for y, doc in sorted(years, key=str)]


# ---------------------------------------------------------------- assistance

ASSISTANCE_HEADER = {
    "zh": [
        "行",
        "姓名",
        "证件号码",
        "代码",
        "县(市、区)",
        "资助来源",
        "身份类别",
        "名单责任部门",
        "依据",
        "资助金额(元)",
    ],
    "en": [
        "row",
        "name",
        "ID number",
        "code",
        "county",
        "source",
        "identities",
        "list owner",
        "clause",
        "amount (yuan)",
    ],
}
SOURCE_NAMES = {
    "zh": {"medical_assistance": "医疗救助", "county_government": "县级政府"},
    "en": {"medical_assistance": "medical assistance", "county_government": "county government"},
}


@report.command("assistance", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@report_options
@stops_cleanly
def assistance_command(roster: str, fmt: str, lang: str, out: str | None, **options: Any) -> None:
    """The 免缴台账: every fully subsidised person, with totals.

    Each person whose individual share the decision has paid in full by
    医疗救助 or the county government: the source, the identities that
    qualify under it, the department that keeps the list (医保, 残联, 卫健,
    退役军人事务: the year's table, list_owners), the clause and the
    amount. Totals per county and per list owner follow, for reconciliation
    with the 民政 / 农业农村 / 残联 / 卫健 lists (2023 三(四)).
    """
    persons = Table(
        {"zh": "政府全额资助参保人员（免缴台账）", "en": "Fully subsidised residents (免缴台账)"}[lang],
        ASSISTANCE_HEADER[lang],
        numeric={0, 9},
    )
    by_county: dict[str, dict[str, list[Any]]] = {}
    by_owner: dict[str, list[Any]] = {}
    errors = 0
    years: set[tuple[Any, Any]] = set()
    job = _job(roster, options, entrypoint=entrypoints.BATCH_ROWS)
    with job.opened():
        names = job.query(f"{entrypoints.REFERENCE}/list_owners") or {}
        for row in job.rows():
            if row.error is not None:
                errors += 1
                continue
            d, ledger = row.answer["decision"], row.answer.get("ledger")
            years.add((d.get("policy_year"), d.get("document")))
            if not ledger:
                continue
            resident = row.resident or {}
            region = (d.get("enrollment") or {}).get("region") or ""
            amount = yuan(ledger["amount"])
            owner = names.get(ledger["list_owner"], {"zh": ledger["list_owner"], "en": ledger["list_owner"]})
            persons.add(
                [
                    row.n,
                    resident.get("name", ""),
                    resident.get("id_number", ""),
                    region,
                    region_name(region, lang),
                    SOURCE_NAMES[lang].get(ledger["source"], ledger["source"]),
                    identity_names(ledger["identities"], lang),
                    owner[lang],
                    ledger["clause"],
                    money(amount),
                ]
            )
            county = by_county.setdefault(region, {})
            for key in (ledger["source"], "all"):
                entry = county.setdefault(key, [0, Decimal(0)])
                entry[0] += 1
                entry[1] += amount
            entry = by_owner.setdefault(ledger["list_owner"], [0, Decimal(0)])
            entry[0] += 1
            entry[1] += amount
        # Who keeps which list is the year's (its table's list_owners); the
        # first year decided names them, in its order.
        year = sorted(years, key=str)[0][0] if years else None
        listed = job.query(f"{entrypoints.YEARS}/{year}/list_owners/list") if year else None
        owners = {o["code"]: o for o in listed or []}
    county_table = Table(
        {"zh": "按县(市、区)合计", "en": "Totals per county"}[lang],
        {
            "zh": [
                "代码",
                "县(市、区)",
                "医疗救助人数",
                "医疗救助金额",
                "县级政府人数",
                "县级政府金额",
                "合计人数",
                "合计金额",
            ],
            "en": [
                "code",
                "county",
                "medical assistance persons",
                "medical assistance yuan",
                "county persons",
                "county yuan",
                "persons",
                "yuan",
            ],
        }[lang],
        numeric=set(range(2, 8)),
    )
    total: dict[str, list[Any]] = {}
    for code in sorted(by_county):
        cells: list[Any] = [code or "—", region_name(code, lang)]
        for key in ("medical_assistance", "county_government", "all"):
            n, amount = by_county[code].get(key, [0, Decimal(0)])
            cells += [n, money(amount)]
            t = total.setdefault(key, [0, Decimal(0)])
            t[0] += n
            t[1] += amount
        county_table.add(cells)
    cells = ["", "合计" if lang == "zh" else "total"]
    for key in ("medical_assistance", "county_government", "all"):
        n, amount = total.get(key, [0, Decimal(0)])
        cells += [n, money(amount)]
    county_table.add(cells)
    owner_table = Table(
        {"zh": "按名单责任部门合计", "en": "Totals per list owner"}[lang],
        {"zh": ["部门", "资助来源", "人数", "金额(元)"], "en": ["list owner", "source", "persons", "yuan"]}[lang],
        numeric={2, 3},
    )
    for code, o in owners.items():
        n, amount = by_owner.get(code, [0, Decimal(0)])
        name = names.get(code, {}).get(lang, code)
        owner_table.add([name, SOURCE_NAMES[lang].get(o["source"], o["source"]), n, money(amount)])
    notes = _year_notes(years, lang)
    if errors:
        notes.append(f"错误 {errors} 行（未计入）。" if lang == "zh" else f"{errors} error rows (not counted).")
    with output_stream(out) as stream:
        emit(stream, [persons, county_table, owner_table], fmt, notes)


# ---------------------------------------------------------------- duplicates


@contextlib.contextmanager
def _rereadable(path: str) -> Iterator[str]:
    """A path that can be read twice: the file itself, or standard input spooled to a temporary file."""
    if path != "-":
        yield path
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".roster", delete=False) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
    try:
        yield spool.name
    finally:
        os.unlink(spool.name)


def _flag(resident: dict[str, Any]) -> str | None:
    """The record's own facts that make a payment look like 重复参保."""
    if not isinstance(resident.get("payment"), dict):
        return None
    if resident.get("resident_insurance_elsewhere") is True:
        return "resident_insurance_elsewhere"
    if resident.get("employee_insurance") is True:
        return "employee_insurance"
    return None


FLAG_NAMES = {
    "zh": {"resident_insurance_elsewhere": "已在其他地区参加居民医保", "employee_insurance": "已参加职工医保"},
    "en": {
        "resident_insurance_elsewhere": "enrolled in resident insurance elsewhere",
        "employee_insurance": "covered by employee insurance",
    },
}
# The condition each flag is decided under (its trail entry says what the policy makes of it).
# The rules (by id) whose trail entries the duplicates report quotes.
DUPLICATES_RULE = "duplicate_enrollment_cleanup"
REFUND_RULE = "refund"
CONDITION_RULES = {
    "resident_insurance_elsewhere": "one_enrollment_only",
    "employee_insurance": "not_in_employee_insurance",
}


def _yes_no(value: Any, lang: str) -> str:
    if value is None:
        return "—"
    if lang == "zh":
        return "是" if value else "否"
    return "yes" if value else "no"


@report.command("duplicates", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@report_options
@stops_cleanly
def duplicates_command(roster: str, fmt: str, lang: str, out: str | None, **options: Any) -> None:
    """重复参保: the same ID number twice in the roster, and people enrolled
    elsewhere or in 职工医保 with a payment on record.

    A first pass finds the rows (ID numbers counted on disk, so memory stays
    flat); only those rows are then decided. For each, what the policy says:
    the decision (eligible, payment accepted, refund) and the trail entries
    of the conditions and the refund rule, with their clauses; for an ID
    number seen twice, the 清理重复参保 rule (its id duplicate_enrollment_cleanup,
    its text from the rule index, its clause from the year's table).
    """
    with _rereadable(roster) as path, tempfile.TemporaryDirectory() as tmp:
        job = _job(path, options)
        db = sqlite3.connect(os.path.join(tmp, "ids.sqlite"))
        db.execute("CREATE TABLE ids (id TEXT, n INTEGER)")
        flagged: dict[int, str] = {}
        with job.opened():
            rule = job.query(f"{entrypoints.RULE_INDEX}/{DUPLICATES_RULE}") or {}
            db.executemany("INSERT INTO ids VALUES (?, ?)", _scan(job, flagged))
            db.execute("CREATE INDEX ids_id ON ids (id)")
            duplicate_rows = {
                n: ident
                for ident, n in db.execute(
                    "SELECT id, n FROM ids WHERE id IN (SELECT id FROM ids GROUP BY id HAVING COUNT(*) > 1) ORDER BY n"
                )
            }
            selected = set(duplicate_rows) | set(flagged)
            job2 = _job(path, options)
            decided: dict[int, Any] = {}
            years: set[tuple[Any, Any]] = set()
            with job2.opened_on(job):
                for row in job2.rows(select=selected):
                    decided[row.n] = row
                    if row.error is None:
                        years.add((row.answer.get("policy_year"), row.answer.get("document")))
            year = sorted(years, key=str)[0][0] if years else None
            cited = job.query(f"{entrypoints.YEARS}/{year}/rules/{DUPLICATES_RULE}") if year else None
        db.close()
    tables = [_same_id_table(duplicate_rows, decided, lang), _flagged_table(flagged, decided, lang)]
    notes = _year_notes(years, lang)
    if rule and cited:
        notes.append(f"{rule['title']}（{cited['clause']}）: {rule['text'][lang]}")
    with output_stream(out) as stream:
        emit(stream, tables, fmt, notes)


def _scan(job: Roster, flagged: dict[int, str]) -> Iterator[tuple[str, int]]:
    """(id_number, row) of every readable row; rows with a 重复参保 flag noted."""
    from .. import records

    for item in job.items:
        if item.document is None:
            continue
        try:
            request = records.build_request(item.document)
        except records.InputError:
            continue
        resident = request.get("resident")
        if not isinstance(resident, dict):
            continue
        ident = resident.get("id_number")
        if isinstance(ident, str):
            yield (ident.strip().upper(), item.n)
        flag = _flag(resident)
        if flag:
            flagged[item.n] = flag


def _occurrence(row: Any, lang: str) -> list[Any]:
    resident = row.resident or {}
    payment = resident.get("payment") or {}
    paid = f"{payment.get('date', '')} {payment.get('amount', '')}".strip()
    if row.error is not None:
        return [resident.get("name", ""), "", "", paid, "", "", f"{row.error['field']}: {row.error['message']}"]
    d = row.answer
    region = (d.get("enrollment") or {}).get("region") or ""
    refund = next((t for t in d["trail"] if t["rule"] == REFUND_RULE), None)
    return [
        resident.get("name", ""),
        f"{region} {region_name(region, lang)}".strip() if region else "—",
        _yes_no(d["eligible"], lang),
        paid or "—",
        _yes_no(d["payment"].get("accepted"), lang),
        _yes_no((d.get("refund") or {}).get("eligible"), lang),
        f"{refund['clause']}: {refund['message'][lang]}" if refund and refund["outcome"] != "not_applicable" else "",
    ]


OCCURRENCE_HEADER = {
    "zh": ["姓名", "参保地", "属参保对象", "缴费(日期 金额)", "缴费确认", "可退费", "政策依据"],
    "en": ["name", "enrolls in", "eligible", "payment (date amount)", "accepted", "refundable", "the policy says"],
}


def _same_id_table(duplicate_rows: dict[int, str], decided: dict[int, Any], lang: str) -> Table:
    table = Table(
        {"zh": "名册中同一证件号码出现多次", "en": "The same ID number more than once in the roster"}[lang],
        (["证件号码", "行"] if lang == "zh" else ["ID number", "row"]) + OCCURRENCE_HEADER[lang],
        numeric={1},
    )
    for n, ident in sorted(duplicate_rows.items(), key=lambda item: (item[1], item[0])):
        row = decided.get(n)
        if row is not None:
            table.add([ident, n, *_occurrence(row, lang)])
    return table


def _flagged_table(flagged: dict[int, str], decided: dict[int, Any], lang: str) -> Table:
    table = Table(
        {
            "zh": "已在其他地区参加居民医保或已参加职工医保、又有缴费记录",
            "en": "Enrolled elsewhere or in employee insurance, with a payment on record",
        }[lang],
        {"zh": ["行", "证件号码", "情形", "参保条件"], "en": ["row", "ID number", "case", "condition"]}[lang]
        + OCCURRENCE_HEADER[lang],
        numeric={0},
    )
    for n in sorted(flagged):
        row = decided.get(n)
        if row is None:
            continue
        condition = ""
        if row.error is None:
            condition = "; ".join(
                f"{t['clause']}: {t['message'][lang]}"
                for t in row.answer["trail"]
                if t["rule"] == CONDITION_RULES[flagged[n]]
            )
        ident = (row.resident or {}).get("id_number", "")
        table.add([n, ident, FLAG_NAMES[lang][flagged[n]], condition, *_occurrence(row, lang)])
    return table
