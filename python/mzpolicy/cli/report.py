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
import json
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
from ..roster.reports import Rate, identity_names, money, rate, region_name
from ..roster.tally import yuan
from .errors import BadInput, OutputFailed
from .options import lang as lang_option
from .options import roster as roster_options
from .signals import current, output_stream, stops_cleanly

REPORT_EXIT_CODES = (
    "Exit codes: 0 the report is written; 1 it is written, and some rows are errors (not counted: `mzpolicy"
    " batch` lists them); 2 usage, or batch output that is incomplete, changed or of another policy year;"
    " 3 OPA could not be reached; 4 the report could not be written; 130 interrupted (SIGINT); 143"
    " terminated (SIGTERM). With --out FILE, FILE appears (mode 0600) only when the report is whole."
)


def report_options(f: Any) -> Any:
    f = click.option("--out", type=str, help="Write the report to this file instead of standard output.")(f)
    f = lang_option(None)(f)
    f = click.option(
        "--excel",
        is_flag=True,
        help='With --format csv: for a spreadsheet: a UTF-8 BOM, ID numbers kept as text (="…").',
    )(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "markdown", "json", "xlsx"]),
        default="table",
        show_default=True,
        help="table for the terminal; csv and markdown for the weekly 通报; json for machines (and next week's"
        " --last-week); xlsx (with --out FILE) for people: typed cells, one sheet per table.",
    )(f)
    return roster_options(f)


def _write(
    tables: list[Table],
    fmt: str,
    notes: list[str],
    out: str | None,
    excel: bool,
    document: Any = None,
    chart: Any = None,
) -> None:
    """The report in its format; json: `document`, else the tables as objects."""
    if excel and fmt != "csv":
        raise click.UsageError("--excel is a CSV variant: it goes with --format csv")
    if fmt == "xlsx":
        from ..render.spreadsheet import tables_workbook
        from ..roster.io import OutputError

        if not out:
            raise click.UsageError("--format xlsx writes a workbook: give --out FILE.xlsx")
        try:
            with current().held(last=True):
                tables_workbook(out, tables, notes, chart)
        except OutputError as exc:
            raise OutputFailed(str(exc)) from None
        return
    with output_stream(out) as stream:
        if fmt == "json":
            if document is None:
                document = {"tables": [{"title": t.title, "rows": t.records()} for t in tables], "notes": notes}
            stream.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        else:
            emit(stream, tables, fmt, notes, excel=excel)


def _errors_exit(errors: int, lang: str) -> None:
    """Exit 1 where rows could not be decided: the report leaves them out."""
    if errors:
        click.echo(
            f"{errors} 行未能作出决定（未计入）；`mzpolicy batch` 列出这些行。"
            if lang == "zh"
            else f"{errors} rows could not be decided (not counted); `mzpolicy batch` lists them.",
            err=True,
        )
        click.get_current_context().exit(1)


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
PLAN_HEADER = {"zh": ["任务数", "任务完成率"], "en": ["task", "rate of task"]}
LAST_WEEK_HEADER = {"zh": ["上周完成率", "较上周(百分点)"], "en": ["last week", "change (points)"]}
RANK_HEADER = {"zh": "排名", "en": "rank"}


class Change(str):
    """A change of rate in percentage points as printed (+2.5), a signed number in a spreadsheet."""

    kind = "signed_rate"

    def __new__(cls, change: float | None) -> Change:
        self = super().__new__(cls, "—" if change is None else f"{100 * change:+.1f}")
        self.change = change
        return self

    def typed(self) -> float | None:
        return None if self.change is None else round(100 * self.change, 6)


def _rate_of(value: float | None) -> Rate:
    return Rate(0, 0, "—") if value is None else _fraction_rate(value)


def _fraction_rate(value: float) -> Rate:
    r = Rate(0, 0, f"{100 * value:.1f}%")
    r.fraction = value
    return r


