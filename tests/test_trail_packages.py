"""The decision builds its trail from the packages it names one by one
(decision.rego `_common_packages`, lib/years.rego `packages`), not from the
whole data.mz.medins.common / y2025 trees: those trees also hold the
*_test packages that sit beside the rules, and reading them would run every
unit test on every decision. This checks that the lists name every rule
package of common/ and y2025/ and no test package."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from mzpolicy.paths import POLICIES, opa_binary

MEDINS = POLICIES / "mz" / "medins"
REQUEST = {"as_of": "2024-10-10", "resident": {"id_type": "resident_id", "id_number": "441402199001011237"}}


def _packages(folder: str) -> set[str]:
    names = set()
    for path in (MEDINS / folder).glob("*.rego"):
        if path.name.endswith("_test.rego"):
            continue
        match = re.search(r"^package mz\.medins\.\w+\.(\w+)$", path.read_text(encoding="utf-8"), re.M)
        assert match, f"{path} has no package line"
        names.add(match.group(1))
    return names


def _named(query: str) -> set[str]:
    out = subprocess.run(
        [str(opa_binary()), "eval", "-b", str(POLICIES), "--stdin-input", "--format", "json", query],
        input=json.dumps(REQUEST),
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(out.stdout)["result"][0]["expressions"][0]["value"])


@pytest.mark.parametrize(
    ("folder", "query"),
    [
        ("common", "object.keys(data.mz.medins._common_packages)"),
        ("y2025", 'object.keys(data.mz.medins.lib.years.packages["2025"])'),
        ("y2023", 'object.keys(data.mz.medins.lib.years.packages["2023"])'),
    ],
)
def test_the_decision_names_every_rule_package(folder, query):
    on_disk = _packages(folder)
    assert on_disk
    assert _named(query) == on_disk
