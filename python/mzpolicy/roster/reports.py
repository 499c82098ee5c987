"""What the roster reports count, group and name (`mzpolicy report ...`):
issue #5's duties of the notices, from the decisions OPA makes for every row.

- progress: the weekly 参保缴费进度通报 per county (2025 七(三)), from a roster or
  from batch output (decide once, report many: mzpolicy.roster.meta checks
  its sidecar), with the 任务数 of the plan, last week's change and the
  ranking (mzpolicy.roster.weekly counts them).
- assistance: the 免缴台账 of the fully subsidised, per county and per list
  owner (2023 三(四); 2025 五(三)), for reconciliation with the lists.
- duplicates: 重复参保 (2023 四(一)): the same ID number twice in the roster,
  and people enrolled elsewhere or in 职工医保 who have a payment on record.

Counting, grouping and layout only: who is eligible, paid, subsidised, by
which source and under which clause is each decision's answer; the names of
counties, identities, subsidy sources and list owners, and which sources
there are, are the bundle's (data.mz.reference), asked of the OPA that decides
(for batch output: of the OPA that decided it, as its sidecar recorded them).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import entrypoints, records
from ..render.table import Table
from . import meta, weekly
from .engine import Roster
from .io import RosterFormatError
from .tally import yuan


@dataclass
class Chart:
    """What a chart of a report draws: a rate per county. `rate_column` is
    the rate's column in the first table, whose rows 0..len(names)-1 are
    the counties charted (a native xlsx chart reads those cells)."""

    title: str
    label: str
    names: list[str]
    rates: list[float]
    rate_column: int
    rows: int


@dataclass
class Report:
    """A report's tables, the notes below them, and the rows that were
    errors; `document`: the report for machines (--format json; else the
    tables as objects), `chart`: what a chart of it draws."""

    tables: list[Table]
    notes: list[str]
    errors: int
    document: Any = None
    chart: Chart | None = None

    def as_json(self) -> str:
        document = self.document
        if document is None:
            document = {"tables": [{"title": t.title, "rows": t.records()} for t in self.tables], "notes": self.notes}
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


class Names:
    """Display names of codes, from the bundle's data.mz.reference."""

    def __init__(self, reference: dict[str, Any]):
        self.reference = reference
        self.sources: list[str] = sorted(reference.get("assistance_sources") or {})

    @classmethod
    def of(cls, job: Roster) -> Names:
        return cls(job.query(entrypoints.REFERENCE) or {})

    @classmethod
    def recorded(cls, sidecar: dict[str, Any]) -> Names:
        """The names a batch output's sidecar recorded, asked of the OPA that decided it."""
        names = cls(sidecar.get("reference") or {})
        names.order_by(sidecar.get("list_owners"))
        return names

    def order_sources(self, job: Roster, years: set[tuple[Any, Any]]) -> None:
        """The subsidy sources in the order the first year decided lists its
        list owners (its table's list_owners: 医疗救助 first), the rest after."""
        year = sorted(years, key=str)[0][0] if years else None
        self.order_by(job.query(f"{entrypoints.YEARS}/{year}/list_owners/list") if year else None)

    def order_by(self, listed: Any) -> None:
        first = [o["source"] for o in listed or [] if isinstance(o, dict) and "source" in o]
        self.sources = list(dict.fromkeys([*first, *self.sources]))

    @property
    def regions(self) -> dict[str, Any]:
        return self.reference.get("regions") or {}

    def _name(self, kind: str, code: str, lang: str) -> str:
        entry = (self.reference.get(kind) or {}).get(code)
        return entry[lang] if entry else code

    def region(self, code: str | None, lang: str) -> str:
        if not code:
            return "—"
        entry = (self.reference.get("regions") or {}).get(code)
        return entry[lang] if entry else "—"

    def identities(self, codes: list[str], lang: str) -> str:
        sep = "、" if lang == "zh" else ", "
        return sep.join(self._name("identities", c, lang) for c in codes)

    def source(self, code: str, lang: str) -> str:
        return self._name("assistance_sources", code, lang)

    def list_owner(self, code: str, lang: str) -> str:
        return self._name("list_owners", code, lang)


