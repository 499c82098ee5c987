"""The bench's equality check (bench/opa_cpu.py, issue 12) runs, and can fail:
three roster rows decided by the policy before the redesign (from git
history) and now. Nothing here is timed; `make bench` measures."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import issue12  # noqa: E402
import opa_cpu  # noqa: E402

from mzpolicy.paths import POLICIES  # noqa: E402


def test_the_documented_renames_are_rule_ids() -> None:
    renames = opa_cpu.renames_from_readme()
    index = json.loads((POLICIES / "mz" / "index" / "data.json").read_text(encoding="utf-8"))
    assert len(renames) >= 3
    for old, new in renames.items():
        assert old.startswith("mz.medins."), old
        assert new in index, f"README renames {old} to {new}, which is not a rule id"


def test_three_roster_rows_decide_the_same_before_the_redesign_and_now(tmp_path: Path) -> None:
    pre = opa_cpu.policies_at(opa_cpu.PRE_REDESIGN, tmp_path / "pre")
    mix = issue12.roster_requests(3, seed=2025)
    labelled = [(f"row {i}", r) for i, r in enumerate(mix)]
    renames = opa_cpu.renames_from_readme()
    with opa_cpu.servers([("pre", pre), ("now", POLICIES)]) as (old, new):
        decide_old, decide_new = issue12.single_decider(old), issue12.single_decider(new)
        wording = opa_cpu.wording_between(pre, POLICIES)
        assert opa_cpu.compare(labelled, decide_old, decide_new, renames, wording) == []
        before = decide_old(mix)
        assert all(e["rule"].startswith("mz.medins.") for e in before[0]["trail"])  # the mapping is needed

        def changed(requests: list[dict]) -> list:
            out = decide_new(requests)
            out[1]["contribution"]["individual"] = "1.00"
            out[2]["trail"] = out[2]["trail"][1:]
            return out

        differ = opa_cpu.compare(labelled, decide_old, changed, renames, wording)
    assert [d.split(":")[0] for d in differ] == ["row 1", "row 2"]
    assert ".contribution.individual" in differ[0]
    assert ".trail" in differ[1]