@report.command("progress", epilog=REPORT_EXIT_CODES)
@click.argument("roster", type=str)
@click.option(
    "--plan",
    type=str,
    metavar="FILE",
    help="The 征缴计划 (2025 七(二)): 任务数 per county, CSV `code,task` or YAML {code: task}; the rate and"
    " the ranking are then of the task.",
)
@click.option(
    "--last-week",
    type=str,
    metavar="FILE",
    help="Last week's report (what --format json wrote): the change of each county's rate since.",
)
@click.option(
    "--chart",
    type=str,
    metavar="FILE",
    help="Also draw the rate per county (matplotlib) to FILE.png or FILE.svg; markdown links it. xlsx output"
    " has a native chart always.",
)
@report_options
@stops_cleanly
def progress_command(
    roster: str,
    plan: str | None,
    last_week: str | None,
    chart: str | None,
    fmt: str,
    excel: bool,
    lang: str,
    out: str | None,
    **options: Any,
) -> None:
    """Collection progress per county, the weekly 通报 (参保缴费进度, 2025 七(三)).

    ROSTER is a roster, or the JSONL output of `mzpolicy batch --out FILE`
    (decide once, report many): its sidecar FILE.meta.json must say it is
    complete and of one policy year (the one --year names, if given).

    Per county (where the decision enrolls the person, enrollment.region):
    eligible persons; paid (a payment on the record that the decision
    accepts); fully subsidised, by source (contribution.assistance); unpaid
    (eligible, neither paid nor subsidised); the amount collected
    (the decision's collected); and the rate (paid + subsidised) / eligible. With
    --plan, each county's 任务数 and the rate of it; with --last-week, the
    change in percentage points; a ranking by the rate (of the task where
    a plan is given). Ineligible and error rows are counted below the table.
    --as-of names the reporting date; without it each row's own as_of, else
    today, is used.
    """
    from ..roster import meta, weekly

    if chart and not chart.lower().endswith((".png", ".svg")):
        raise click.UsageError("--chart FILE: FILE ends in .png or .svg")
    progress = weekly.Progress()
    source: dict[str, Any] | None = None
    if meta.is_batch_output(roster):
        try:
            source = meta.check(roster, options["policy_year"])
        except meta.MetaError as exc:
            raise BadInput(str(exc)) from None
        decided_on = source.get("as_of_range") or []
        if options["as_of"] and decided_on and decided_on != [options["as_of"]] * 2:
            raise BadInput(
                f"--as-of {options['as_of']}: {roster} was decided on {_dates(set(decided_on))};"
                " a report of batch output does not decide again: give the roster for another date"
            )
        for decision, error in _batch_rows(roster):
            progress.add(decision, error)
        as_of = _dates(progress.dates)
    else:
        job = _job(roster, options)
        with job.opened():
            for row in job.rows():
                payment = (row.resident or {}).get("payment") or {}
                progress.add(row.answer if row.error is None else None, row.error, payment.get("amount"))
            as_of = job.as_of or _dates(progress.dates)
    try:
        last = weekly.read_last_week(last_week) if last_week else None
        if last is not None and progress.policy_year is not None and last.get("policy_year") != progress.policy_year:
            raise weekly.PlanError(
                f"--last-week {last_week}: its policy year is {last.get('policy_year')},"
                f" this week's {progress.policy_year}"
            )
        if plan:
            progress.apply_plan(weekly.read_plan(plan, progress.policy_year))
    except weekly.PlanError as exc:
        raise BadInput(str(exc)) from None
    document = progress.document(as_of, source, last)
    title = {
        "zh": f"城乡居民医保参保缴费进度通报（截至 {as_of}）",
        "en": f"Resident insurance collection progress as of {as_of}",
    }
    header = list(PROGRESS_HEADER[lang])
    if plan:
        header += PLAN_HEADER[lang]
    if last is not None:
        header += LAST_WEEK_HEADER[lang]
    header.append(RANK_HEADER[lang])
    table = Table(title[lang], header, numeric=set(range(2, len(header))))
    for entry in [*document["counties"], document["total"]]:
        code = entry["code"]
        cells: list[Any] = [code or ("" if entry is document["total"] else "—"), entry["name"][lang]]
        s = entry["subsidised"]
        cells += [
            entry["eligible"],
            entry["paid"],
            entry["unpaid"],
            s.get("medical_assistance", 0),
            s.get("county_government", 0),
            money(Decimal(str(entry["collected"])).quantize(Decimal("0.01"))),
            rate(entry["done"], entry["eligible"]),
        ]
        if plan:
            cells += [
                entry["task"] if entry["task"] is not None else "—",
                _rate_of(entry["rate"] if entry["task"] else None),
            ]
        if last is not None:
            cells += [_rate_of(entry["last_week_rate"]), Change(entry["change"])]
        cells.append(entry["rank"] if entry["rank"] is not None else ("" if entry is document["total"] else "—"))
        table.add(cells)
    notes = _year_notes(progress.years, lang)
    if lang == "zh":
        notes.append(f"不属参保对象 {progress.ineligible} 行，错误 {progress.errors} 行（不计入上表）。")
        if plan:
            notes.append("任务数：市下达的征缴计划（2025 七(二)）；排名按任务完成率（已缴费与政府资助人数 / 任务数）。")
        else:
            notes.append("排名按完成率（已缴费与政府资助人数 / 参保对象）。")
        if last is not None:
            notes.append(f"较上周：与 {last.get('as_of')} 的通报相比的百分点变化。")
        if source is not None:
            notes.append(_source_note(source, lang))
    else:
        notes.append(f"Ineligible rows {progress.ineligible}, error rows {progress.errors} (not in the table).")
        notes.append(
            "Ranked by the rate of the task (paid and subsidised / task)."
            if plan
            else "Ranked by the rate (paid and subsidised / eligible)."
        )
        if last is not None:
            notes.append(f"Change: percentage points since the report of {last.get('as_of')}.")
        if source is not None:
            notes.append(_source_note(source, lang))
    ranked = [e for e in document["counties"] if e["rate"] is not None]
    names = [e["name"][lang] for e in ranked]
    rates = [e["rate"] for e in ranked]
    label = {"zh": "任务完成率" if plan else "完成率", "en": "rate of task" if plan else "rate"}[lang]
    if chart:
        from ..render.chart import rate_chart

        warning = rate_chart(chart, title[lang], names, rates, label)
        if warning:
            click.echo(f"mzpolicy report: {warning}", err=True)
        if fmt == "markdown":
            link = os.path.relpath(chart, os.path.dirname(os.path.abspath(out))) if out else chart
            notes.append(f"![{label}]({link})")
    native = None
    if fmt == "xlsx" and ranked:
        from ..render.chart import xlsx_rate_chart

        rate_col = header.index(PLAN_HEADER[lang][1]) if plan else header.index(PROGRESS_HEADER[lang][-1])
        count = len(document["counties"])

        def native(book: Any, sheets: list[Any]) -> None:
            xlsx_rate_chart(book, sheets[0], 3, 3 + count - 1, 1, rate_col, label)

    _write([table], fmt, notes, out, excel, document=document, chart=native)
    _errors_exit(progress.errors, lang)


