"""Policy years as data: each year's table, resolved once into what OPA serves.

An officer edits `policies/params/<year>/table/data.yaml`: the year's values
(each group with the clause it comes from; a value may be written OpenFisca
style as `{value: ..., reference: ...}`), optionally `extends: <year>`, and
`rules:`, the rule ids that serve the year with the section each rests on.
`build()` resolves every table into `policies/params/<year>/data.json`, the
document rules read as `data.params["<year>"]`:

- an extending year is merged onto the year it extends (mappings merge, lists
  and values replace, `id: null` under `rules:` drops a rule);
- `{value: ...}` wrappers are unwrapped, and every `todo:` left in the table
  is listed under `todo` (the running policy refuses such a year);
- `rules` gets each rule's full citation, and `trail`, the year's trail
  entries in the notice's section order (within a section, the table's order),
  each naming the package that decides it.

It also writes `policies/mz/index/data.json`: every rule id the policies
define, read from their METADATA (`custom.short_name`), with its package, its
title, its message templates and the years it serves (`first_year`,
`last_year`). Both files are committed; `build(check=True)` says whether they
are current, and CI fails when they are not. The resolved year also carries
`problems`: what the Rego check `data.mz.medins.lib.years.year_problems` finds
wrong with it (an id that is no rule, a rule that serves the year but is
missing, a value against the notices' invariants), evaluated once here so that
the running policy only reads it.

This module moves data; which rules exist and what they decide is Rego's.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from . import entrypoints
from .entrypoints import RULES_DIRECTORY, YEAR_PROBLEMS
from .paths import POLICIES, opa_binary

TABLE = Path("table") / "data.yaml"
RESOLVED = "data.json"
INDEX = Path(*entrypoints.RULE_INDEX.split("/"), "data.json")  # under the policies directory
CHECKS = Path(*entrypoints.FIELD_SHAPES.split("/"), "data.json")
BUILT_BY = "mzpolicy build-years, from table/data.yaml: edit the table, then rebuild"

_NUMERALS = "一二三四五六七八九十"
_SECTION = re.compile(rf"([{_NUMERALS}])(?:\(([{_NUMERALS}])\))?")
_WRAPPER_KEYS = {"value", "reference", "todo", "note"}


class YearError(Exception):
    """A table that cannot be resolved (an unknown parent, a cycle, a bad shape)."""


class _Loader(yaml.SafeLoader):
    """Dates stay the strings the policies compare."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def table_path(year: str, root: Path = POLICIES) -> Path:
    return root / entrypoints.YEARS / year / TABLE


def tables(root: Path = POLICIES) -> dict[str, dict[str, Any]]:
    """Every year's table, by year key ("2025")."""
    out = {}
    for path in sorted((root / entrypoints.YEARS).glob(f"*/{TABLE.as_posix()}")):
        year = path.parent.parent.name
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
        if not isinstance(doc, dict):
            raise YearError(f"{path} does not hold a mapping")
        out[year] = doc
    return out


def section_key(section: str) -> list[int]:
    """The notice's order: 一 < 二 < …, and 五(一) < 五(三); anything else last."""
    match = _SECTION.fullmatch(section)
    if not match:
        return [99, 0]
    major, minor = match.groups()
    return [_NUMERALS.index(major) + 1, _NUMERALS.index(minor) + 1 if minor else 0]


