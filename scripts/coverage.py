"""Fail when `opa test --coverage` covers less than the threshold of the
non-test Rego: test files count as fully covered and would inflate OPA's own
total (DESIGN.md), so the figure is recomputed over policy files only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THRESHOLD = float(sys.argv[1]) if len(sys.argv) > 1 else 90.0


def _lines(ranges: list[dict]) -> int:
    return sum(r["end"]["row"] - r["start"]["row"] + 1 for r in ranges)


def main() -> int:
    run = subprocess.run(
        [str(ROOT / "opa/bin/opa"), "test", "policies", "--coverage", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        sys.stderr.write(run.stderr or run.stdout)
        return run.returncode
    report = json.loads(run.stdout)
    covered = not_covered = 0
    rows = []
    for name, data in sorted(report["files"].items()):
        if name.endswith("_test.rego"):
            continue
        c, n = _lines(data.get("covered", [])), _lines(data.get("not_covered", []))
        covered, not_covered = covered + c, not_covered + n
        rows.append((name, 100.0 * c / (c + n) if c + n else 100.0))
    total = 100.0 * covered / (covered + not_covered)
    for name, pct in rows:
        print(f"  {pct:5.1f} %  {name}")
    print(
        f"opa test coverage over non-test Rego: {total:.1f} % ({covered}/{covered + not_covered} lines; "
        f"threshold {THRESHOLD:.0f} %)"
    )
    return 0 if total >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