def _dates(dates: set[str]) -> str:
    return min(dates) if len(dates) == 1 else "—".join([min(dates), max(dates)]) if dates else "—"


def _source_note(source: dict[str, Any], lang: str) -> str:
    years = source.get("policy_years") or []
    revision = source.get("bundle_revision")
    if lang == "zh":
        return (
            f"数据来源：批量审核结果 {source.get('output')}（{source.get('rows')} 行，"
            f"医保年度 {'、'.join(map(str, years))}，政策版本 {_short(revision) or '未知'}）。"
        )
    return (
        f"Source: batch output {source.get('output')} ({source.get('rows')} rows,"
        f" policy year {', '.join(map(str, years))}, bundle {_short(revision) or 'unknown'})."
    )


def _short(revision: str | None) -> str | None:
    """A digest's first 12 hex digits, as git shortens a commit (the json report has it whole)."""
    if revision and revision.startswith("sha256:"):
        return revision[:19]
    return revision


def _roster_only(path: str, name: str) -> None:
    from ..roster import meta

    if meta.is_batch_output(path):
        raise BadInput(
            f"report {name} reads a roster: {path} is batch output, which carries decisions, not the names and"
            " ID numbers this report lists (report progress reads batch output)"
        )


def _batch_rows(path: str) -> Iterator[tuple[dict[str, Any] | None, Any]]:
    """(decision, error) of each row of batch JSONL output (checked by its sidecar)."""
    with open(path, encoding="utf-8") as f:
        for k, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise BadInput(f"{path}: line {k} is not a row mzpolicy batch writes") from None
            if not isinstance(row, dict) or ("decision" not in row and "error" not in row):
                raise BadInput(f"{path}: line {k} is not a row mzpolicy batch writes")
            yield row.get("decision"), row.get("error")


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
def assistance_command(roster: str, fmt: str, excel: bool, lang: str, out: str | None, **options: Any) -> None:
    """The 免缴台账: every fully subsidised person, with totals.

    Each person whose individual share the decision has paid in full by
    医疗救助 or the county government: the source, the identities that
    qualify under it, the department that keeps the list (医保, 残联, 卫健,
    退役军人事务: the year's table, list_owners), the clause and the
    amount. Totals per county and per list owner follow, for reconciliation
    with the 民政 / 农业农村 / 残联 / 卫健 lists (2023 三(四)).

    ROSTER is the roster itself: the ledger names each person, which batch
    output does not carry.
    """
    _roster_only(roster, "assistance")
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
    _write([persons, county_table, owner_table], fmt, notes, out, excel)
    _errors_exit(errors, lang)


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
def duplicates_command(roster: str, fmt: str, excel: bool, lang: str, out: str | None, **options: Any) -> None:
    """重复参保: the same ID number twice in the roster, and people enrolled
    elsewhere or in 职工医保 with a payment on record.

    A first pass finds the rows (ID numbers counted on disk, so memory stays
    flat); only those rows are then decided. For each, what the policy says:
    the decision (eligible, payment accepted, refund) and the trail entries
    of the conditions and the refund rule, with their clauses; for an ID
    number seen twice, the 清理重复参保 rule (its id duplicate_enrollment_cleanup,
    its text from the rule index, its clause from the year's table).

    ROSTER is the roster itself: ID numbers are compared, which batch output
    does not carry.
    """
    _roster_only(roster, "duplicates")
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
    _write(tables, fmt, notes, out, excel)
    _errors_exit(sum(1 for row in decided.values() if row.error is not None), lang)


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
