"""The weekly 参保缴费进度通报 (2025 七(三): 每周对各县（市、区）定期通报参保缴费
工作进度) against the county's 任务数 (七(二): 根据市下达的征缴计划): counts
per county from the decisions, the plan, last week's report, the change
and the ranking. Counting and arithmetic only: who is eligible, paid or
subsidised is each decision's answer.

The plan (`report progress --plan FILE`): the 征缴计划's 任务数 per county.
CSV with a header row `code,task` (the county's 6-digit code, the number of
persons to enroll), or YAML/JSON: a mapping `{code: task}`, or
`{policy_year: 2025, tasks: {code: task}}`. A code must be one of the
regions of data.mz.reference (as the OPA that decides has them); a task a
whole number of at least 1.

Last week's report (`--last-week FILE`): what `report progress --format
json` wrote a week before, of the same policy year.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Container
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

import yaml

from .io import RosterFormatError
from .tally import yuan

REPORT_KIND = "progress"


class PlanError(RosterFormatError):
    """The plan or last week's report cannot be used (exit 2): the message names the file, line and field."""


class Names(Protocol):
    """What the report names counties by (mzpolicy.roster.reports.Names: the bundle's data.mz.reference)."""

    sources: list[str]

    def region(self, code: str | None, lang: str) -> str: ...


@dataclass
class Counts:
    """One county's figures (or the total's)."""

    eligible: int = 0
    paid: int = 0
    subsidised: dict[str, int] = field(default_factory=dict)  # by source, as the decisions name them
    collected: Decimal = Decimal(0)
    task: int | None = None

    @property
    def done(self) -> int:
        return self.paid + sum(self.subsidised.values())

    @property
    def unpaid(self) -> int:
        return self.eligible - self.done

    def add_decision(self, decision: dict[str, Any], collected: Any = None) -> None:
        self.eligible += 1
        assistance = decision["contribution"].get("assistance")
        if assistance:
            self.subsidised[assistance["source"]] = self.subsidised.get(assistance["source"], 0) + 1
        elif decision["payment"].get("accepted") is True:
            self.paid += 1
            # The decision's own `collected` (batch output); from a roster, the record's amount.
            amount = decision.get("collected", collected)
            self.collected += yuan(amount if amount is not None else collected)

    def add(self, other: Counts) -> None:
        self.eligible += other.eligible
        self.paid += other.paid
        for k, v in other.subsidised.items():
            self.subsidised[k] = self.subsidised.get(k, 0) + v
        self.collected += other.collected
        if other.task is not None:
            self.task = (self.task or 0) + other.task

    @property
    def rate_of_eligible(self) -> float | None:
        return self.done / self.eligible if self.eligible else None

    @property
    def rate(self) -> float | None:
        """完成率: done / 任务数 where the plan gives one, else done / eligible."""
        base = self.task if self.task is not None else self.eligible
        return self.done / base if base else None


