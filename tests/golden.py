"""Golden cases: YAML an officer can read (openfisca-style situations).

A file under fixtures/golden/ holds `cases:`, each with `name`, `clause`
(what it tests), `as_of`, optional `policy_year`, the resident as `record`
(inline mapping) or `record_file` (path under fixtures/), `expect` (dotted
decision paths to values) and optional `trail` (entries that must be there:
`rule` and `outcome`, optionally `reading`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mzpolicy.records import build_request, load

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLDEN = FIXTURES / "golden"


def golden_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(GOLDEN.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            cases.append((f"{path.relative_to(GOLDEN)}::{case['name']}", case))
    return cases


def record_of(case: dict[str, Any]) -> dict[str, Any]:
    if "record_file" in case:
        return load(str(FIXTURES / case["record_file"]))
    return case["record"]


def request_of(case: dict[str, Any]) -> dict[str, Any]:
    return build_request(record_of(case), as_of=str(case["as_of"]), policy_year=case.get("policy_year"))


def lookup(decision: dict[str, Any], dotted: str) -> Any:
    value: Any = decision
    for part in dotted.split("."):
        assert isinstance(value, dict) and part in value, f"decision has no {dotted}"
        value = value[part]
    return value


def check(decision: dict[str, Any], case: dict[str, Any]) -> None:
    assert "todo" not in case, f"a golden case still to confirm (mzpolicy new-year wrote it): {case['todo']}"
    for dotted, expected in case.get("expect", {}).items():
        actual = lookup(decision, dotted)
        assert actual == expected, f"{dotted}: expected {expected!r}, got {actual!r}"
    entries = {e["rule"]: e for e in decision.get("trail", [])}
    for wanted in case.get("trail", []):
        entry = entries.get(wanted["rule"])
        assert entry is not None, f"trail lacks {wanted['rule']}"
        for key in ("outcome", "reading", "clause"):
            if key in wanted:
                assert entry.get(key) == wanted[key], (
                    f"{wanted['rule']}.{key}: expected {wanted[key]!r}, got {entry.get(key)!r}"
                )
