"""Load resident records and requests, and check their format.

Format only: the JSON Schema in schemas/ (the same file OPA checks with
json.match_schema), the GB 11643 check digit, real dates and the birth date
in the ID number. Whether a resident may enroll is the policy's question,
answered in Rego. The Rego side repeats these checks for services that POST
to OPA directly; tests hold the two to the same answers.

Numbers are checked as the document writes them (WrittenNumber), as OPA
reads them from the same text. No document costs unbounded time or memory:
at most MAX_DOCUMENT_BYTES are read, YAML aliases may not blow a document up
past MAX_EXPANDED_SIZE, and every message quotes values cut short.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import json
import math
import re
import reprlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import IO, Any

import jsonschema
import yaml

from .paths import SCHEMAS
from .wording import say

# A record is a few hundred bytes, a whole request a few more, and every
# field has a bound (a name 100 characters, 11 identities, ...): a file a
# hundred times that is not a record. The cap bounds what reading costs:
# libyaml and the schema check take seconds over a megabyte of small nodes.
MAX_DOCUMENT_BYTES = 256 << 10
# What a YAML document may grow to once its aliases are expanded, counted as
# one per node plus the length of each scalar. Any document without aliases
# under MAX_DOCUMENT_BYTES stays under it (a node takes at least two
# characters, or one beside its key); nine levels of nine aliases do not.
MAX_EXPANDED_SIZE = 2 * MAX_DOCUMENT_BYTES
# Problems listed in one message; the rest are counted.
MAX_LISTED_PROBLEMS = 10
# Schema errors looked at in one document: a list of 100,000 bad items would
# otherwise cost a ValidationError each.
MAX_SCHEMA_ERRORS = 50


@dataclass(frozen=True)
class Problem:
    """A field path and what is wrong with it: `message` in English, and,
    for the problems this package words, the wording table's key and facts
    (mzpolicy.wording), so that it can be shown in the command's language."""

    field: str
    message: str
    key: str | None = field(default=None, compare=False)
    facts: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, field_path: str, key: str, **facts: Any) -> Problem:
        return cls(field_path, say(key, "en", **facts), key, facts)

    def worded(self, lang: str = "en") -> str:
        return say(self.key, lang, **self.facts) if self.key else self.message

    @classmethod
    def all_of(cls, error: dict[str, Any]) -> list[Problem]:
        """The problems of the policy's invalid_input error document (CONTRACT §3)."""
        return [cls(p["field"], p["message"]) for p in error["problems"]]

    def text(self, lang: str = "en") -> str:
        return f"{self.field}: {self.worded(lang)}"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InputError(Exception):
    """Bad input: the problems, each naming a field path."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.field, p.message))
        super().__init__(self.one_line())

    def one_line(self, lang: str = "en") -> str:
        """Every problem up to MAX_LISTED_PROBLEMS, each cut short, on one line, in `lang`."""
        first, *rest = (short(p.text(lang), 240) for p in self.problems[:MAX_LISTED_PROBLEMS])
        more = len(self.problems) - 1
        if more:
            unlisted = "; …" if len(self.problems) > MAX_LISTED_PROBLEMS else ""
            first = say("and_more", lang, first=first, more=more, rest="; ".join(rest) + unlisted)
        return visible(_escape_line_breaks(first))


# Messages quote what the person wrote; a line break in it must not break the one-line message.
_LINE_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def _escape_line_breaks(text: str) -> str:
    return _LINE_BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def short(text: str, limit: int = 60) -> str:
    """text, or its first `limit` characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visible(text: str) -> str:
    """text that any UTF-8 stream can take: a lone surrogate (JSON's "\\udcff")
    is written as its escape, \\udcff, instead of failing the write."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


_QUOTE = reprlib.Repr()
_QUOTE.maxstring = _QUOTE.maxother = 60
_QUOTE.maxlist = _QUOTE.maxdict = 4
_QUOTE.maxlevel = 2


def shown(value: Any) -> str:
    """A value quoted in a message, short whatever its size: numbers as
    written, anything else as repr (so line breaks and surrogates show as
    escapes), cut down by reprlib."""
    if isinstance(value, WrittenNumber):
        return short(value.text)
    if isinstance(value, Decimal):
        return short(str(value))
    return _QUOTE.repr(value)


REQUEST_KEYS = {"as_of", "policy_year", "resident"}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
# ASCII digits only, as the schema and the Rego have it (str.isdigit also takes '²' and '４').
_EIGHTEEN_CHARACTER_ID = re.compile(r"[0-9]{17}[0-9X]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_digit(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


class WrittenNumber(float):
    """A number with a fraction or an exponent, as the document writes it:
    a float for everyone (json.dumps writes it as one), and `text` for the
    checks that must see what was written, as OPA reads it from the same
    text: 400.0000000000000001 or 1e-400 have more than two decimals, though
    their floats (400.0, 0.0) have none. A request that passes those checks
    has only numbers its float holds exactly (yuan with two decimals up to
    100,000, whole years), so what is sent to OPA is the number validated."""

    __slots__ = ("text",)

    def __new__(cls, text: str) -> WrittenNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __reduce__(self) -> tuple[Any, ...]:  # copy.deepcopy (diff) and pickle keep the text
        return (WrittenNumber, (self.text,))


def parse_json(text: str | bytes) -> Any:
    """JSON as json.loads reads it, but with numbers as written (WrittenNumber).
    Raises what json.loads raises (ValueError, RecursionError)."""
    return json.loads(text, parse_float=WrittenNumber)


def as_written(value: Any) -> Any:
    """value with every finite float (a WrittenNumber, or a float built in
    Python, which json.dumps will write as its repr) as the exact Decimal of
    its text: the view the schema checks, so that its bounds, integers and
    uniqueness are decided as OPA decides them on the same text."""
    if isinstance(value, dict):
        return {k: as_written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_written(v) for v in value]
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(value.text if isinstance(value, WrittenNumber) else repr(value))
    return value


def decimals(number: Decimal) -> int:
    """Decimal places of a finite number's value (0.53: 2, 1.5e-1: 2, 4e2: 0,
    400.00: 0, 1e-400: 400), read from its digits and exponent: no arithmetic,
    which would overflow the context for 1e30 and round 400.0000000000000001."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int), "a finite number"
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:
        return 0  # zero, however written
    return max(0, -(exponent + len(digits) - len(significant)))


