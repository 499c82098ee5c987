"""The lint Regal's custom/missing-metadata would give, for this project's
shape of rule (issue 12), built on `opa parse` (`opa inspect` lists only the
rules that have METADATA, so it cannot find one that is missing):

- every public rule (name not starting with _) of the rule packages carries a
  title, a stable id (`custom.short_name`, ec-policies' shape) and its zh/en
  text; a trail entry is `outcome.<id>` with its id as short_name, and has an
  `explain.<id>` beside it; no METADATA names a clause any more (a year's
  clauses are its table's);
- the assembling packages' public rules (decision, batch) carry a title;
- the templates and readings have the shapes the trail reads, and every
  reading a table or a rule names is a row of the README's table;
- what `mzpolicy build-years` generates from the tables and the METADATA is
  current, and every loaded year passes the Rego check of its table.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from mzpolicy import entrypoints, years
from mzpolicy.paths import POLICIES, opa_binary

MEDINS = POLICIES / "mz" / "medins"
RULES = POLICIES.joinpath(*entrypoints.RULES_DIRECTORY)
RULE_FILES = sorted(p for p in RULES.glob("*.rego") if not p.name.endswith("_test.rego"))
ASSEMBLY_FILES = sorted(p for p in MEDINS.glob("*.rego") if not p.name.endswith("_test.rego"))
TABLES = sorted((POLICIES / entrypoints.YEARS).glob("*/table/data.yaml"))
READING = re.compile(r"R-[A-Z0-9]+(?:-[A-Z0-9]+)*(?![-*A-Z0-9])")


# Several tests read every policy file's parse tree; one `opa parse` each.
@functools.cache
def _parse(path: Path) -> dict:
    out = subprocess.run(
        [str(opa_binary()), "parse", "--format", "json", "--json-include", "annotations", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _ref(rule: dict) -> list[str]:
    ref = rule["head"].get("ref") or [{"value": rule["head"]["name"]}]
    return [str(part["value"]) for part in ref]


def _public(path: Path) -> dict[tuple[str, ...], list[dict]]:
    """The file's public rules by their head (outcome.hukou_resident is one
    rule, total another), each with its definitions."""
    rules: dict[tuple[str, ...], list[dict]] = {}
    for rule in _parse(path).get("rules", []):
        head = tuple(_ref(rule))
        if not head[0].startswith("_"):
            rules.setdefault(head, []).append(rule)
    return rules


def _annotations(definitions: list[dict]) -> list[dict]:
    return [a for d in definitions for a in d.get("annotations", []) or []]


def _strings_or_map_of_strings(value) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and bool(value) and all(isinstance(v, str) for v in value.values())


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_public_rule_carries_its_id_title_and_text(path):
    missing, wrong = [], []
    for head, definitions in _public(path).items():
        if head[0] == "explain":
            continue  # an entry's facts: its METADATA is its outcome's
        found = [a for a in _annotations(definitions) if a.get("title")]
        custom = (found[0].get("custom") or {}) if found else {}
        if not (found and custom.get("short_name") and custom.get("zh") and custom.get("en")):
            missing.append(".".join(head))
            continue
        if head[0] == "outcome" and (len(head) != 2 or custom["short_name"] != head[1]):
            wrong.append(f"{'.'.join(head)} has short_name {custom['short_name']!r}")
        if "clause" in custom:
            wrong.append(f"{'.'.join(head)} names a clause: a year's clauses are its table's")
    assert not missing, f"{path.name}: rules without title/short_name/zh/en: {missing}"
    assert not wrong, f"{path.name}: {wrong}"


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_trail_entry_has_an_outcome_and_an_explanation(path):
    heads = set(_public(path))
    outcomes = {h[1] for h in heads if h[0] == "outcome" and len(h) == 2}
    explains = {h[1] for h in heads if h[0] == "explain" and len(h) == 2}
    # contribution's entries are in two files of one package
    if path.stem.startswith("contribution"):
        for other in RULE_FILES:
            if other.stem.startswith("contribution"):
                outcomes |= {h[1] for h in _public(other) if h[0] == "outcome"}
                explains |= {h[1] for h in _public(other) if h[0] == "explain"}
    assert outcomes == explains, (
        f"{path.name}: outcome without explain {outcomes - explains}, and back {explains - outcomes}"
    )


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_templates_have_the_shapes_the_trail_reads(path):
    """zh/en are one template or one per variant; first_year and last_year
    are years; anything else would silently lose the message or the rule."""
    wrong = []
    for head, definitions in _public(path).items():
        for a in _annotations(definitions):
            custom = a.get("custom") or {}
            for lang in ("zh", "en"):
                if lang in custom and not _strings_or_map_of_strings(custom[lang]):
                    wrong.append(f"{'.'.join(head)} {lang}")
            for key in ("first_year", "last_year"):
                if key in custom and not isinstance(custom[key], int):
                    wrong.append(f"{'.'.join(head)} {key} = {custom[key]!r}")
    assert not wrong, f"{path.name}: METADATA the build cannot read: {wrong}"


@pytest.mark.parametrize("path", ASSEMBLY_FILES, ids=lambda p: p.name)
def test_every_public_rule_of_the_assembly_has_a_title_and_no_clause(path):
    missing, clauses = [], []
    for head, definitions in _public(path).items():
        annotations = _annotations(definitions)
        if not any(a.get("title") for a in annotations):
            missing.append(".".join(head))
        if any("clause" in (a.get("custom") or {}) for a in annotations):
            clauses.append(".".join(head))
    assert not missing, f"{path.name}: public rules without a METADATA title: {missing}"
    assert not clauses, f"{path.name}: METADATA that names clauses (a year's clauses are its table's): {clauses}"


def test_the_lint_finds_a_rule_without_metadata(tmp_path):
    bad = tmp_path / "bad.rego"
    bad.write_text('package x\n\noutcome.r := "passed"\n\nexplain.r := {}\n', encoding="utf-8")
    ((head, definitions), _) = _public(bad).items()
    assert head == ("outcome", "r") and not _annotations(definitions)


def test_the_shape_check_refuses_a_number_a_list_and_a_null():
    assert _strings_or_map_of_strings("x") and _strings_or_map_of_strings({"passed": "x"})
    assert not _strings_or_map_of_strings(3)
    assert not _strings_or_map_of_strings(["x"])
    assert not _strings_or_map_of_strings({"passed": None})


def test_every_reading_the_tables_and_rules_name_is_a_row_of_the_readme():
    """A trail's `reading` must lead a case worker to the README's table."""
    readme = (POLICIES.parent / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| (R-[A-Z0-9-]+) \|", readme, re.M))
    used = set()
    for path in RULE_FILES:
        used |= set(READING.findall(path.read_text(encoding="utf-8")))
    for path in TABLES:
        used |= set(READING.findall(path.read_text(encoding="utf-8")))
    assert used, "no readings found: the scan is broken"
    assert used <= rows, f"readings with no README row: {sorted(used - rows)}"


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.parent.parent.name)
def test_every_years_table_names_its_sections_and_readings_in_the_shapes_the_build_reads(path):
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    wrong = []
    for rule_id, entry in (table.get("rules") or {}).items():
        if entry is None:
            continue  # dropped from the year it extends
        if not (isinstance(entry, dict) and isinstance(entry.get("section"), str)):
            wrong.append(f"{rule_id}: no section")
            continue
        section = entry["section"]
        if years.section_key(section) == [99, 0] and "〔" not in section:
            wrong.append(f"{rule_id}: section {section!r} is neither the notice's numbering nor another document")
        if "sort_under" in entry and years.section_key(entry["sort_under"]) == [99, 0]:
            wrong.append(f"{rule_id}: sort_under {entry['sort_under']!r}")
        if "reading" in entry and not READING.fullmatch(str(entry["reading"])):
            wrong.append(f"{rule_id}: reading {entry['reading']!r}")
    assert not wrong, f"{path}: {wrong}"


def test_the_section_order_is_the_notices():
    assert years.section_key("五(三)") == [5, 3] and years.section_key("一") == [1, 0]
    assert years.section_key("五（三）") == [99, 0] and years.section_key("十一") == [99, 0]
    assert years.section_key("二") < years.section_key("五(一)") < years.section_key("五(三)") < years.section_key("六")


def test_what_build_years_generates_is_current():
    """The tables and the rules' METADATA are the source; the resolved years
    and the rule index are generated from them and committed (issue 12)."""
    stale = years.build(check=True)
    assert not stale, f"run `mzpolicy build-years`: not current: {[str(p.relative_to(POLICIES)) for p in stale]}"


def test_every_loaded_year_passes_the_check_of_its_table():
    out = subprocess.run(
        [
            str(opa_binary()),
            "eval",
            "--bundle",
            str(POLICIES),
            "--format",
            "raw",
            entrypoints.query(entrypoints.YEAR_PROBLEMS),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    problems = json.loads(out.stdout)
    assert problems and all(not found for found in problems.values()), problems