class Money(str):
    """An amount as printed (400.00) that a spreadsheet gets as the number."""

    kind = "money"

    def __new__(cls, amount: Decimal) -> Money:
        self = super().__new__(cls, f"{amount:.2f}")
        self.amount = amount
        return self

    def typed(self) -> Decimal:
        return self.amount


class Rate(str):
    """A rate as printed (12.5%, — where there is nothing to divide by) that
    a spreadsheet gets as the fraction (0.125, a percentage cell)."""

    kind = "rate"

    def __new__(cls, done: int, of: int, text: str | None = None) -> Rate:
        self = super().__new__(cls, text if text is not None else (f"{100 * done / of:.1f}%" if of else "—"))
        self.fraction = done / of if of else None
        return self

    def typed(self) -> float | None:
        return self.fraction


class Change(str):
    """A change of rate in percentage points as printed (+2.5), a signed number in a spreadsheet."""

    kind = "signed_rate"

    def __new__(cls, change: float | None) -> Change:
        self = super().__new__(cls, "—" if change is None else f"{100 * change:+.1f}")
        self.change = change
        return self

    def typed(self) -> float | None:
        return None if self.change is None else round(100 * self.change, 6)


def money(amount: Decimal) -> Money:
    return Money(amount)


def rate(done: int, of: int) -> Rate:
    return Rate(done, of)


def fraction_rate(value: float | None) -> Rate:
    """A rate given as its fraction (None: — )."""
    if value is None:
        return Rate(0, 0, "—")
    r = Rate(0, 0, f"{100 * value:.1f}%")
    r.fraction = value
    return r


def year_notes(years: set[tuple[Any, Any]], lang: str) -> list[str]:
    label = "医保年度" if lang == "zh" else "Policy year"
    return [f"{label} {y} ({doc})" for y, doc in sorted(years, key=str)]


# ---------------------------------------------------------------- progress

PLAN_HEADER = {"zh": ["任务数", "任务完成率"], "en": ["task", "rate of task"]}
LAST_WEEK_HEADER = {"zh": ["上周完成率", "较上周(百分点)"], "en": ["last week", "change (points)"]}
RANK_HEADER = {"zh": "排名", "en": "rank"}


def progress_header(names: Names, lang: str) -> list[str]:
    sources = [names.source(s, lang) + ("资助" if lang == "zh" else "") for s in names.sources]
    if lang == "zh":
        return ["代码", "县(市、区)", "参保对象", "已缴费", "未缴费", *sources, "已征收(元)", "完成率"]
    return ["code", "county", "eligible", "paid", "unpaid", *sources, "collected (yuan)", "rate"]


def progress(
    path: str,
    make_job: Callable[[str], Roster],
    lang: str,
    plan: str | None = None,
    last_week: str | None = None,
) -> Report:
    """Per county (where the decision enrolls the person): eligible, paid,
    subsidised by source, unpaid, collected, and the rate; with `plan` the
    任务数 and the rate of it, with `last_week` (last week's json report)
    the change; a ranking by the rate. `path` is a roster (decided now, by
    make_job(path)) or batch JSONL output with its sidecar (not decided
    again: the decisions are read; --as-of and --year must agree with them)."""
    job = make_job(path)
    if meta.is_batch_output(path):
        return _progress_of_output(path, job.policy_year, job.as_of, plan, last_week, lang)
    counts = weekly.Progress()
    with job.opened():
        names = Names.of(job)
        for row in job.rows():
            payment = (row.resident or {}).get("payment") or {}
            counts.add(row.answer if row.error is None else None, row.error, payment.get("amount"))
        names.order_sources(job, counts.years)
    return progress_report(counts, names, job.as_of or dates_label(counts.dates), None, plan, last_week, lang)


def _progress_of_output(
    path: str, policy_year: int | None, as_of: str | None, plan: str | None, last_week: str | None, lang: str
) -> Report:
    source = meta.check(path, policy_year)
    decided_on = source.get("as_of_range") or []
    if as_of and decided_on and decided_on != [as_of] * 2:
        raise RosterFormatError(
            f"--as-of {as_of}: {path} was decided on {dates_label(set(decided_on))};"
            " a report of batch output does not decide again: give the roster for another date"
        )
    counts = weekly.Progress()
    for decision, error in batch_rows(path):
        counts.add(decision, error)
    names = Names.recorded(source)
    # The report says where its figures come from; the names it took are in the table.
    shown = {k: v for k, v in source.items() if k not in meta.NAMES_KEYS}
    return progress_report(counts, names, dates_label(counts.dates), shown, plan, last_week, lang)


