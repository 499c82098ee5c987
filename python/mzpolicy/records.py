"""Load resident records and requests, and check their format.

Format only: the JSON Schema in schemas/ (the same file OPA checks with
json.match_schema), the GB 11643 check digit, real dates and the birth date
in the ID number. Whether a resident may enroll is the policy's question,
answered in Rego. The Rego side repeats these checks for services that POST
to OPA directly; tests hold the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .paths import SCHEMAS


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InputError(Exception):
    """Bad input: the problems, each naming a field path."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.field, p.message))
        super().__init__(self.one_line())

    def one_line(self) -> str:
        first, *rest = self.problems
        if not rest:
            return _escape_line_breaks(str(first))
        return _escape_line_breaks(f"{first} (and {len(rest)} more: " + "; ".join(map(str, rest)) + ")")


# Messages quote what the person wrote; a line break in it must not break the one-line message.
_LINE_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def _escape_line_breaks(text: str) -> str:
    return _LINE_BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


REQUEST_KEYS = {"as_of", "policy_year", "resident"}
ID_WITH_BIRTH_DATE = {"resident_id", "hmt_residence_permit", "foreign_permanent_residence"}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
# ASCII digits only, as the schema and the Rego have it (str.isdigit also takes '²' and '４').
_EIGHTEEN_CHARACTER_ID = re.compile(r"[0-9]{17}[0-9X]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_digit(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as the strings the contract's dates are, so
    that an impossible date (2025-02-30) gets its field's error, not a crash."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def parse_text(text: str, source: str = "(input)") -> Any:
    """YAML or JSON text to a Python value (YAML is a superset of JSON)."""
    if not text.strip():
        raise InputError([Problem("(file)", f"{source} is empty")])
    try:
        # JSON first: PyYAML (YAML 1.1) reads JSON numbers such as 4e2 or 1.5e3 as strings.
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError([Problem("(file)", f"{source} is not YAML or JSON{at}: {problem}")]) from None
    except RecursionError:
        raise InputError([Problem("(file)", f"{source} nests too deeply")]) from None
    except (ValueError, TypeError, OverflowError) as exc:  # an explicit tag the value does not fit (!!int abc)
        raise InputError([Problem("(file)", f"{source} is not YAML or JSON: {exc}")]) from None


def load(path: str, stdin_text: str | None = None) -> Any:
    """Read a record or request from a file path, or '-' for stdin."""
    if path == "-":
        return parse_text(stdin_text or "", "standard input")
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError([Problem("(file)", f"cannot read {path}: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem("(file)", f"{path} is not UTF-8 text")]) from None
    return parse_text(text, path)


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
        raise InputError(
            [Problem("(file)", "the document refers to itself (a YAML alias inside its anchor)")]
        ) from None
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "nothing"
        raise InputError([Problem("(file)", f"expected a mapping (a resident record), got {kind}")])
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


_Draft7 = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": _pattern})


@cache
def _validator(name: str) -> jsonschema.Draft7Validator:
    return _Draft7(_schema(name), format_checker=jsonschema.FormatChecker())


def _path(prefix: str, parts: Any) -> str:
    out = prefix
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(input)"


def _schema_problems(name: str, instance: Any, prefix: str) -> list[Problem]:
    problems = []
    for error in _validator(name).iter_errors(instance):
        # if/then failures are reported by their inner error already.
        if error.validator in ("if", "allOf"):
            continue
        parts = list(error.absolute_path)
        if error.validator == "additionalProperties":
            known = set((error.schema or {}).get("properties", {}))
            for extra in sorted(k for k in error.instance if k not in known):
                problems.append(Problem(_path(prefix, [*parts, extra]), "is not a known field"))
            continue
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            problems.append(Problem(_path(prefix, [*parts, missing]), "is required"))
            continue
        problems.append(Problem(_path(prefix, parts), _message(error)))
    return problems


def _message(error: jsonschema.ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "pattern" and "description" in schema:
        return f"{error.instance!r} is not valid: {schema['description']}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of " + ", ".join(map(str, error.validator_value))
    return error.message


def _real_date(value: Any) -> bool:
    if not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return False  # fromisoformat alone also takes '20250101' and '2025-W01-1'
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def id_birth_date(id_number: str) -> str | None:
    """The birth date in positions 7-14 of an 18-character number, if real."""
    digits = id_number[6:14]
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).isoformat()
    except ValueError:
        return None


def problems(request: dict[str, Any]) -> list[Problem]:
    """Every format problem of a request; empty when it may go to OPA."""
    found = _schema_problems("request", request, "")
    resident = request.get("resident")
    if isinstance(resident, dict):
        found += _schema_problems("resident", resident, "resident")
        found += _id_problems(resident, request.get("as_of"))
        payment = resident.get("payment")
        amount = payment.get("amount") if isinstance(payment, dict) else None
        is_number = isinstance(amount, int | float) and not isinstance(amount, bool)
        if isinstance(amount, float) and not math.isfinite(amount):
            found.append(Problem("resident.payment.amount", f"{amount} is not a finite number"))
        elif is_number and Decimal(str(amount)) * 100 % 1 != 0:
            found.append(Problem("resident.payment.amount", f"{amount} yuan has more than two decimals"))
    return found


def _id_problems(resident: dict[str, Any], as_of: Any) -> list[Problem]:
    found = []
    id_type, number = resident.get("id_type"), resident.get("id_number")
    birth = resident.get("birth_date")
    if id_type in ID_WITH_BIRTH_DATE and isinstance(number, str) and _EIGHTEEN_CHARACTER_ID.fullmatch(number):
        expected = check_digit(number[:17])
        if number[17] != expected:
            found.append(
                Problem(
                    "resident.id_number",
                    f"check digit is {number[17]}, GB 11643 gives {expected} for the first 17 characters",
                )
            )
        derived = id_birth_date(number)
        if derived is None:
            found.append(Problem("resident.id_number", f"positions 7-14 ({number[6:14]}) are not a real birth date"))
        elif isinstance(birth, str) and birth != derived:
            found.append(Problem("resident.birth_date", f"{birth} disagrees with the ID number, which gives {derived}"))
        birth = derived
    if isinstance(birth, str) and isinstance(as_of, str) and _real_date(birth) and _real_date(as_of) and birth > as_of:
        found.append(Problem("resident.birth_date", f"{birth} is after as_of {as_of}"))
    return found


def validate(request: dict[str, Any]) -> dict[str, Any]:
    """The request unchanged, or InputError naming every problem."""
    found = problems(request)
    if found:
        raise InputError(found)
    return request
