#!/usr/bin/env python3
"""Bundle schemas/openapi.yaml into one self-contained file for client generators.

openapi.yaml points at the project's JSON Schemas (request, resident, batch,
decision) by relative `$ref`s, and those use draft-07 `definitions`; a
generator such as openapi-python-client does not follow references out of the
document and drops the operations whose bodies it cannot read. The bundled
file holds every referenced schema under components/schemas: a whole schema
file as its title-cased name (resident.schema.json -> Resident), each of its
definitions as `<Name>_<definition>` (decision.schema.json#/definitions/date
-> Decision_date), and every `$ref` points inside the document.

References resolve as JSON Schema says, by `$id` (the schema files' `$id`s
live under one base, and openapi.yaml sits beside them), through `referencing`,
the library jsonschema resolves with, so a symlinked file (batch.schema.json ->
policies/...) resolves as its `$id` says and not by its target's folder.

    scripts/bundle_openapi.py           # writes schemas/openapi.bundled.json
    scripts/bundle_openapi.py --check   # exit 1 when the committed file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SOURCE = SCHEMAS / "openapi.yaml"
BUNDLED = SCHEMAS / "openapi.bundled.json"
SUFFIX = ".schema.json"
# Keys of a schema file that say what the file is, not what it checks: in a
# component they would change the base URI (`$id`) or the dialect (`$schema`)
# of the OpenAPI document around them.
FILE_KEYS = ("$id", "$schema", "definitions")


def _component(uri: str) -> str:
    """The component name of a schema file or one of its definitions."""
    document, fragment = urldefrag(uri)
    file = document.rsplit("/", 1)[-1]
    if not file.endswith(SUFFIX):
        raise SystemExit(f"bundle: $ref {uri!r} is not a *{SUFFIX} file")
    name = file.removesuffix(SUFFIX).title().replace("_", "")
    if fragment in ("", "/"):
        return name
    parts = fragment.strip("/").split("/")
    if len(parts) != 2 or parts[0] != "definitions":
        raise SystemExit(f"bundle: $ref {uri!r} points inside a schema; only whole files and definitions are bundled")
    return f"{name}_{parts[1]}"


def bundle(source: Path = SOURCE) -> dict[str, Any]:
    spec = yaml.safe_load(source.read_text(encoding="utf-8"))
    files = sorted(source.parent.glob(f"*{SUFFIX}"))
    resources = []
    for path in files:
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = DRAFT7.create_resource(contents)
        if not resource.id() or not resource.id().endswith("/" + path.name):
            raise SystemExit(f"bundle: {path.name} has $id {resource.id()!r}, which does not end in its file name")
        resources.append((resource.id(), resource))
    bases = {uri.rsplit("/", 1)[0] + "/" for uri, _ in resources}
    if len(bases) != 1:
        raise SystemExit(f"bundle: the schemas' $ids lie under several bases {sorted(bases)}")
    base = bases.pop() + source.name
    registry = Registry().with_resources([(base, Resource.opaque(spec)), *resources])
    resolver = registry.resolver(base_uri=base)

    components: dict[str, Any] = {}
    started: set[str] = set()  # components being built (a schema may refer to itself)
    files_done: set[str] = set()

    def rewrite(node: Any, document: str) -> Any:
        if isinstance(node, list):
            return [rewrite(item, document) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: rewrite(value, document) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str):
            uri = urljoin(document, ref)
            target, fragment = urldefrag(uri)
            if target == base:
                if not fragment.startswith("/components/"):
                    raise SystemExit(f"bundle: $ref {ref!r} points inside openapi.yaml outside components")
                return out
            resolver.lookup(uri)  # fails loudly on a reference to nothing
            name = _component(uri)
            hoist(target, whole=name == _component(target))
            out["$ref"] = f"#/components/schemas/{name}"
        return out

    def hoist(document: str, whole: bool) -> None:
        contents = resolver.lookup(document).contents
        # A file's definitions come along with it or with any one of them.
        if document not in files_done:
            files_done.add(document)
            for definition, schema in contents.get("definitions", {}).items():
                key = _component(f"{document}#/definitions/{definition}")
                started.add(key)
                components[key] = rewrite(schema, document)
        name = _component(document)
        if whole and name not in started:
            started.add(name)
            schema = {k: v for k, v in contents.items() if k not in FILE_KEYS}
            # A generator names a model by its schema's title: the component's
            # name reads as code (Resident), the title stays as the description's
            # first line.
            if "title" in schema:
                title = schema.pop("title")
                schema["description"] = f"{title}\n\n{schema.get('description', '')}".rstrip()
            components[name] = rewrite(schema, document)

    rewritten = rewrite(spec, base)
    schemas = rewritten.setdefault("components", {}).setdefault("schemas", {})
    for name in sorted(components):
        if name in schemas:
            raise SystemExit(f"bundle: component {name} is both in openapi.yaml and a bundled schema")
        schemas[name] = components[name]
    return rewritten


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed bundle is not current")
    args = parser.parse_args(argv)
    text = render(bundle())
    if args.check:
        current = BUNDLED.read_text(encoding="utf-8") if BUNDLED.exists() else ""
        if current != text:
            print(f"{BUNDLED.relative_to(ROOT)} is stale: run scripts/bundle_openapi.py", file=sys.stderr)
            return 1
        return 0
    BUNDLED.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