def progress_report(
    counts: weekly.Progress,
    names: Names,
    as_of: str,
    source: dict[str, Any] | None,
    plan: str | None,
    last_week: str | None,
    lang: str,
) -> Report:
    """The progress report of counts already made (`progress`, or a caller
    that counts the decisions itself, mzpolicy-spark): the table, its notes,
    the json document and the chart."""
    last = weekly.read_last_week(last_week) if last_week else None
    if last is not None and counts.policy_year is not None and last.get("policy_year") != counts.policy_year:
        raise weekly.PlanError(
            f"--last-week {last_week}: its policy year is {last.get('policy_year')}, this week's {counts.policy_year}"
        )
    if plan:
        counts.apply_plan(weekly.read_plan(plan, names.regions, counts.policy_year))
    document = counts.document(as_of, source, last, names)
    title = {
        "zh": f"城乡居民医保参保缴费进度通报（截至 {as_of}）",
        "en": f"Resident insurance collection progress as of {as_of}",
    }
    header = progress_header(names, lang)
    rate_column = len(header) - 1
    if plan:
        header += PLAN_HEADER[lang]
        rate_column = len(header) - 1
    if last is not None:
        header += LAST_WEEK_HEADER[lang]
    header.append(RANK_HEADER[lang])
    table = Table(title[lang], header, numeric=set(range(2, len(header))))
    for entry in [*document["counties"], document["total"]]:
        is_total = entry is document["total"]
        cells: list[Any] = [entry["code"] or ("" if is_total else "—"), entry["name"][lang]]
        cells += [
            entry["eligible"],
            entry["paid"],
            entry["unpaid"],
            *(entry["subsidised"].get(s, 0) for s in names.sources),
            money(Decimal(str(entry["collected"])).quantize(Decimal("0.01"))),
            rate(entry["done"], entry["eligible"]),
        ]
        if plan:
            cells += [
                entry["task"] if entry["task"] is not None else "—",
                fraction_rate(entry["rate"] if entry["task"] else None),
            ]
        if last is not None:
            cells += [fraction_rate(entry["last_week_rate"]), Change(entry["change"])]
        cells.append(entry["rank"] if entry["rank"] is not None else ("" if is_total else "—"))
        table.add(cells)
    notes = year_notes(counts.years, lang)
    if lang == "zh":
        notes.append(f"不属参保对象 {counts.ineligible} 行，错误 {counts.errors} 行（不计入上表）。")
        if plan:
            notes.append("任务数：市下达的征缴计划（2025 七(二)）；排名按任务完成率（已缴费与政府资助人数 / 任务数）。")
        else:
            notes.append("排名按完成率（已缴费与政府资助人数 / 参保对象）。")
        if last is not None:
            notes.append(f"较上周：与 {last.get('as_of')} 的通报相比的百分点变化。")
    else:
        notes.append(f"Ineligible rows {counts.ineligible}, error rows {counts.errors} (not in the table).")
        notes.append(
            "Ranked by the rate of the task (paid and subsidised / task)."
            if plan
            else "Ranked by the rate (paid and subsidised / eligible)."
        )
        if last is not None:
            notes.append(f"Change: percentage points since the report of {last.get('as_of')}.")
    if source is not None:
        notes.append(source_note(source, lang))
    ranked = [e for e in document["counties"] if e["rate"] is not None]
    chart = Chart(
        title=title[lang],
        label={"zh": "任务完成率" if plan else "完成率", "en": "rate of task" if plan else "rate"}[lang],
        names=[e["name"][lang] for e in ranked],
        rates=[e["rate"] for e in ranked],
        rate_column=rate_column,
        rows=len(document["counties"]),
    )
    return Report([table], notes, counts.errors, document=document, chart=chart)


def dates_label(dates: set[str]) -> str:
    """The date, or the first and last, that decisions were made on."""
    return min(dates) if len(dates) == 1 else "—".join([min(dates), max(dates)]) if dates else "—"