def _merge(base: Any, over: Any) -> Any:
    """Mappings merge key by key; anything else (lists too) replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


def _chain(year: str, all_tables: dict[str, dict[str, Any]]) -> list[str]:
    chain = [year]
    while "extends" in all_tables[chain[-1]]:
        parent = str(all_tables[chain[-1]]["extends"])
        if parent not in all_tables:
            raise YearError(f"policy year {chain[-1]} extends {parent}, which has no table")
        if parent in chain:
            raise YearError(f"policy years extend each other in a circle: {' -> '.join([*chain, parent])}")
        chain.append(parent)
    return list(reversed(chain))


def _unwrap(node: Any, path: str, todo: list[str]) -> Any:
    """Values as the rules read them; every `todo:` noted by its dotted path."""
    if isinstance(node, dict):
        if "todo" in node:
            todo.append(path or "(table)")
        if "value" in node and set(node) <= _WRAPPER_KEYS:
            return _unwrap(node["value"], path, todo)
        return {
            key: _unwrap(value, f"{path}.{key}" if path else str(key), todo)
            for key, value in node.items()
            if key != "todo"
        }
    if isinstance(node, list):
        return [_unwrap(value, f"{path}[{i}]", todo) for i, value in enumerate(node)]
    return node


def resolve(year: str, all_tables: dict[str, dict[str, Any]], index: dict[str, Any]) -> dict[str, Any]:
    """The year as the rules read it (without `problems`, which Rego finds)."""
    merged: dict[str, Any] = {}
    for link in _chain(year, all_tables):
        merged = _merge(merged, {k: v for k, v in all_tables[link].items() if k != "extends"})
    todo: list[str] = []
    values = _unwrap(merged, "", todo)
    document = values.get("document")
    rules = {}
    for rule_id, entry in (values.pop("rules", None) or {}).items():
        if entry is None:  # dropped by an extending year
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("section"), str):
            raise YearError(f"policy year {year}: rules.{rule_id} needs a section")
        section = entry["section"]
        clause = section if "〔" in section else f"{document} {section}"
        rules[rule_id] = {**entry, "clause": clause}
    trail = []
    for position, (rule_id, entry) in enumerate(rules.items()):
        rule = index.get(rule_id)
        if not rule or not rule["entry"]:
            continue  # a value rule, or an id that is no rule (the Rego check names it)
        order = section_key(entry.get("sort_under", entry["section"]))
        # What a decision reads of the entry, precomputed: the entry's fixed
        # fields, its templates, and the table's reading by outcome (none for
        # an entry that does not apply).
        reading = entry.get("reading")
        static = {
            "id": rule_id,
            "pkg": rule["pkg"],
            "head": {"rule": rule_id, "clause": entry["clause"]},
            "zh": rule["zh"],
            "en": rule["en"],
            "reading": {o: {"reading": reading} for o in ("passed", "failed")} if reading else {},
        }
        trail.append((order, position, static))
    ordered = [static for _, _, static in sorted(trail, key=lambda t: (t[0], t[1]))]
    return {
        "built_by": BUILT_BY,
        **values,
        "rules": rules,
        "trail": ordered,
        # The year's categories and conditions, which eligibility reads by id.
        "categories": [s["id"] for s in ordered if s["pkg"] == "categories"],
        "conditions": [s["id"] for s in ordered if s["pkg"] == "conditions"],
        "todo": todo,
    }


# ---------------------------------------------------------------- the index


_VERB = re.compile(r"%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])")


def arguments_used(template: str) -> int:
    """How many of the facts a sprintf template reads (Go's fmt: `%[n]v` moves
    to the n-th, a plain verb takes the next): the trail hands it exactly that
    many, so a template that names fewer facts than the rule gives, or none,
    never shows Go's %!(EXTRA …)."""
    used = following = 0
    for index, verb in _VERB.findall(template):
        if verb == "%":
            continue
        following = int(index) if index else following + 1
        used = max(used, following)
    return used


def _templates(value: Any) -> dict[str, dict[str, Any]]:
    """A template, or one per variant, as {variant: {"t": text, "n": facts read}};
    "*" answers a variant the rule has no template for with a visible marker."""
    if isinstance(value, str):
        return {"*": {"t": value, "n": arguments_used(value)}}
    out = {variant: {"t": text, "n": arguments_used(text)} for variant, text in value.items()}
    out["*"] = {"t": "(no message for this case)", "n": 0}
    return out


