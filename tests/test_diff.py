"""mzpolicy diff: the same resident under 2023 and 2025, against the session's OPA."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mzpolicy.cli import main
from mzpolicy.diff import requests_for, shift_date
from mzpolicy.records import build_request, load

RECORD = "fixtures/records/hukou-adult.yaml"


def _diff(opa_url: str, *extra: str) -> dict:
    result = CliRunner().invoke(
        main,
        [
            "diff",
            RECORD,
            "--years",
            "2023,2025",
            "--as-of",
            "2024-10-10",
            "--format",
            "json",
            "--opa-url",
            opa_url,
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_individual_share_differs_with_both_clauses(opa_url):
    out = _diff(opa_url)
    assert out["as_of"] == {"2023": "2022-10-10", "2025": "2024-10-10"}
    by_field = {d["field"]: d for d in out["differences"]}
    share = by_field["contribution.individual"]
    assert share["values"] == {"2023": 350, "2025": 400}
    assert "梅市医保〔2022〕4号 一" in {c["clause"] for c in share["clauses"]["2023"]}
    assert "梅市医保〔2024〕3号 二" in {c["clause"] for c in share["clauses"]["2025"]}
    # the same answer in both years is no difference; dates compare after the year shift
    assert "eligible" not in by_field and "payment.status" not in by_field
    assert "payment.window.end" not in by_field and "benefit.start" not in by_field
    assert by_field["payment.window.start"]["values"] == {"2023": "2022-09-01", "2025": "2024-09-15"}


def test_same_date_keeps_as_of_for_every_year(opa_url):
    out = _diff(opa_url, "--same-date")
    assert out["as_of"] == {"2023": "2024-10-10", "2025": "2024-10-10"}
    by_field = {d["field"]: d for d in out["differences"]}
    # 2024-10-10 is long after 2023's window: nothing may be paid for 2023
    assert by_field["payment.status"]["values"] == {"2023": "closed", "2025": "open"}


def test_payment_date_moves_with_the_cycle(client):
    base = {"as_of": "2024-10-10", "resident": {"payment": {"date": "2024-12-31", "amount": 400}}}
    # The policy puts 2024-10-10 in the 2025 collection (its decision's year); the date moves from there.
    year = client.decide(build_request(load(RECORD), as_of=base["as_of"]))["policy_year"]
    assert year == 2025
    moved = requests_for(base, [2023, 2025], same_date=False, base_year=year)
    assert moved[2023]["resident"]["payment"]["date"] == "2022-12-31"
    assert moved[2025]["resident"]["payment"]["date"] == "2024-12-31"
    assert shift_date("2024-02-29", -1) == "2023-02-28"


def test_one_year_is_a_usage_error(opa_url):
    result = CliRunner().invoke(main, ["diff", RECORD, "--years", "2025", "--opa-url", opa_url])
    assert result.exit_code == 2 and "at least two" in result.output
