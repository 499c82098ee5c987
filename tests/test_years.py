"""Policy years as tables (issue 12): a new year is its table extending the
last one, scaffolded by `mzpolicy new-year` with everything to confirm
marked, refused until it is confirmed, and then decided by the rules that
did not change without a line of Rego edited."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli
from mzpolicy import entrypoints, years
from mzpolicy.paths import POLICIES, opa_binary

ADULT = {"id_type": "resident_id", "id_number": "441402199001011237", "hukou_region": "441402"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def checkout(tmp_path) -> tuple[Path, Path]:
    """A copy of policies/ and fixtures/ to add a year to."""
    policies, fixtures = tmp_path / "policies", tmp_path / "fixtures"
    shutil.copytree(POLICIES, policies, ignore=shutil.ignore_patterns("*_test.rego"))
    shutil.copytree(ROOT / "fixtures", fixtures)
    return policies, fixtures


@contextlib.contextmanager
def _serving(policies: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(opa_binary()),
            "run",
            "--server",
            "--skip-version-check",
            "--addr",
            f"127.0.0.1:{port}",
            "-b",
            str(policies),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                urllib.request.urlopen(f"{url}/health", timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait()


def _eval(url: str, record: dict, *args: str) -> subprocess.CompletedProcess:
    return run_cli("eval", "-", "--format", "json", "--opa-url", url, *args, stdin=json.dumps(record))


def _confirm(table: Path, document: str) -> None:
    """What an officer does with the notice in hand, here with 2025's values
    a year on: every todo deleted, the notice's number written."""

    def confirmed(value):
        if isinstance(value, dict):
            return {k: confirmed(v) for k, v in value.items() if k != "todo"}
        return value

    doc = confirmed(yaml.safe_load(table.read_text(encoding="utf-8")))
    doc["document"] = {"value": document, "reference": "the notice for 2026"}
    table.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_scaffolded_year_is_refused_until_confirmed_and_then_decides(checkout):
    policies, fixtures = checkout
    made = run_cli("new-year", "2026", "--from", "2025", "--policies", str(policies), "--fixtures", str(fixtures))
    assert made.returncode == 0, made.stderr
    table = policies / "params" / "2026" / "table" / "data.yaml"
    assert table.exists() and (policies / "params" / "2026" / "data.json").exists()
    assert list((fixtures / "golden" / "2026").glob("*.yaml")), "no golden-case skeletons"
    assert "todo:" in table.read_text(encoding="utf-8")

    with _serving(policies) as url:
        refused = _eval(url, ADULT, "--as-of", "2025-10-10")
        assert refused.returncode == 3, refused.stderr
        assert "2026" in refused.stderr and "still to fill in or confirm" in refused.stderr
        assert refused.stdout == ""

    _confirm(table, "梅市医保〔2025〕9号")
    built = run_cli("build-years", "--policies", str(policies))
    assert built.returncode == 0, built.stderr
    with _serving(policies) as url:
        decided = _eval(url, ADULT, "--as-of", "2025-10-10")
        assert decided.returncode == 0, decided.stderr
        d = json.loads(decided.stdout)
        assert d["policy_year"] == 2026 and d["eligible"] and d["categories"] == ["hukou_resident"]
        assert d["payment"] == {
            "window": {"start": "2025-09-15", "end": "2025-12-31"},
            "status": "open",
            "amount_due": 400,
            "accepted": None,
        }
        assert (d["benefit"]["start"], d["benefit"]["end"]) == ("2026-01-01", "2026-12-31")
        entry = next(e for e in d["trail"] if e["rule"] == "hukou_resident")
        assert entry["outcome"] == "passed" and entry["clause"] == "梅市医保〔2025〕9号 一"
        loaded = json.loads(urllib.request.urlopen(f"{url}/v1/data/{entrypoints.LOADED_YEARS}").read())["result"]
        assert loaded == [2023, 2025, 2026]
        shown = json.loads(urllib.request.urlopen(f"{url}/v1/data/{entrypoints.YEARS}/2026/window").read())["result"]
        assert shown == {"start": "2025-09-15", "end": "2025-12-31", "clause": "三"}, (
            "params/<year> is the resolved year"
        )


def test_a_year_whose_table_misses_a_rule_or_names_no_rule_is_refused(checkout):
    policies, _ = checkout
    table = policies / "params" / "2025" / "table" / "data.yaml"
    doc = yaml.safe_load(table.read_text(encoding="utf-8"))
    del doc["rules"]["hukou_resident"]
    doc["rules"]["no_such_rule"] = {"section": "一"}
    table.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    years.build(policies)
    with _serving(policies) as url:
        refused = _eval(url, ADULT, "--as-of", "2024-10-10")
    assert refused.returncode == 3
    assert (
        "rules.hukou_resident: missing" in refused.stderr
        and "rules.no_such_rule: no rule has this id" in refused.stderr
    )


def test_a_year_breaking_an_invariant_of_the_notices_is_refused(checkout):
    policies, _ = checkout
    table = policies / "params" / "2025" / "table" / "data.yaml"
    doc = yaml.safe_load(table.read_text(encoding="utf-8"))
    doc["contribution"]["total"] = 1000  # 670 + 400 is 1070
    doc["window"]["start"] = "2025-09-15"  # the window is in the autumn before the year
    table.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    years.build(policies)
    problems = years.resolved_year("2025", policies)["problems"]
    assert "contribution.total is not fiscal_subsidy + individual" in problems
    assert "window.start is not a date of 2024" in problems


def test_a_year_is_one_table_and_what_the_build_writes():
    """A year's facts are its table; nothing else lists the years."""
    manifest = json.loads((POLICIES / ".manifest").read_text(encoding="utf-8"))
    assert "policy_years" not in manifest.get("metadata", {})
    built = sorted(p.parent.name for p in (POLICIES / "params").glob("*/data.json"))
    assert built == sorted(years.tables()) == ["2023", "2025"]