def source_note(source: dict[str, Any], lang: str) -> str:
    years = source.get("policy_years") or []
    revision = _short(source.get("bundle_revision"))
    if lang == "zh":
        return (
            f"数据来源：批量审核结果 {source.get('output')}（{source.get('rows')} 行，"
            f"医保年度 {'、'.join(map(str, years))}，政策版本 {revision or '未知'}）。"
        )
    return (
        f"Source: batch output {source.get('output')} ({source.get('rows')} rows,"
        f" policy year {', '.join(map(str, years))}, bundle {revision or 'unknown'})."
    )


def _short(revision: str | None) -> str | None:
    """A digest's first 12 hex digits, as git shortens a commit (the json report has it whole)."""
    if revision and revision.startswith("sha256:"):
        return revision[:19]
    return revision


def roster_only(path: str, name: str) -> None:
    """Refuse batch output where a report lists people (names and ID numbers batch output does not carry)."""
    if meta.is_batch_output(path):
        raise RosterFormatError(
            f"report {name} reads a roster: {path} is batch output, which carries decisions, not the names and"
            " ID numbers this report lists (report progress reads batch output)"
        )


def batch_rows(path: str) -> Iterator[tuple[dict[str, Any] | None, Any]]:
    """(decision, error) of each row of batch JSONL output (checked by its sidecar)."""
    with open(path, encoding="utf-8") as f:
        for k, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise RosterFormatError(f"{path}: line {k} is not a row mzpolicy batch writes") from None
            if not isinstance(row, dict) or ("decision" not in row and "error" not in row):
                raise RosterFormatError(f"{path}: line {k} is not a row mzpolicy batch writes")
            yield row.get("decision"), row.get("error")


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


def assistance_county_header(names: Names, lang: str) -> list[str]:
    cells = []
    for source in names.sources:
        name = names.source(source, lang)
        cells += [f"{name}人数", f"{name}金额"] if lang == "zh" else [f"persons, {name}", f"yuan, {name}"]
    if lang == "zh":
        return ["代码", "县(市、区)", *cells, "合计人数", "合计金额"]
    return ["code", "county", *cells, "persons", "yuan"]


def assistance(job: Roster, lang: str) -> Report:
    """The 免缴台账: every fully subsidised person, with totals per county and per list owner."""
    ledger = AssistanceLedger()
    with job.opened():
        for row in job.rows():
            if row.error is not None:
                ledger.errors += 1
                continue
            d = row.answer["decision"]
            ledger.years.add((d.get("policy_year"), d.get("document")))
            resident = row.resident or {}
            region = (d.get("enrollment") or {}).get("region") or ""
            ledger.add(row.n, resident.get("name", ""), resident.get("id_number", ""), region, row.answer.get("ledger"))
        return ledger.report(job, lang)


