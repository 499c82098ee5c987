"""Every golden case through the CLI (a process each, against the session's
OPA), and the same request POSTed raw to OPA: a service and the CLI must get
the same decision (CONTRACT §3)."""

from __future__ import annotations

import json
import re

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
    years = {c.spec.get("policy_year") or c.spec["clause"].split("〔")[1][:4] for _, c in CASES}
    assert CASES and years


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_trail_messages_are_filled(case, post_decision):
    """No template placeholder, missing argument or missing variant leaks out."""
    for entry in post_decision(request_of(case))["trail"]:
        for lang in ("zh", "en"):
            text = entry["message"][lang]
            assert "%!" not in text and "(no message for" not in text, (entry["rule"], lang, text)


# What a person must never read in a trail message (issue 13 point 15): a
# raw null, a fact left empty (「（， 元）」, "( , )"), an unfilled verb, or a
# code. Chinese prose carries no Latin word at all (a code is the only way
# one gets there); English prose carries no snake_case or dotted code.
_EMPTY_FACT = re.compile(r"null|None|（，|，）|（）|\(\)|\( |, \)|\(, |%!|：。|: \.|，，|、、")
_CODE = {"zh": re.compile(r"[A-Za-z_]{2,}"), "en": re.compile(r"\b[a-z]+(?:[_.][a-z0-9]+)+\b")}


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_messages_show_no_null_no_empty_fact_and_no_code(case, post_decision):
    for entry in post_decision(request_of(case))["trail"]:
        for lang in ("zh", "en"):
            text = entry["message"][lang]
            found = _EMPTY_FACT.findall(text) + _CODE[lang].findall(text)
            assert not found, (entry["rule"], lang, found, text)


def test_the_message_check_catches_what_it_is_for():
    assert _EMPTY_FACT.search("已在本市缴费的（， 元）") and _EMPTY_FACT.search("应缴 null")
    assert _CODE["zh"].search("缴费状态 not_applicable") and _CODE["zh"].search("属参保对象（hukou_resident）")
    assert _CODE["en"].search("unmet conditions mz.medins.common.conditions.x")
    assert _CODE["en"].search("(status not_open)")
    assert not _CODE["en"].search("Paid 400 yuan on 2024-10-01, in one payment.")