NO_TEMPLATE = {"t": "(no message for this case)", "n": 0}


def rule_index(root: Path = POLICIES) -> dict[str, Any]:
    """Every rule id of the rules directory (entrypoints.RULES_DIRECTORY), from its METADATA."""
    # The whole tree is inspected, not the rules directory alone: inspect
    # type-checks what it reads, and the rules' tests need the libraries.
    out = subprocess.run(
        [str(opa_binary()), "inspect", "--annotations", "--format", "json", str(root)],
        capture_output=True,
        text=True,
        check=True,
    )
    items = [
        item
        for item in json.loads(out.stdout).get("annotations", [])
        if not item["location"]["file"].endswith("_test.rego")
        and tuple(p["value"] for p in item["path"][1 : 1 + len(RULES_DIRECTORY)]) == RULES_DIRECTORY
    ]
    # What each package's rules explain of the decision (its top-level
    # fields), from the package's own METADATA: `mzpolicy diff` reads it.
    explains = {
        item["path"][-1]["value"]: (item["annotations"].get("custom") or {}).get("explains", [])
        for item in items
        if item["annotations"].get("scope") == "package"
    }
    index: dict[str, Any] = {}
    for item in items:
        path = [p["value"] for p in item["path"]][1:]
        annotations = item["annotations"]
        if tuple(path[: len(RULES_DIRECTORY)]) != RULES_DIRECTORY or annotations.get("scope") == "package":
            continue
        custom = annotations.get("custom") or {}
        rule_id = custom.get("short_name")
        if not rule_id:
            continue  # the METADATA lint refuses a public rule without one
        rule_path = path[len(RULES_DIRECTORY) :]  # package, then the rule's own path
        entry = len(rule_path) == 3 and rule_path[1] == "outcome"
        if path[-1].startswith("_") or (entry and rule_path[2] != rule_id) or (rule_path[1] == "outcome" and not entry):
            raise YearError(
                f"{item['location']['file']}:{item['location']['row']}: short_name {rule_id} sits on {'.'.join(path)};"
                " an id names a public rule, and a trail entry's rule is outcome.<its id>"
            )
        if rule_id in index:
            raise YearError(f"rule id {rule_id} names two rules: {index[rule_id]['path']} and {'.'.join(path)}")
        index[rule_id] = {
            "path": ".".join(path),
            "pkg": rule_path[0],
            "entry": entry,
            "title": annotations.get("title", ""),
            "description": annotations.get("description", ""),
            "explains": explains.get(rule_path[0], []),
            "first_year": custom.get("first_year"),
            "last_year": custom.get("last_year"),
        }
        if entry:
            index[rule_id]["zh"] = _templates(custom.get("zh", ""))
            index[rule_id]["en"] = _templates(custom.get("en", ""))
        else:
            index[rule_id]["text"] = {"zh": custom.get("zh", ""), "en": custom.get("en", "")}
    return dict(sorted(index.items()))


# ---------------------------------------------------------------- writing