def _written_float(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> Any:
    """A YAML float as written (1_000.5 is 1000.5); .inf, .nan and base 60
    (1:30.5) as PyYAML reads them."""
    text = node.value.replace("_", "")
    if re.fullmatch(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", text):
        return WrittenNumber(text)
    return loader.construct_yaml_float(node)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's, where PyYAML has it: several times
    faster on a large document) that keeps dates as the strings the
    contract's dates are, so that an impossible date (2025-02-30) gets its
    field's error, not a crash, and floats as written."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
_Loader.add_constructor("tag:yaml.org,2002:float", _written_float)


def _load_yaml(text: str, source: str) -> Any:
    """yaml.load with the aliases checked before anything is built from them."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, source: str) -> None:
    """PyYAML builds an alias as a second reference to its anchor's value, and
    everything after it (the request, the schema check, the JSON for OPA)
    copies it out: nine levels of nine aliases are 387 million values. Add up
    what each node expands to, once per node, and refuse a document that
    grows past MAX_EXPANDED_SIZE or holds itself."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise InputError([Problem.of("(file)", "file_refers_to_itself")])
        open_nodes.add(key)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1 + len(node.value)
        open_nodes.discard(key)
        if total > MAX_EXPANDED_SIZE:
            raise InputError([Problem.of("(file)", "file_grows", source=source, limit=f"{MAX_EXPANDED_SIZE:,}")])
        sizes[key] = total
        return total

    size(root)


def parse_text(text: str, source: str = "(input)") -> Any:
    """YAML or JSON text to a Python value (YAML is a superset of JSON)."""
    if not text.strip():
        raise InputError([Problem.of("(file)", "file_empty", source=source)])
    try:
        # JSON first: PyYAML (YAML 1.1) reads JSON numbers such as 4e2 or 1.5e3 as strings.
        return parse_json(text)
    except (ValueError, RecursionError):
        pass
    try:
        return _load_yaml(text, source)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        problem = short(getattr(exc, "problem", None) or str(exc).splitlines()[0], 120)
        at = ("file_at", {"line": where.line + 1, "column": where.column + 1}) if where else ""
        raise InputError([Problem.of("(file)", "file_not_yaml", source=source, at=at, problem=problem)]) from None
    except RecursionError:
        raise InputError([Problem.of("(file)", "file_nests", source=source)]) from None
    except (ValueError, TypeError, OverflowError) as exc:  # an explicit tag the value does not fit (!!int abc)
        problem = short(str(exc), 120)
        raise InputError([Problem.of("(file)", "file_not_yaml", source=source, at="", problem=problem)]) from None


def load(path: str, stdin: IO[bytes] | None = None) -> Any:
    """Read a record or request from a file path, or '-' for standard input
    (`stdin`, else sys.stdin), at most MAX_DOCUMENT_BYTES of it."""
    if path == "-":
        source = "standard input"
        raw = _read_capped(stdin or getattr(sys.stdin, "buffer", sys.stdin), source)
    else:
        source = path
        try:
            with open(path, "rb") as f:
                raw = _read_capped(f, source)
        except OSError as exc:
            raise InputError([Problem.of("(file)", "file_unreadable", path=path, reason=exc.strerror)]) from None
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise InputError([Problem.of("(file)", "file_not_utf8", source=source)]) from None
    return parse_text(text, source)


def _read_capped(stream: IO[Any], source: str) -> bytes | str:
    """One byte more than the cap, never the whole of /dev/zero."""
    raw = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        limit = f"{MAX_DOCUMENT_BYTES >> 10} KiB"
        raise InputError([Problem.of("(file)", "file_too_large", source=source, limit=limit)])
    return raw


def _jsonable(value: Any) -> Any:
    """YAML turns unquoted 2025-01-01 into a date; the contract's dates are strings."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else str(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def build_request(document: Any, as_of: str | None = None, policy_year: int | None = None) -> dict[str, Any]:
    """A request from a loaded record or whole request; flags override the file."""
    try:
        document = _jsonable(document)
    except RecursionError:
        raise InputError([Problem.of("(file)", "file_nests", source="the document")]) from None
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "nothing"
        raise InputError([Problem.of("(file)", "not_a_mapping", kind=kind)])
    is_request = "resident" in document and set(document) <= REQUEST_KEYS
    request = dict(document) if is_request else {"resident": document}
    if as_of is not None:
        request["as_of"] = as_of
    if policy_year is not None:
        request["policy_year"] = policy_year
    return request


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """JSON Schema `pattern` as OPA's Go regexp reads it: `$` ends the text
    (Python's re.search also lets it match before a final newline: '441402\\n')."""
    if validator.is_type(instance, "string") and not re.search(re.sub(r"(?<!\\)\$", r"\\Z", pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_integer(checker: Any, instance: Any) -> bool:
    """A whole number, however written (2025, 2025.0, 2.025e3), as OPA's
    schema check has it; 2025.0000000000000001 is not one."""
    if isinstance(instance, Decimal):
        return instance.is_finite() and decimals(instance) == 0
    return jsonschema.Draft7Validator.TYPE_CHECKER.is_type(instance, "integer")


_Draft7 = jsonschema.validators.extend(
    jsonschema.Draft7Validator,
    {"pattern": _pattern},
    type_checker=jsonschema.Draft7Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


@cache
def _validator(name: str, definition: str | None = None) -> jsonschema.Draft7Validator:
    schema = _schema(name)
    if definition is not None:
        schema = {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
    return _Draft7(schema, format_checker=jsonschema.FormatChecker())


def schema_errors(name: str, instance: Any, definition: str | None = None) -> Iterator[jsonschema.ValidationError]:
    """The errors of `instance` (numbers as written) against schemas/<name>.schema.json,
    or against one of its definitions; at most MAX_SCHEMA_ERRORS of them."""
    errors = _validator(name, definition).iter_errors(as_written(instance))
    return itertools.islice(errors, MAX_SCHEMA_ERRORS)


def field_path(prefix: str, parts: Any) -> str:
    """A field path as messages write it: resident.identities[1]."""
    out = prefix
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # A key is whatever the person wrote, a misspelt one of a megabyte too.
            out += f".{short(str(part))}" if out else short(str(part))
    return out or "(input)"


def _schema_problems(name: str, instance: Any, prefix: str) -> list[Problem]:
    problems = []
    for error in schema_errors(name, instance):
        # if/then failures are reported by their inner error already.
        if error.validator in ("if", "allOf"):
            continue
        parts = list(error.absolute_path)
        if error.validator == "additionalProperties":
            known = sorted((error.schema or {}).get("properties", {}))
            for extra in sorted(k for k in error.instance if k not in known):
                problems.append(_unknown_field(field_path(prefix, [*parts, extra]), extra, known))
            continue
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            problems.append(Problem.of(field_path(prefix, [*parts, missing]), "required"))
            continue
        problems.append(_problem(field_path(prefix, parts), error))
    return problems


def _unknown_field(path: str, name: Any, known: list[str]) -> Problem:
    """An unknown key, with the schema's property names closest to it (difflib) as "did you mean"."""
    close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.6) if isinstance(name, str) else []
    if not close:
        return Problem.of(path, "unknown_field")
    return Problem.of(path, "unknown_field_suggest", suggestions=" / ".join(close))


# jsonschema's validators this package words itself (wording.WORDS), with the fact each quotes.
_WORDED = {
    "minimum": "minimum",
    "maximum": "maximum",
    "maxLength": "too_long",
    "minLength": "too_short",
    "uniqueItems": "not_unique",
    "minItems": "too_few_items",
}


def _problem(path: str, error: jsonschema.ValidationError) -> Problem:
    """A schema error as a Problem: worded by the table where it words that
    kind of error, else jsonschema's own English message."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = shown(error.instance)
    if error.validator == "pattern" and "description" in schema:
        return Problem.of(path, "pattern", value=value, description=schema["description"])
    if error.validator == "enum":
        return Problem.of(path, "not_one_of", value=value, allowed=", ".join(map(str, error.validator_value)))
    if error.validator == "format" and error.validator_value == "date":
        return Problem.of(path, "not_a_date", value=value)
    if error.validator == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return Problem.of(path, "type", value=value, type=[str(t) for t in types])
    if error.validator in _WORDED and not isinstance(error.validator_value, dict | list):
        return Problem.of(path, _WORDED[error.validator], value=value, limit=error.validator_value)
    return Problem(path, _message(error))


def _message(error: jsonschema.ValidationError) -> str:
    """jsonschema's message with the value it quotes (whole, however long) cut short."""
    return short(error.message.replace(repr(error.instance), shown(error.instance)), 200)


def _real_date(value: Any) -> bool:
    if not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return False  # fromisoformat alone also takes '20250101' and '2025-W01-1'
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


# The schema's id_number pattern of a GB 11643 number ends in its check character.
_GB11643_END = "[0-9X]$"


@cache
def id_types_with_birth_date() -> frozenset[str]:
    """The id types whose numbers are GB 11643's 18 characters (positions
    7-14 the birth date, the last a check character), as
    schemas/resident.schema.json has them: the types whose id_number pattern
    (its allOf if id_type ... then) ends in the check character [0-9X]."""
    found: set[str] = set()
    for clause in _schema("resident").get("allOf", []):
        id_type = clause.get("if", {}).get("properties", {}).get("id_type", {})
        pattern = clause.get("then", {}).get("properties", {}).get("id_number", {}).get("pattern", "")
        if pattern.endswith(_GB11643_END):
            found.update(id_type.get("enum", [id_type["const"]] if "const" in id_type else []))
    return frozenset(found)


def id_birth_date(id_number: str) -> str | None:
    """The birth date in positions 7-14 of an 18-character number, if real."""
    digits = id_number[6:14]
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).isoformat()
    except ValueError:
        return None


def _resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    return schema["definitions"][ref.rsplit("/", 1)[1]] if ref.startswith("#/definitions/") else node


def _over(field: str, value: Any, node: dict[str, Any]) -> Problem | None:
    if isinstance(value, list) and "maxItems" in node and len(value) > node["maxItems"]:
        return Problem.of(field, "too_many_items", count=len(value), limit=node["maxItems"])
    if isinstance(value, dict) and "maxProperties" in node and len(value) > node["maxProperties"]:
        return Problem.of(field, "too_many_keys", count=len(value), limit=node["maxProperties"])
    return None


@cache
def _field_bounds() -> dict[str, dict[str, Any]]:
    """Each resident field's schema (its $ref resolved), for its maxItems or maxProperties."""
    schema = _schema("resident")
    return {name: _resolved(schema, node) for name, node in schema.get("properties", {}).items()}


def bound_problems(request: Any) -> list[Problem]:
    """The counts the schemas bound, checked before anything else exactly as
    the Rego does (lib/bounds.rego): when one is over, it is the answer and
    the schema is not checked, so a record of 100,000 unknown keys costs a
    count, and both sides name the same field."""
    if not isinstance(request, dict):
        return []
    found = [p for p in [_over("(input)", request, _schema("request"))] if p]
    resident = request.get("resident")
    if isinstance(resident, dict):
        over = _over("resident", resident, _schema("resident"))
        if over:
            return [*found, over]
        bounds = _field_bounds()
        for name, value in resident.items():
            if isinstance(value, list | dict) and name in bounds:
                problem = _over(f"resident.{name}", value, bounds[name])
                if problem:
                    found.append(problem)
    return found


def _go_patterns(node: Any) -> Any:
    """The schema with each `pattern` as OPA's Go regexp reads it (`$` ends the text)."""
    if isinstance(node, dict):
        return {
            k: re.sub(r"(?<!\\)\$", r"\\Z", v) if k == "pattern" and isinstance(v, str) else _go_patterns(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_go_patterns(v) for v in node]
    return node


@cache
def _fast_check(name: str) -> Any:
    """schemas/<name>.schema.json compiled to Python by fastjsonschema: a
    request that passes it has no schema error (the property test holds the
    two together), and takes tens of microseconds, where jsonschema's full
    walk, which names every error, takes a millisecond. A roster's valid
    rows never need the full walk."""
    import fastjsonschema

    return fastjsonschema.compile(_go_patterns(_schema(name)), formats={"date": _real_date})


def _passes_the_schemas(request: dict[str, Any]) -> bool:
    import fastjsonschema

    # A whole number written with a fraction or an exponent (a year of 2025.0)
    # is whole or not by its text, which only the full check reads.
    resident = request["resident"]
    years = [request.get("policy_year"), *_list(resident, "enrolled_years"), *_list(resident, "repaired_years")]
    if any(isinstance(y, WrittenNumber) for y in years):
        return False
    try:
        _fast_check("request")(request)
        _fast_check("resident")(resident)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _list(record: dict[str, Any], key: str) -> list[Any]:
    value = record.get(key)
    return value if isinstance(value, list) else []


def problems(request: dict[str, Any], fast: bool = True) -> list[Problem]:
    """Every format problem of a request; empty when it may go to OPA.
    fast=False always takes jsonschema's full walk (the tests compare)."""
    bounded = bound_problems(request)
    if bounded:
        return bounded
    resident = request.get("resident")
    if fast and isinstance(resident, dict) and _passes_the_schemas(request):
        found = []
    else:
        found = _schema_problems("request", request, "")
        if isinstance(resident, dict):
            found += _schema_problems("resident", resident, "resident")
    if isinstance(resident, dict):
        found += _id_problems(resident, request.get("as_of"))
        payment = resident.get("payment")
        amount = payment.get("amount") if isinstance(payment, dict) else None
        if isinstance(amount, int | float | Decimal) and not isinstance(amount, bool):
            exact = as_written(amount) if isinstance(amount, float) else Decimal(amount)
            if not (isinstance(exact, Decimal) and exact.is_finite()):
                found.append(Problem.of("resident.payment.amount", "not_finite", amount=amount))
            elif decimals(exact) > 2:
                found.append(Problem.of("resident.payment.amount", "two_decimals", amount=shown(amount)))
    return found


def _id_problems(resident: dict[str, Any], as_of: Any) -> list[Problem]:
    found = []
    id_type, number = resident.get("id_type"), resident.get("id_number")
    birth = resident.get("birth_date")
    if id_type in id_types_with_birth_date() and isinstance(number, str) and _EIGHTEEN_CHARACTER_ID.fullmatch(number):
        expected = check_digit(number[:17])
        if number[17] != expected:
            found.append(Problem.of("resident.id_number", "check_digit", digit=number[17], expected=expected))
        derived = id_birth_date(number)
        if derived is None:
            found.append(Problem.of("resident.id_number", "id_birth_date", digits=number[6:14]))
        elif isinstance(birth, str) and birth != derived:
            found.append(Problem.of("resident.birth_date", "birth_disagrees", birth=short(birth), derived=derived))
        birth = derived
    if isinstance(birth, str) and isinstance(as_of, str) and _real_date(birth) and _real_date(as_of) and birth > as_of:
        found.append(Problem.of("resident.birth_date", "born_after_as_of", birth=birth, as_of=as_of))
    return found


def validate(request: dict[str, Any], fast: bool = True) -> dict[str, Any]:
    """The request unchanged, or InputError naming every problem. For one
    request (eval, diff) fast=False is the quicker: jsonschema's walk takes a
    millisecond, compiling the fast check ~20-30 ms, paid back only over a roster."""
    try:
        found = problems(request, fast)
    except RecursionError:
        found = [Problem.of("(file)", "file_nests", source="the document")]
    if found:
        raise InputError(found)
    return request
