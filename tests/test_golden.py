"""Every golden case through the CLI (a process each, against the session's
OPA), and the same request POSTed raw to OPA: a service and the CLI must get
the same decision (CONTRACT §3)."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from golden import check, golden_cases, request_of

CASES = golden_cases()


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_golden_case_through_cli_and_rest(case, opa_url, post_decision):
    request = request_of(case)
    result = run_cli("eval", "-", "--format", "json", "--opa-url", opa_url, stdin=json.dumps(request))
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    check(decision, case)
    assert post_decision(request) == decision


def test_there_are_golden_cases_for_every_year():
    years = {c.get("policy_year") or c["clause"].split("〔")[1][:4] for _, c in CASES}
    assert CASES and years


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_trail_messages_are_filled(case, post_decision):
    """No template placeholder, missing argument or missing variant leaks out."""
    for entry in post_decision(request_of(case))["trail"]:
        for lang in ("zh", "en"):
            text = entry["message"][lang]
            assert "%!" not in text and "(no message for" not in text, (entry["rule"], lang, text)
