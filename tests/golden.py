"""Golden cases for pytest: the package's own reader and comparison
(mzpolicy.golden, which `mzpolicy test` runs), over fixtures/golden/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mzpolicy import golden

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLDEN = FIXTURES / "golden"


def golden_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in golden.case_files([GOLDEN]):
        for case in golden.load_cases(path):
            cases.append((f"{path.relative_to(GOLDEN)}::{case.name}", case))
    return cases


def request_of(case: golden.Case) -> dict[str, Any]:
    return golden.request_of(case)


def check(decision: dict[str, Any], case: golden.Case) -> None:
    found = golden.mismatches(decision, case.spec)
    assert not found, "; ".join(f"{m.what}: expected {m.expected!r}, got {m.actual!r}" for m in found)
