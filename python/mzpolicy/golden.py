"""Golden cases: YAML an officer can read (OpenFisca's test shape), run by
`mzpolicy test` and by the pytest suite alike.

A file holds `cases:`, each with `name`, `clause` (what it tests), `as_of`,
optional `policy_year`, the resident as `record` (inline mapping) or
`record_file` (a path under an ancestor folder of the case file, e.g.
records/hukou-adult.yaml beside fixtures/golden/), `expect` (dotted decision
paths to values) and optional `trail` (entries that must be there: `rule`
and `outcome`, optionally `reading` and `clause`). A case may hold `todo`
(written by `mzpolicy new-year`): it fails until an officer confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .records import InputError, build_request, load, parse_text

TRAIL_KEYS = ("outcome", "reading", "clause")


class CaseFileError(Exception):
    """A case file that cannot be run: unreadable, or a case missing what it needs."""


@dataclass(frozen=True)
class Case:
    file: Path
    name: str
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"


@dataclass(frozen=True)
class Mismatch:
    """One expectation the decision does not meet: what, expected and actual."""

    what: str
    expected: Any
    actual: Any


_MISSING = object()


def case_files(paths: list[Path]) -> list[Path]:
    """Every *.yaml file named or under a named folder, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.yaml") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise CaseFileError(f"{path}: no such file or folder")
    if not found:
        raise CaseFileError(f"no case files (*.yaml) in {', '.join(map(str, paths))}")
    return found


def load_cases(path: Path) -> list[Case]:
    """The cases of one file, or CaseFileError naming the file and what is wrong."""
    try:
        doc = parse_text(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{path}: cannot read it ({exc})") from None
    except InputError as exc:
        raise CaseFileError(exc.one_line()) from None
    cases = doc.get("cases") if isinstance(doc, dict) else None
    if not isinstance(cases, list) or not cases:
        raise CaseFileError(f"{path}: holds no `cases:` list")
    out = []
    for i, spec in enumerate(cases):
        where = f"{path}: cases[{i}]"
        if not isinstance(spec, dict):
            raise CaseFileError(f"{where} is not a mapping")
        for key in ("name", "as_of"):
            if key not in spec:
                raise CaseFileError(f"{where} has no `{key}`")
        if ("record" in spec) == ("record_file" in spec):
            raise CaseFileError(f"{where} ({spec['name']}) needs exactly one of `record` and `record_file`")
        if not isinstance(spec.get("expect", {}), dict):
            raise CaseFileError(f"{where} ({spec['name']}): `expect` is not a mapping of decision paths to values")
        trail = spec.get("trail", [])
        if not (isinstance(trail, list) and all(isinstance(t, dict) and "rule" in t for t in trail)):
            raise CaseFileError(f"{where} ({spec['name']}): `trail` is not a list of entries with a `rule`")
        out.append(Case(path, str(spec["name"]), spec))
    return out


def record_of(case: Case) -> Any:
    if "record" in case.spec:
        return case.spec["record"]
    relative = str(case.spec["record_file"])
    for folder in case.file.resolve().parents:
        candidate = folder / relative
        if candidate.is_file():
            return load(str(candidate))
    raise CaseFileError(f"{case.id}: record_file {relative} is under no folder above the case file")


def request_of(case: Case) -> dict[str, Any]:
    """The request the case decides (raises InputError for a record that is not one)."""
    return build_request(record_of(case), as_of=str(case.spec["as_of"]), policy_year=case.spec.get("policy_year"))


def lookup(decision: Any, dotted: str) -> Any:
    """The value at a dotted path of the decision, or _MISSING."""
    value = decision
    for part in dotted.split("."):
        if not (isinstance(value, dict) and part in value):
            return _MISSING
        value = value[part]
    return value


def mismatches(decision: dict[str, Any], spec: dict[str, Any]) -> list[Mismatch]:
    """Every expectation of the case the decision does not meet; empty when it passes."""
    found = []
    if "todo" in spec:
        found.append(Mismatch("todo", "a confirmed case", spec["todo"]))
    for dotted, expected in spec.get("expect", {}).items():
        actual = lookup(decision, dotted)
        if actual is _MISSING:
            found.append(Mismatch(dotted, expected, "(no such field in the decision)"))
        elif actual != expected:
            found.append(Mismatch(dotted, expected, actual))
    entries = {e["rule"]: e for e in decision.get("trail", [])}
    for wanted in spec.get("trail", []):
        entry = entries.get(wanted["rule"])
        if entry is None:
            found.append(Mismatch(f"trail.{wanted['rule']}", "an entry", "(no entry)"))
            continue
        for key in TRAIL_KEYS:
            if key in wanted and entry.get(key) != wanted[key]:
                found.append(Mismatch(f"trail.{wanted['rule']}.{key}", wanted[key], entry.get(key)))
    return found