def _dump(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _year_problems(root: Path) -> dict[str, list[str]]:
    """The Rego check of every year, over the files of `root` as they are on
    disk (so it runs after they are written)."""
    out = subprocess.run(
        [str(opa_binary()), "eval", "--bundle", str(root), "--format", "json", entrypoints.query(YEAR_PROBLEMS)],
        capture_output=True,
        text=True,
        check=True,
    )
    value = json.loads(out.stdout)["result"][0]["expressions"][0]["value"]
    return {year: sorted(found) for year, found in value.items()}


def field_shapes(root: Path = POLICIES) -> dict[str, Any]:
    """The resident schema's fields as the validation's fast path reads them
    (lib/fastcheck.rego): container type and bound, definitions resolved."""
    schema = json.loads((root.joinpath(*entrypoints.SCHEMAS.split("/")) / "resident" / "data.json").read_text())
    shapes = {}
    for name, node in schema.get("properties", {}).items():
        ref = node.get("$ref", "")
        if ref.startswith("#/definitions/"):
            node = schema["definitions"][ref.rsplit("/", 1)[1]]
        kind = node.get("type")
        shapes[name] = {
            "t": kind if kind in ("array", "object") else "scalar",
            "max": node.get("maxItems", node.get("maxProperties", 0)),
        }
    return {"built_by": "mzpolicy build-years, from the resident schema", "fields": dict(sorted(shapes.items()))}


def _generated(root: Path) -> dict[Path, str]:
    """Every generated file under `root` and the text it must hold, written
    there (the Rego check reads them), with the check's problems filled in."""
    index = rule_index(root)
    all_tables = tables(root)
    resolved = {year: resolve(year, all_tables, index) for year in all_tables}
    files = {root / INDEX: _dump(index), root / CHECKS: _dump(field_shapes(root))}
    for year, document in resolved.items():
        files[root / entrypoints.YEARS / year / RESOLVED] = _dump({**document, "problems": []})
    _write(files)
    for year, found in _year_problems(root).items():
        path = root / entrypoints.YEARS / year / RESOLVED
        if found and path in files:
            files[path] = _dump({**resolved[year], "problems": found})
    _write(files)
    return files


def _write(files: dict[Path, str]) -> None:
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build(root: Path = POLICIES, check: bool = False) -> list[Path]:
    """Write the generated files of the policies directory `root`, or with
    `check` only say which are not current (built in a copy, so the directory
    is left as it is). Returns the paths that changed (or would change)."""
    if not check:
        before = {p: p.read_text(encoding="utf-8") for p in _generated_paths(root) if p.exists()}
        files = _generated(root)
        return [p for p, text in files.items() if before.get(p) != text]
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy_root = Path(tmp) / "policies"
        shutil.copytree(root, copy_root)
        files = _generated(copy_root)
        stale = []
        for path, text in files.items():
            real = root / path.relative_to(copy_root)
            if not real.exists() or real.read_text(encoding="utf-8") != text:
                stale.append(real)
    return stale


def _generated_paths(root: Path) -> list[Path]:
    return [root / INDEX, root / CHECKS, *(root / entrypoints.YEARS / y / RESOLVED for y in tables(root))]


def resolved_year(year: str, root: Path = POLICIES) -> dict[str, Any] | None:
    path = root / entrypoints.YEARS / year / RESOLVED
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


# ---------------------------------------------------------------- a new year

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Resolved keys the build adds; a new year's table never states them.
_GENERATED = {"built_by", "rules", "trail", "categories", "conditions", "todo", "problems"}


def _shifted(date: str, years: int) -> str:
    y, m, d = (int(x) for x in _DATE.match(date).groups())  # type: ignore[union-attr]
    if (m, d) == (2, 29):
        d = 28  # 29 February into a common year
    return f"{y + years:04d}-{m:02d}-{d:02d}"


def _shift_dates(value: Any, years: int) -> Any:
    if isinstance(value, str) and _DATE.match(value):
        return _shifted(value, years)
    if isinstance(value, dict):
        return {k: _shift_dates(v, years) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_dates(v, years) for v in value]
    return value


def _to_confirm(value: Any, base: str, years: int, key: str = "") -> Any:
    """The base year's values, each date, amount and citation as a value to
    confirm (OpenFisca's `value`, with a `todo:`); lists of codes (channels,
    identities, triggers) and texts are inherited unchanged, so not written."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            confirmed = _to_confirm(v, base, years, k)
            if confirmed is not None:
                out[k] = confirmed
        return out or None
    if isinstance(value, list):
        if any(isinstance(v, dict) and any(isinstance(x, str) and _DATE.match(x) for x in v.values()) for v in value):
            return {"value": _shift_dates(value, years), "todo": f"periods of the new notice ({base}'s shifted a year)"}
        return None
    if isinstance(value, str) and _DATE.match(value):
        return {"value": _shifted(value, years), "todo": f"date in the new notice ({base}: {value})"}
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return {"value": value, "todo": f"amount or number in the new notice ({base}: {value})"}
    if key.endswith("clause"):
        return {"value": value, "todo": f"section of the new notice ({base}: {value})"}
    return None


def scaffold(year: str, base: str, root: Path = POLICIES, fixtures: Path | None = None) -> list[Path]:
    """Write the table of policy year `year` extending `base`, every date,
    amount and citation the officer must fill in or confirm marked `todo:`,
    and golden-case skeletons for it; then build. Returns the files written."""
    all_tables = tables(root)
    if base not in all_tables:
        raise YearError(f"there is no table for policy year {base} to extend")
    target = table_path(year, root)
    if target.exists():
        raise YearError(f"{target} exists already")
    resolved = resolved_year(base, root)
    if resolved is None:
        raise YearError(f"policy year {base} is not built: run `mzpolicy build-years` first")
    offset = int(year) - int(base)
    values = {k: v for k, v in resolved.items() if k not in _GENERATED}
    table: dict[str, Any] = {"extends": int(base)}
    table["document"] = {
        "value": "梅市医保〔YYYY〕N号",
        "todo": f"the number of the notice for {year} ({base}: {values['document']})",
    }
    table["document_title"] = {"value": values.get("document_title", ""), "todo": "the notice's title"}
    for key, value in values.items():
        if key in ("document", "document_title"):
            continue
        confirmed = _to_confirm(value, base, offset, key)
        if confirmed is not None:
            table[key] = confirmed
    table["rules"] = {
        rule_id: {"section": entry["section"], "todo": f"the section of the new notice ({base}: {entry['section']})"}
        for rule_id, entry in resolved["rules"].items()
    }
    header = (
        f"# Policy year {year}: its table, extending {base} (written by `mzpolicy new-year {year} --from {base}`).\n"
        f"#\n"
        f"# Whatever this file does not state is {base}'s. Every date, amount and citation\n"
        f"# below is {base}'s (dates a year on) and must be checked against the notice for\n"
        f"# {year}: write the notice's value, delete the `todo:`, and drop an entry that is\n"
        f"# the same as {base}'s if you like (it is inherited). Under `rules:` a section\n"
        f"# the notice moves is written here; a rule the notice drops is `id: null` (and\n"
        f"# its METADATA gets a last_year). A year with any `todo:` left is refused.\n"
        f"# Then run `mzpolicy build-years` and the golden cases of fixtures/golden/{year}/.\n"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(header + yaml.safe_dump(table, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    written = [target]
    if fixtures is not None:
        written += _golden_skeletons(year, base, offset, values["document"], fixtures)
    build(root)
    return [*written, root / entrypoints.YEARS / year / RESOLVED]


def _golden_skeletons(year: str, base: str, offset: int, base_document: str, fixtures: Path) -> list[Path]:
    """The base year's golden cases for the new year, dates a year on and
    each marked `todo:` (the golden runner refuses a case still marked)."""
    source, target = fixtures / "golden" / base, fixtures / "golden" / year
    if not source.is_dir():
        return []
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
        cases = []
        for case in doc.get("cases", []):
            case = _shift_dates(case, offset)
            case["todo"] = f"check this case against the notice for {year} (from {base}: {case.get('name', '')})"
            if "policy_year" in case:
                case["policy_year"] = int(year)
            case = json.loads(json.dumps(case, ensure_ascii=False).replace(base_document, "梅市医保〔YYYY〕N号"))
            cases.append(case)
        out = target / path.name
        head = f"# Golden cases for {year} from {base}'s {path.name} (mzpolicy new-year): confirm, delete todo.\n"
        body = yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False, width=100)
        out.write_text(head + body, encoding="utf-8")
        written.append(out)
    return written
