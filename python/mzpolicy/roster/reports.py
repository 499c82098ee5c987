"""What the roster reports count, group and name (`mzpolicy report ...`):
issue #5's duties of the notices, from the decisions OPA makes for every row.

- progress: the weekly 参保缴费进度通报 per county (2025 七(三)).
- assistance: the 免缴台账 of the fully subsidised, per county and per list
  owner (2023 三(四); 2025 五(三)), for reconciliation with the lists.
- duplicates: 重复参保 (2023 四(一)): the same ID number twice in the roster,
  and people enrolled elsewhere or in 职工医保 who have a payment on record.

Counting, grouping and layout only: who is eligible, paid, subsidised, by
which source and under which clause is each decision's answer; the names of
counties, identities, subsidy sources and list owners, and which sources
there are, are the bundle's (data.mz.reference), asked of the OPA that decides.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import entrypoints, records
from ..render.table import Table
from .engine import Roster
from .tally import yuan


@dataclass
class Report:
    """A report's tables, the notes below them, and the rows that were errors."""

    tables: list[Table]
    notes: list[str]
    errors: int


class Names:
    """Display names of codes, from the bundle's data.mz.reference."""

    def __init__(self, reference: dict[str, Any]):
        self.reference = reference
        self.sources: list[str] = sorted(reference.get("assistance_sources") or {})

    @classmethod
    def of(cls, job: Roster) -> Names:
        return cls(job.query(entrypoints.REFERENCE) or {})

    def order_sources(self, job: Roster, years: set[tuple[Any, Any]]) -> None:
        """The subsidy sources in the order the first year decided lists its
        list owners (its table's list_owners: 医疗救助 first), the rest after."""
        year = sorted(years, key=str)[0][0] if years else None
        listed = job.query(f"{entrypoints.YEARS}/{year}/list_owners/list") if year else None
        first = [o["source"] for o in listed or [] if isinstance(o, dict) and "source" in o]
        self.sources = list(dict.fromkeys([*first, *self.sources]))

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


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def rate(done: int, of: int) -> str:
    return f"{100 * done / of:.1f}%" if of else "—"


def year_notes(years: set[tuple[Any, Any]], lang: str) -> list[str]:
    label = "医保年度" if lang == "zh" else "Policy year"
    return [f"{label} {y} ({doc})" for y, doc in sorted(years, key=str)]


# ---------------------------------------------------------------- progress


def progress_header(names: Names, lang: str) -> list[str]:
    sources = [names.source(s, lang) + ("资助" if lang == "zh" else "") for s in names.sources]
    if lang == "zh":
        return ["代码", "县(市、区)", "参保对象", "已缴费", "未缴费", *sources, "已征收(元)", "完成率"]
    return ["code", "county", "eligible", "paid", "unpaid", *sources, "collected (yuan)", "rate"]


class ProgressCounts:
    def __init__(self, sources: list[str]) -> None:
        self.eligible = 0
        self.paid = 0
        self.subsidised: dict[str, int] = dict.fromkeys(sources, 0)
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

    def cells(self, sources: list[str]) -> list[Any]:
        return [
            self.eligible,
            self.paid,
            self.unpaid,
            *(self.subsidised.get(source, 0) for source in sources),
            money(self.collected),
            rate(self.done, self.eligible),
        ]


def progress(job: Roster, lang: str) -> Report:
    """Per county (where the decision enrolls the person): eligible, paid,
    subsidised by source, unpaid, collected, and the rate."""
    counties: dict[str, ProgressCounts] = {}
    ineligible = errors = 0
    years: set[tuple[Any, Any]] = set()
    dates: set[str] = set()
    with job.opened():
        names = Names.of(job)
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
            counts = counties.setdefault(region, ProgressCounts(names.sources))
            counts.eligible += 1
            assistance = d["contribution"].get("assistance")
            if assistance:
                counts.subsidised[assistance["source"]] = counts.subsidised.get(assistance["source"], 0) + 1
            elif d["payment"].get("accepted") is True:
                counts.paid += 1
                counts.collected += yuan(((row.resident or {}).get("payment") or {}).get("amount"))
        names.order_sources(job, years)
        as_of = job.as_of or (min(dates) if len(dates) == 1 else "—".join([min(dates), max(dates)]) if dates else "—")
    title = {
        "zh": f"城乡居民医保参保缴费进度（截至 {as_of}）",
        "en": f"Resident insurance collection progress as of {as_of}",
    }
    header = progress_header(names, lang)
    table = Table(title[lang], header, numeric=set(range(2, len(header))))
    total = ProgressCounts(names.sources)
    for code in sorted(counties):
        table.add([code or "—", names.region(code, lang), *counties[code].cells(names.sources)])
        total.add(counties[code])
    table.add(["", "合计" if lang == "zh" else "total", *total.cells(names.sources)])
    notes = year_notes(years, lang)
    if lang == "zh":
        notes.append(f"不属参保对象 {ineligible} 行，错误 {errors} 行（不计入上表）。")
    else:
        notes.append(f"Ineligible rows {ineligible}, error rows {errors} (not in the table).")
    return Report([table], notes, errors)


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
    persons = Table(
        {"zh": "政府全额资助参保人员（免缴台账）", "en": "Fully subsidised residents (免缴台账)"}[lang],
        ASSISTANCE_HEADER[lang],
        numeric={0, 9},
    )
    by_county: dict[str, dict[str, list[Any]]] = {}
    by_owner: dict[str, list[Any]] = {}
    errors = 0
    years: set[tuple[Any, Any]] = set()
    with job.opened():
        names = Names.of(job)
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
            persons.add(
                [
                    row.n,
                    resident.get("name", ""),
                    resident.get("id_number", ""),
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
    if errors:
        notes.append(f"错误 {errors} 行（未计入）。" if lang == "zh" else f"{errors} error rows (not counted).")
    return Report([persons, county_table, owner_table], notes, errors)


# ---------------------------------------------------------------- duplicates


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
    tables = [_same_id_table(duplicate_rows, decided, names, lang), _flagged_table(flagged, decided, names, lang)]
    notes = year_notes(years, lang)
    if rule and cited:
        notes.append(f"{rule['title']}（{cited['clause']}）: {rule['text'][lang]}")
    return Report(tables, notes, 0)


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
        flag = _flag(resident)
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


def _same_id_table(duplicate_rows: dict[int, str], decided: dict[int, Any], names: Names, lang: str) -> Table:
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


def _flagged_table(flagged: dict[int, str], decided: dict[int, Any], names: Names, lang: str) -> Table:
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
