"""The lint Regal's custom/missing-metadata would give: every public rule
(name not starting with _) of every non-test policy file outside lib/ has
METADATA with title, custom.clause (a map from policy year to section),
custom.zh and custom.en on at least one of its definitions. Built on
`opa parse`, since `opa inspect` lists only rules that have METADATA."""

from __future__ import annotations

import functools
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from mzpolicy.paths import POLICIES, opa_binary

POLICY_FILES = sorted(
    p
    for p in (POLICIES / "mz" / "medins").rglob("*.rego")
    if not p.name.endswith("_test.rego") and "lib" not in p.relative_to(POLICIES).parts
)


# Four tests read every policy file's parse tree; one `opa parse` each.
@functools.cache
def _parse(path: Path) -> dict:
    out = subprocess.run(
        [str(opa_binary()), "parse", "--format", "json", "--json-include", "annotations", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _rule_name(rule: dict) -> str:
    ref = rule["head"].get("ref") or [{"value": rule["head"]["name"]}]
    return ref[0]["value"]


def _public_rules(module: dict) -> dict[str, list[dict]]:
    rules: dict[str, list[dict]] = {}
    for rule in module.get("rules", []):
        name = _rule_name(rule)
        if name.startswith("_"):
            continue
        rules.setdefault(name, []).append(rule)
    return rules


# The sections lib/trail.rego's section_key orders: 一 … 十, optionally one
# numeral in brackets, 五(三). Anything else must be another document's
# citation (it holds 〔…〕) and then sorts under custom.sort_under.
NUMERAL = "[一二三四五六七八九十]"
SECTION = re.compile(rf"{NUMERAL}(\({NUMERAL}\))?")
YEAR = re.compile(r"\d{4}")


def _annotated(path: Path):
    """(rule name, custom) for every METADATA block on a rule of the file."""
    for rule in _parse(path).get("rules", []):
        for a in rule.get("annotations", []) or []:
            yield _rule_name(rule), a.get("custom") or {}


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: str(p.relative_to(POLICIES)))
def test_every_clause_is_a_section_the_trail_can_order(path):
    unreadable = []
    for name, custom in _annotated(path):
        clause = custom.get("clause")
        for year, section in clause.items() if isinstance(clause, dict) else []:
            if not (SECTION.fullmatch(section) or "〔" in section):
                unreadable.append(f"{name} clause[{year}] = {section!r}")
        for year, section in (custom.get("sort_under") or {}).items():
            if not SECTION.fullmatch(section):
                unreadable.append(f"{name} sort_under[{year}] = {section!r}")
    assert not unreadable, f"{path.name}: sections lib/trail.rego cannot order: {unreadable}"


def _strings_or_map_of_strings(value, keys=None) -> bool:
    if isinstance(value, str):
        return True
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(v, str) for v in value.values())
        and (keys is None or all(keys.fullmatch(k) for k in value))
    )


def _values(value) -> list:
    return list(value.values()) if isinstance(value, dict) else [value]


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: str(p.relative_to(POLICIES)))
def test_templates_and_readings_have_the_shapes_the_trail_reads(path):
    """lib/trail.rego reads custom.zh/en as one template or one per variant,
    and custom.reading as one README id or one per year; any other shape
    (a number, a list, a null) would silently lose the message or the
    reading, so it is refused here."""
    wrong = []
    for name, custom in _annotated(path):
        for lang in ("zh", "en"):
            if lang in custom and not _strings_or_map_of_strings(custom[lang]):
                wrong.append(f"{name} {lang}")
        if "reading" in custom and not (
            _strings_or_map_of_strings(custom["reading"], YEAR)
            and all(re.fullmatch(r"R-[A-Z0-9-]+", r) for r in _values(custom["reading"]))
        ):
            wrong.append(f"{name} reading = {custom['reading']!r}")
    assert not wrong, f"{path.name}: METADATA the trail cannot read: {wrong}"


def test_the_shape_check_refuses_a_number_a_list_and_a_null():
    assert _strings_or_map_of_strings("R-A") and _strings_or_map_of_strings({"2025": "R-A"}, YEAR)
    assert not _strings_or_map_of_strings(3)
    assert not _strings_or_map_of_strings(["R-A"])
    assert not _strings_or_map_of_strings({"2025": None})
    assert not _strings_or_map_of_strings({"y2025": "R-A"}, YEAR)


def test_the_section_pattern_refuses_forms_outside_the_notices_numbering():
    assert SECTION.fullmatch("五(三)") and SECTION.fullmatch("一")
    assert not SECTION.fullmatch("五（三）") and not SECTION.fullmatch("十一") and not SECTION.fullmatch("五(三)2")


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: str(p.relative_to(POLICIES)))
def test_every_public_rule_carries_its_clause(path):
    module = _parse(path)
    missing = []
    for name, definitions in _public_rules(module).items():
        ok = False
        for d in definitions:
            for a in d.get("annotations", []) or []:
                custom = a.get("custom") or {}
                clause = custom.get("clause")
                if (
                    a.get("title")
                    and isinstance(clause, dict)
                    and clause
                    and all(YEAR.fullmatch(k) for k in clause)
                    and custom.get("zh")
                    and custom.get("en")
                ):
                    ok = True
        if not ok:
            missing.append(name)
    assert not missing, f"{path.name}: rules without title/custom.clause/zh/en METADATA: {missing}"


def test_the_lint_finds_a_rule_without_metadata(tmp_path):
    bad = tmp_path / "bad.rego"
    bad.write_text(
        'package x\n\nimport data.mz.medins.lib.trail\n\nr := trail.entry(rego.metadata.chain(), "passed", [])\n'
    )
    module = _parse(bad)
    ((name, definitions),) = _public_rules(module).items()
    assert name == "r" and not any(d.get("annotations") for d in definitions)


def test_every_reading_the_policies_name_is_a_row_of_the_readme():
    """A trail's `reading` must lead a case worker to the README's table."""
    readme = (POLICIES.parent / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| (R-[A-Z0-9-]+) \|", readme, re.M))
    used = set()
    for path in (POLICIES / "mz" / "medins").rglob("*.rego"):
        if path.name.endswith("_test.rego"):
            continue
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"#\s+reading:.*?(R-[A-Z0-9]+(?:-[A-Z0-9]+)*)", text))
        used |= set(re.findall(r'"reading": "(R-[A-Z0-9-]+)"', text))
        for line in re.findall(r"#\s+reading: \{(.*)\}", text):
            used |= set(re.findall(r"R-[A-Z0-9]+(?:-[A-Z0-9]+)*", line))
    for path in (POLICIES / "params").rglob("data.yaml"):
        used |= set(re.findall(r"^\s*reading: (R-[A-Z0-9-]+)", path.read_text(encoding="utf-8"), re.M))
    assert used, "no readings found: the scan is broken"
    assert used <= rows, f"readings with no README row: {sorted(used - rows)}"


@pytest.mark.parametrize("path", sorted((POLICIES / "params").glob("*/data.yaml")), ids=lambda p: p.parent.name)
def test_every_years_parameters_name_the_notice(path):
    """Every trail entry's citation reads params[year].document; a year
    without it would lose its whole trail."""
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    document = params.get("document")
    assert re.fullmatch(r"\S+〔\d{4}〕\d+号", str(document)), f"{path}: document = {document!r}"
