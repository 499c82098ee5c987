"""The same resident under several policy years, side by side.

Each year decides on its own (OPA); this module lines the decisions up:
as_of (and the record's payment date) moved to the same point of each year's
cycle, dates in the decisions compared after the same shift, and for every
field that differs, the clauses each year's trail gives for that part of the
decision. No policy is decided here.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_SKIP = {"trail", "document", "policy_year", "as_of"}


def shift_date(value: str, years: int) -> str:
    d = dt.date.fromisoformat(value)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 29 February into a common year
        return d.replace(year=d.year + years, day=28).isoformat()


def requests_for(
    request: dict[str, Any], years: list[int], same_date: bool, base_year: int
) -> dict[int, dict[str, Any]]:
    """One request per year; unless same_date, as_of and payment.date move
    with the year, from `base_year`: the year the policy puts as_of in
    (entrypoints.POLICY_YEAR; the rule is the policy's, not this module's)."""
    out = {}
    for year in years:
        r = copy.deepcopy(request)
        r["policy_year"] = year
        if not same_date:
            offset = year - base_year
            r["as_of"] = shift_date(r["as_of"], offset)
            payment = r["resident"].get("payment")
            if isinstance(payment, dict) and isinstance(payment.get("date"), str):
                payment["date"] = shift_date(payment["date"], offset)
        out[year] = r
    return out


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not prefix and k in _SKIP:
                continue
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else k))
        return out
    return {prefix: value}


def _comparable(value: Any, offset: int) -> Any:
    if isinstance(value, str) and _DATE.match(value):
        return shift_date(value, -offset)
    if isinstance(value, list):
        return sorted(map(str, value))
    return value


def _clauses(decision: dict[str, Any], field: str, explains: dict[str, list[str]]) -> list[dict[str, str]]:
    """The trail entries that explain the field's part of the decision (the
    rule index says which parts each rule's package explains) and apply."""
    part = field.split(".")[0]
    out = []
    for entry in decision.get("trail", []):
        if part in explains.get(entry["rule"], []) and entry["outcome"] != "not_applicable":
            out.append(
                {
                    "clause": entry["clause"],
                    "rule": entry["rule"],
                    "outcome": entry["outcome"],
                    "message": entry["message"],
                }
            )
    return out


def compare(
    decisions: dict[int, dict[str, Any]], requests: dict[int, dict[str, Any]], explains: dict[str, list[str]]
) -> dict[str, Any]:
    """The decisions side by side; explains: for each rule id, the parts of
    the decision it explains (from the rule index)."""
    years = sorted(decisions)
    first = years[0]
    flat = {y: _flatten(decisions[y]) for y in years}
    offsets = {y: y - first for y in years}
    fields = sorted(set().union(*flat.values()))
    differences = []
    for field in fields:
        values = {y: flat[y].get(field) for y in years}
        if len({repr(_comparable(values[y], offsets[y])) for y in years}) > 1:
            differences.append(
                {
                    "field": field,
                    "values": {str(y): values[y] for y in years},
                    "clauses": {str(y): _clauses(decisions[y], field, explains) for y in years},
                }
            )
    return {
        "years": years,
        "as_of": {str(y): requests[y]["as_of"] for y in years},
        "documents": {str(y): decisions[y]["document"] for y in years},
        "differences": differences,
        "decisions": {str(y): decisions[y] for y in years},
    }