class Progress:
    """Counties' counts as decisions come in."""

    def __init__(self) -> None:
        self.counties: dict[str, Counts] = {}
        self.ineligible = 0
        self.errors = 0
        self.years: set[tuple[Any, Any]] = set()
        self.dates: set[str] = set()

    def add(self, decision: dict[str, Any] | None, error: Any = None, collected: Any = None) -> None:
        if error is not None or decision is None:
            self.errors += 1
            return
        self.years.add((decision.get("policy_year"), decision.get("document")))
        self.dates.add(decision.get("as_of") or "")
        if not decision["eligible"]:
            self.ineligible += 1
            return
        region = (decision.get("enrollment") or {}).get("region") or ""
        self.counties.setdefault(region, Counts()).add_decision(decision, collected)

    def apply_plan(self, tasks: dict[str, int]) -> None:
        for code, task in tasks.items():
            self.counties.setdefault(code, Counts()).task = task

    @property
    def policy_year(self) -> int | None:
        years = {y for y, _ in self.years if y is not None}
        return next(iter(years)) if len(years) == 1 else None

    def ranked(self) -> list[tuple[str, Counts, int | None]]:
        """(code, counts, rank) by code; rank by 完成率, highest first, ties
        sharing a rank (1, 2, 2, 4); a county with no rate has none."""
        rates = sorted({c.rate for c in self.counties.values() if c.rate is not None}, reverse=True)
        ordered = sorted((c.rate for c in self.counties.values() if c.rate is not None), reverse=True)
        ranks = {r: ordered.index(r) + 1 for r in rates}
        return [
            (code, c, ranks.get(c.rate) if c.rate is not None else None) for code, c in sorted(self.counties.items())
        ]

    def total(self) -> Counts:
        total = Counts()
        for c in self.counties.values():
            total.add(c)
        return total

    def document(
        self, as_of: str, source: dict[str, Any] | None, last: dict[str, Any] | None, names: Names
    ) -> dict[str, Any]:
        """The report as JSON (`--format json`, next week's --last-week);
        subsidised has every source `names` knows (0 where none)."""
        previous = {c["code"]: c for c in (last or {}).get("counties", [])}
        if isinstance((last or {}).get("total"), dict):
            previous[""] = last["total"]  # type: ignore[index]

        def entry(code: str, c: Counts, rank: int | None) -> dict[str, Any]:
            before = previous.get(code, {}).get("rate")
            return {
                "code": code,
                "name": {lang: names.region(code, lang) for lang in ("zh", "en")},
                "task": c.task,
                "eligible": c.eligible,
                "paid": c.paid,
                "unpaid": c.unpaid,
                "subsidised": dict.fromkeys(names.sources, 0) | c.subsidised,
                "done": c.done,
                "collected": float(c.collected),
                "rate": c.rate,
                "rate_of_eligible": c.rate_of_eligible,
                "rate_basis": "task" if c.task is not None else "eligible",
                "last_week_rate": before,
                "change": (c.rate - before) if c.rate is not None and isinstance(before, int | float) else None,
                "rank": rank,
                "last_week_rank": previous.get(code, {}).get("rank"),
            }

        total = self.total()
        documents = sorted({d for _, d in self.years if d}, key=str)
        return {
            "report": REPORT_KIND,
            "policy_year": self.policy_year,
            "documents": documents,
            "as_of": as_of,
            "last_week_as_of": (last or {}).get("as_of"),
            "source": source,
            "counties": [entry(code, c, rank) for code, c, rank in self.ranked()],
            "total": entry("", total, None) | {"name": {"zh": "合计", "en": "total"}},
            "ineligible": self.ineligible,
            "errors": self.errors,
        }


# ---------------------------------------------------------------- inputs


def read_plan(path: str, regions: Container[str], policy_year: int | None = None) -> dict[str, int]:
    """The plan's 任务数 per county code (format in the module's docstring);
    `regions`: the codes of the regions of data.mz.reference."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as exc:
        raise PlanError(f"--plan {path}: cannot read it: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise PlanError(f"--plan {path}: not UTF-8 text") from None
    tasks: dict[str, int] = {}

    def put(where: str, code: Any, task: Any) -> None:
        code = str(code).strip()
        if code not in regions:
            raise PlanError(f"--plan {path}: {where}: code {code!r} is not a region of Meizhou (data.mz.reference)")
        if code in tasks:
            raise PlanError(f"--plan {path}: {where}: county {code} appears twice")
        if isinstance(task, str) and task.strip().isdigit():
            task = int(task.strip())
        if not isinstance(task, int) or isinstance(task, bool) or task < 1:
            raise PlanError(f"--plan {path}: {where}: task {task!r} is not a whole number of at least 1")
        tasks[code] = task

    if path.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or not {"code", "task"} <= {n.strip() for n in reader.fieldnames}:
            raise PlanError(f"--plan {path}: the header must name the columns code and task")
        for k, row in enumerate(reader, start=2):
            row = {(key or "").strip(): (value or "") for key, value in row.items()}
            if not any(v.strip() for v in row.values()):
                continue
            put(f"line {k}", row["code"], row["task"])
    else:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise PlanError(f"--plan {path}: not YAML or JSON: {exc}") from None
        if isinstance(document, dict) and "tasks" in document:
            year = document.get("policy_year")
            if policy_year is not None and year is not None and year != policy_year:
                raise PlanError(f"--plan {path}: policy_year {year}, but the decisions are of {policy_year}")
            document = document["tasks"]
        if not isinstance(document, dict):
            raise PlanError(f"--plan {path}: expected a mapping of county code to task")
        for code, task in document.items():
            put(f"county {code}", code, task)
    if not tasks:
        raise PlanError(f"--plan {path}: no county in it")
    return tasks


def read_last_week(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except OSError as exc:
        raise PlanError(f"--last-week {path}: cannot read it: {exc.strerror}") from None
    except ValueError as exc:
        raise PlanError(f"--last-week {path}: not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("report") != REPORT_KIND:
        raise PlanError(f"--last-week {path}: not what `mzpolicy report progress --format json` writes")
    if not isinstance(document.get("counties"), list):
        raise PlanError(f"--last-week {path}: it has no counties")
    return document
