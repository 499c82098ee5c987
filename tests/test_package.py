"""The package's shape (issue 14): no import cycle between its modules, no
private name crossing a module, and `mzpolicy eval` importing only what it uses.

The import graph is read from the source with ast: every `import` and
`from ... import` anywhere in a module (at the top or inside a function: an
import deferred for speed still makes the two modules depend on each other),
relative imports resolved, `from pkg import mod` counted as an import of the
submodule, and importing a submodule counted as importing its packages too
(Python runs their __init__ first).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "python" / "mzpolicy"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(importer: str, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".")
    if not _is_package(importer):
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _with_packages(name: str) -> list[str]:
    """The module and every package above it that is part of mzpolicy."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in MODULES]


def imports_of(name: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import in module `name`."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, node.level, node.module)
            found.append((target, [alias.name for alias in node.names], node.lineno))
    return found


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, names, _ in imports_of(name):
            if not target.startswith("mzpolicy"):
                continue
            targets = [target] + [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            for t in targets:
                graph[name].update(m for m in _with_packages(t) if m != name and not name.startswith(m + "."))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph[v]:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read_from_every_module():
    graph = import_graph()
    # A few edges the package cannot do without: the test reads real imports.
    assert "mzpolicy.opa.client" in graph["mzpolicy.cli.eval"]
    assert "mzpolicy.roster.engine" in graph["mzpolicy.cli.batch"]
    assert "mzpolicy.roster.io" in graph["mzpolicy.roster.engine"]


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_one_that_imports_it():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(group) for group in found)


def test_no_private_name_crosses_a_module():
    crossing = []
    for name in MODULES:
        for target, names, line in imports_of(name):
            if not target.startswith("mzpolicy"):
                continue
            private = [n for n in names if n.startswith("_")] + [p for p in target.split(".") if p.startswith("_")]
            if private:
                crossing.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {', '.join(private)} from {target}")
    # An imported module's private attribute read through it (`engine._x`) crosses too.
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and _resolve(name, node.level, node.module).startswith("mzpolicy")
            for alias in node.names
            if f"{_resolve(name, node.level, node.module)}.{alias.name}" in MODULES
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                crossing.append(f"{path.relative_to(ROOT)}:{node.lineno} reads {node.value.id}.{node.attr}")
    assert not crossing, "\n".join(crossing)


def _top_level_names(name: str) -> set[str]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def test_every_import_of_the_package_names_something_that_is_there():
    """Deferred imports (inside functions) run only when called: a moved module
    must not leave one pointing at its old place."""
    broken = []
    for name in MODULES:
        for target, names, line in imports_of(name):
            if not target.startswith("mzpolicy"):
                continue
            where = f"{MODULES[name].relative_to(ROOT)}:{line}"
            if target not in MODULES:
                broken.append(f"{where}: no module {target}")
                continue
            defined = _top_level_names(target)
            broken += [
                f"{where}: {target} has no {n}"
                for n in names
                if n != "*" and n not in defined and f"{target}.{n}" not in MODULES
            ]
    assert not broken, "\n".join(broken)


# What `mzpolicy eval` must not load: the roster engine and reports, the
# server command, the year builder, and what only they use.
NOT_FOR_EVAL = (
    "mzpolicy.roster",
    "mzpolicy.cli.batch",
    "mzpolicy.cli.report",
    "mzpolicy.cli.serve",
    "mzpolicy.cli.years",
    "mzpolicy.cli.diff",
    "mzpolicy.years",
    "mzpolicy.diff",
    "mzpolicy.render.table",
    "tqdm",
    "sqlite3",
    "tarfile",
)

PROBE = """
import json, sys
from mzpolicy.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.mark.parametrize("opa", ["embedded", "url"])
def test_eval_imports_only_what_it_uses(opa, opa_url):
    args = ["eval", str(ROOT / "fixtures" / "records" / "hukou-adult.yaml"), "--as-of", "2024-10-10"]
    if opa == "url":
        args += ["--opa-url", opa_url]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60, cwd=ROOT, env={}
    )
    outcome = json.loads(result.stderr.splitlines()[-1])
    assert outcome["code"] == 0, result.stderr
    assert "参保" in result.stdout  # it decided (zh text)
    loaded = set(outcome["modules"])
    assert "mzpolicy.cli.eval" in loaded and "mzpolicy.render.decision" in loaded
    unwanted = sorted(m for m in loaded if any(m == u or m.startswith(u + ".") for u in NOT_FOR_EVAL))
    assert not unwanted, f"eval imported {unwanted}"


def test_every_command_loads_and_the_help_lists_them():
    result = subprocess.run([sys.executable, "-m", "mzpolicy", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for command in ("batch", "build-years", "diff", "eval", "new-year", "report", "serve"):
        assert f"  {command} " in result.stdout, result.stdout


if __name__ == "__main__":
    for module, targets in sorted(import_graph().items()):
        print(module, "->", ", ".join(sorted(targets)) or "(nothing of mzpolicy)")


# ---------------------------------------------------------------- facts learned, not restated


def test_the_id_types_checked_for_a_birth_date_are_those_the_policy_checks(post_decision):
    """records learns which id types carry GB 11643's birth date and check
    character from the resident schema; the policy checks the same types."""
    import re

    from mzpolicy import records

    schema = json.loads((ROOT / "schemas" / "resident.schema.json").read_text(encoding="utf-8"))
    patterns = {}
    for clause in schema["allOf"]:
        id_type = clause["if"]["properties"]["id_type"]
        for t in id_type.get("enum", [id_type.get("const")]):
            patterns[t] = clause["then"]["properties"]["id_number"]["pattern"]
    wrong = [
        f + str((int(records.check_digit(f).replace("X", "10")) + 1) % 10)
        for f in ("44140219900101123", "94414021990010112")
    ]
    policy_checks, python_checks = set(), set()
    for id_type in schema["properties"]["id_type"]["enum"]:
        numbers = [n for n in [*wrong, "H12345678"] if re.fullmatch(patterns[id_type].strip("^$"), n)]
        assert numbers, id_type
        resident = {"id_type": id_type, "id_number": numbers[0], "hukou_region": "441402", "birth_date": "1990-01-01"}
        request = {"as_of": "2024-10-10", "resident": resident}
        problems = (post_decision(request).get("error") or {}).get("problems") or []
        if any("check digit" in p["message"] for p in problems):
            policy_checks.add(id_type)
        if any("check digit" in p.message for p in records.problems(request)):
            python_checks.add(id_type)
    assert python_checks == policy_checks == records.id_types_with_birth_date()
    assert len(policy_checks) >= 2  # the test asked real numbers of more than one type


def test_mzpolicy_spark_takes_no_private_name_of_mzpolicy():
    # mzpolicy-spark reuses the roster code through its public names only (issue 15: reuse, not copy).
    crossing = []
    for path in sorted((ROOT / "python" / "mzpolicy_spark").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("mzpolicy."):
                crossing += [f"{path.name}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
    assert not crossing, crossing