class AssistanceLedger:
    """The 免缴台账 as it is read: each decided row's 免缴台账 facts (the
    `ledger` of entrypoints.BATCH_ROWS: source, amount, qualifying
    identities, list owner and clause, all the policy's), added in row order;
    the error rows counted, the (policy year, document) pairs decided noted.
    `report` lays out the tables: for `mzpolicy report assistance` and for
    callers that read the facts from decided output (mzpolicy-spark)."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, str, str, str, dict[str, Any]]] = []
        self.errors = 0
        self.years: set[tuple[Any, Any]] = set()

    def add(self, n: int, name: str, id_number: str, region: str, ledger: dict[str, Any] | None) -> None:
        """A decided row; a row without a ledger (not fully subsidised) is not listed."""
        if ledger:
            self.entries.append((n, name, id_number, region, ledger))

    def report(self, job: Roster, lang: str) -> Report:
        """The tables, with the names of codes and the years' list owners asked
        of `job`'s OPA (opened)."""
        names = Names.of(job)
        persons = Table(
            {"zh": "政府全额资助参保人员（免缴台账）", "en": "Fully subsidised residents (免缴台账)"}[lang],
            ASSISTANCE_HEADER[lang],
            numeric={0, 9},
        )
        by_county: dict[str, dict[str, list[Any]]] = {}
        by_owner: dict[str, list[Any]] = {}
        for n, name, id_number, region, ledger in self.entries:
            amount = yuan(ledger["amount"])
            persons.add(
                [
                    n,
                    name,
                    id_number,
                    region,
                    names.region(region, lang),
                    names.source(ledger["source"], lang),
                    names.identities(ledger["identities"], lang),
                    names.list_owner(ledger["list_owner"], lang),
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
        years = self.years
        # Who keeps which list is the year's (its table's list_owners); the
        # first year decided names them, in its order.
        year = sorted(years, key=str)[0][0] if years else None
        listed = job.query(f"{entrypoints.YEARS}/{year}/list_owners/list") if year else None
        owners = {o["code"]: o for o in listed or []}
        names.order_sources(job, years)
        county_header = assistance_county_header(names, lang)
        county_table = Table(
            {"zh": "按县(市、区)合计", "en": "Totals per county"}[lang],
            county_header,
            numeric=set(range(2, len(county_header))),
        )
        total: dict[str, list[Any]] = {}
        for code in sorted(by_county):
            cells: list[Any] = [code or "—", names.region(code, lang)]
            for key in (*names.sources, "all"):
                n, amount = by_county[code].get(key, [0, Decimal(0)])
                cells += [n, money(amount)]
                t = total.setdefault(key, [0, Decimal(0)])
                t[0] += n
                t[1] += amount
            county_table.add(cells)
        cells = ["", "合计" if lang == "zh" else "total"]
        for key in (*names.sources, "all"):
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
            owner_table.add([names.list_owner(code, lang), names.source(o["source"], lang), n, money(amount)])
        notes = year_notes(years, lang)
        errors = self.errors
        if errors:
            notes.append(f"错误 {errors} 行（未计入）。" if lang == "zh" else f"{errors} error rows (not counted).")
        return Report([persons, county_table, owner_table], notes, errors)


# ---------------------------------------------------------------- duplicates


def payment_flag_of(resident: dict[str, Any]) -> str | None:
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


def duplicates(path: str, make_job: Callable[[str], Roster], lang: str) -> Report:
    """重复参保 in the roster at `path` (a file that can be read twice): a
    first pass counts ID numbers on disk, only the rows found are decided."""
    with tempfile.TemporaryDirectory() as tmp:
        job = make_job(path)
        db = sqlite3.connect(os.path.join(tmp, "ids.sqlite"))
        db.execute("CREATE TABLE ids (id TEXT, n INTEGER)")
        flagged: dict[int, str] = {}
        with job.opened():
            names = Names.of(job)
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
            job2 = make_job(path)
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
    tables = [same_id_table(duplicate_rows, decided, names, lang), flagged_table(flagged, decided, names, lang)]
    notes = year_notes(years, lang)
    if rule and cited:
        notes.append(f"{rule['title']}（{cited['clause']}）: {rule['text'][lang]}")
    return Report(tables, notes, sum(1 for row in decided.values() if row.error is not None))


def _scan(job: Roster, flagged: dict[int, str]) -> Iterator[tuple[str, int]]:
    """(id_number, row) of every readable row; rows with a 重复参保 flag noted."""
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
        flag = payment_flag_of(resident)
        if flag:
            flagged[item.n] = flag


def _occurrence(row: Any, names: Names, lang: str) -> list[Any]:
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
        f"{region} {names.region(region, lang)}".strip() if region else "—",
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


def same_id_table(duplicate_rows: dict[int, str], decided: dict[int, Any], names: Names, lang: str) -> Table:
    table = Table(
        {"zh": "名册中同一证件号码出现多次", "en": "The same ID number more than once in the roster"}[lang],
        (["证件号码", "行"] if lang == "zh" else ["ID number", "row"]) + OCCURRENCE_HEADER[lang],
        numeric={1},
    )
    for n, ident in sorted(duplicate_rows.items(), key=lambda item: (item[1], item[0])):
        row = decided.get(n)
        if row is not None:
            table.add([ident, n, *_occurrence(row, names, lang)])
    return table


def flagged_table(flagged: dict[int, str], decided: dict[int, Any], names: Names, lang: str) -> Table:
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
        table.add([n, ident, FLAG_NAMES[lang][flagged[n]], condition, *_occurrence(row, names, lang)])
    return table
