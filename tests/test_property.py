"""Property tests: no input makes the CLI crash or answer outside its contract,
and the Python and Rego validators refuse the same requests on the same fields.

Requests are built from the resident schema's fields: a well-formed request
(every optional field may be there, with a valid value), then zero to three
mutations, each of which breaks one field in a way CONTRACT §2 refuses and
records the field path that must be named. Random text and bytes stand in for
files that are not records at all. The CLI runs in-process (click's
CliRunner) against the session's OPA.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from mzpolicy.cli import main
from mzpolicy.records import InputError, Problem, build_request, check_digit, parse_text, problems

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "resident.schema.json").read_text("utf-8"))
PROPERTIES = SCHEMA["properties"]

ID_TYPES = PROPERTIES["id_type"]["enum"]
WITH_BIRTH_DATE = ["resident_id", "hmt_residence_permit", "foreign_permanent_residence"]
IDENTITIES = PROPERTIES["identities"]["items"]["enum"]
EVENTS = sorted(PROPERTIES["events"]["properties"])
LEVELS = PROPERTIES["student"]["properties"]["level"]["enum"]
BOOLEANS = sorted(k for k, v in PROPERTIES.items() if v.get("type") == "boolean")
REGIONS = sorted(k for k, v in PROPERTIES.items() if v.get("$ref") == "#/definitions/region")
YEAR_LISTS = ["enrolled_years", "repaired_years"]
MEIZHOU = ["441400", "441402", "441403", "441422", "441423", "441424", "441426", "441427", "441481"]
RETIRED = [f"4414{n:02d}" for n in range(100) if f"4414{n:02d}" not in MEIZHOU]  # 441421 梅县 and the unused
MISSPELT = ["deth", "death ", "Death", "employee_insurance_end", "hukou_moved", "dead"]

SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}

# Strings a person could type; YAML and JSON both carry them unchanged (no
# control characters, surrogates, non-characters or Unicode line separators).
TEXT = st.characters(exclude_categories=("Cc", "Cs", "Cn", "Co", "Zl", "Zp"))
KEYS = st.text(TEXT, min_size=1, max_size=12)
iso = dt.date.isoformat


def _real_iso(value: str) -> bool:
    try:
        return len(value) == 10 and dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


# -- field values ----------------------------------------------------------------------------------------------------

valid_region = st.sampled_from(MEIZHOU) | st.from_regex(r"\A[0-9]{6}\Z").filter(lambda c: not c.startswith("4414"))
bad_region = (
    st.sampled_from(RETIRED)
    | st.from_regex(r"\A[0-9]{1,5}\Z")
    | st.from_regex(r"\A[0-9]{7,9}\Z")
    | st.sampled_from(["44140a", "４４１４０２", "441402\n", " 441402", "", "441402.0"])
    | st.integers(0, 999999)
)
some_date = st.dates(dt.date(1950, 1, 1), dt.date(2099, 12, 31)).map(iso)
bad_date = (
    st.sampled_from(
        [
            "2025-02-30",
            "2023-02-29",
            "2100-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-1-1",
            "20250101",
            "2025/01/01",
            "0000-01-01",
            "2025-01-01T00:00:00",
            "2025-01-01\n",
            "2025-W01-1",
            "",
        ]
    )
    | st.text(TEXT, max_size=12).filter(lambda s: not _real_iso(s))
    | st.integers()
    | st.booleans()
    | st.none()
)
not_a_bool = st.sampled_from(["yes", "no", "true", "false", 1, 0, None, [], {}, "是"])
amount = st.integers(0, 100_000) | st.integers(0, 10_000_000).map(lambda cents: cents / 100)
bad_amount = (
    st.integers(1, 10**6).filter(lambda n: n % 10).map(lambda n: n / 1000)  # three decimals
    | st.integers(-(10**6), -1)
    | st.integers(100_001, 10**9)
    # Far beyond the maximum: 1e26 and up once overflowed Python's decimal context.
    | st.integers(10**25, 10**40)
    | st.integers(25, 300).map(lambda e: 10.0**e)
    | st.sampled_from(["400", "四百", None, True, [400]])
)


def id_number_for(id_type: str, birth: dt.date) -> st.SearchStrategy[str]:
    if id_type == "hmt_travel_permit":
        return st.from_regex(r"\A[HM]?[0-9]{8}\Z")
    if id_type == "hmt_residence_permit":
        prefix = st.sampled_from(["810000", "820000", "830000"])
    elif id_type == "foreign_permanent_residence":
        prefix = st.from_regex(r"\A9[0-9]{5}\Z")
    else:
        prefix = st.sampled_from([*MEIZHOU, "441421", "440102", "110101", "510107"])
    first17 = st.tuples(prefix, st.from_regex(r"\A[0-9]{3}\Z")).map(lambda t: t[0] + birth.strftime("%Y%m%d") + t[1])
    return first17.map(lambda f: f + check_digit(f))


@st.composite
def student(draw) -> dict[str, Any]:
    level = draw(st.sampled_from(LEVELS))
    record = {"level": level, "school_region": draw(valid_region)}
    if level != "preschool" or draw(st.booleans()):
        record["full_time"] = draw(st.booleans())
    if draw(st.booleans()):
        record["migrant_worker_child"] = draw(st.booleans())
    return record


OPTIONAL = {
    "name": st.text(TEXT | st.sampled_from("\n\t"), max_size=100),
    **{field: st.booleans() for field in BOOLEANS},
    **{field: valid_region for field in REGIONS},
    "student": student(),
    "identities": st.lists(st.sampled_from(IDENTITIES), unique=True, max_size=4),
    **{field: st.lists(st.integers(1990, 2100), unique=True, max_size=5) for field in YEAR_LISTS},
    "events": st.dictionaries(st.sampled_from(EVENTS), some_date, max_size=3),
    "payment": st.fixed_dictionaries({"date": some_date, "amount": amount}),
}


@st.composite
def well_formed(draw, years: list[int]) -> dict[str, Any]:
    """A request CONTRACT §2 accepts, for a loaded policy year."""
    year = draw(st.sampled_from(years))
    request: dict[str, Any] = {}
    if draw(st.booleans()):
        request["policy_year"] = year
        as_of = draw(st.dates(dt.date(year - 1, 1, 1), dt.date(year, 12, 31)))
    else:  # the year comes from as_of: September on is next year's
        as_of = draw(st.dates(dt.date(year - 1, 9, 1), dt.date(year, 8, 31)))
    request["as_of"] = iso(as_of)
    id_type = draw(st.sampled_from(ID_TYPES))
    birth = draw(st.dates(dt.date(1900, 1, 1), as_of))
    resident: dict[str, Any] = {"id_type": id_type, "id_number": draw(id_number_for(id_type, birth))}
    if id_type == "hmt_travel_permit" or draw(st.booleans()):
        resident["birth_date"] = iso(birth)
    for field in draw(st.lists(st.sampled_from(sorted(OPTIONAL)), unique=True, max_size=len(OPTIONAL))):
        resident[field] = draw(OPTIONAL[field])
    request["resident"] = resident
    return request


# -- mutations: each breaks one thing and returns the field path that must be named ---------------------------------


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _replace_id_number(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    id_type = resident["id_type"]
    number = resident["id_number"]
    if id_type in WITH_BIRTH_DATE:
        how = draw(st.sampled_from(["check_digit", "birth_in_number", "length", "lowercase_x", "fullwidth", "letters"]))
        if how == "check_digit":
            resident["id_number"] = number[:17] + draw(st.sampled_from([c for c in "0123456789X" if c != number[17]]))
        elif how == "birth_in_number":
            impossible = draw(st.sampled_from(["19901301", "19900001", "19900132", "20230229", "19900431", "00000101"]))
            first17 = number[:6] + impossible + number[14:17]
            resident["id_number"] = first17 + check_digit(first17)
        elif how == "length":
            resident["id_number"] = draw(st.sampled_from([number[:17], number[:15], number + "0"]))
        elif how == "lowercase_x":
            resident["id_number"] = number[:17] + "x"
        elif how == "fullwidth":
            resident["id_number"] = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
        else:
            position = draw(st.integers(0, 16))
            resident["id_number"] = number[:position] + draw(st.sampled_from("AZaz-² ")) + number[position + 1 :]
    else:
        resident["id_number"] = draw(
            st.sampled_from(["H1234567", "X12345678", "H123456789", "h12345678", "H1234567８"])
        )
    if draw(st.integers(0, 9)) == 0:
        resident["id_number"] = draw(st.integers(0, 10**18))
    return "resident.id_number"


def _birth_date(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    as_of = dt.date.fromisoformat(request["as_of"])
    how = draw(st.sampled_from(["impossible", "after_as_of", "missing_or_disagreeing"]))
    if how == "impossible":
        resident["birth_date"] = draw(bad_date)
    elif how == "after_as_of":
        resident["birth_date"] = iso(draw(st.dates(as_of + dt.timedelta(days=1), dt.date(2200, 12, 31))))
        if resident["id_type"] in WITH_BIRTH_DATE:  # the number's date is the birth date, so it moves too
            first17 = resident["id_number"][:6] + resident["birth_date"].replace("-", "") + resident["id_number"][14:17]
            resident["id_number"] = first17 + check_digit(first17)
    elif resident["id_type"] == "hmt_travel_permit":
        del resident["birth_date"]  # required: the number carries no birth date
    else:
        number = resident["id_number"]
        derived = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        other = draw(st.dates(dt.date(1900, 1, 1), as_of).filter(lambda d: d != derived))
        resident["birth_date"] = iso(other)
    return "resident.birth_date"


def _region(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    if draw(st.integers(0, 4)) == 0:
        resident["student"] = draw(student())
        resident["student"]["school_region"] = draw(bad_region)
        return "resident.student.school_region"
    field = draw(st.sampled_from(REGIONS))
    resident[field] = draw(bad_region)
    return f"resident.{field}"


def _wrong_type(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    field = draw(st.sampled_from([*BOOLEANS, "name", "identities", *YEAR_LISTS, "events", "payment", "student"]))
    if field in BOOLEANS:
        resident[field] = draw(not_a_bool)
    elif field == "name":
        resident[field] = draw(st.integers() | st.lists(st.text(max_size=3), max_size=2) | st.text(TEXT, min_size=101))
    elif field in ("identities", *YEAR_LISTS):
        resident[field] = draw(st.sampled_from(["orphan", 2023, {"a": 1}, True]))
    else:
        resident[field] = draw(st.sampled_from(["2025-01-01", [], 1, True, ["death"]]))
    return f"resident.{field}"


def _list_item(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    if draw(st.booleans()):
        items = list(draw(OPTIONAL["identities"]))
        index = draw(st.integers(0, len(items)))
        items.insert(index, draw(st.sampled_from(["orphn", "Orphan", "特困人员", "poverty", 1, None])))
        resident["identities"] = items
        return f"resident.identities[{index}]"
    field = draw(st.sampled_from(YEAR_LISTS))
    items = list(draw(OPTIONAL[field]))
    index = draw(st.integers(0, len(items)))
    items.insert(index, draw(st.sampled_from([1989, 2101, 0, -2025, "2023", 2023.5, None])))
    resident[field] = items
    return f"resident.{field}[{index}]"


def _duplicate(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    field = draw(st.sampled_from(["identities", *YEAR_LISTS]))
    items = list(draw(OPTIONAL[field].filter(bool)))
    resident[field] = [*items, draw(st.sampled_from(items))]
    return f"resident.{field}"


def _unknown_key(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    where = draw(st.sampled_from(["resident", "events", "student", "payment"]))
    if where == "events":
        key = draw(st.sampled_from(MISSPELT) | KEYS.filter(lambda k: k not in EVENTS))
        resident["events"] = {**_mapping(resident.get("events")), key: draw(some_date)}
        return f"resident.events.{key}"
    if where == "student":
        key = draw(st.sampled_from(["fulltime", "school", "grade"]))
        resident["student"] = {**draw(student()), key: True}
        return f"resident.student.{key}"
    if where == "payment":
        resident["payment"] = {"date": draw(some_date), "amount": draw(amount), "currency": "CNY"}
        return "resident.payment.currency"
    known = set(PROPERTIES) | {"resident"}
    key = draw(st.sampled_from(["hukou", "birthdate", "employd", "Name", "id-type", "event"]) | KEYS)
    assume(key not in known)
    resident[key] = draw(st.booleans() | some_date | st.integers())
    return f"resident.{key}"


def _missing(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    what = draw(st.sampled_from(["id_type", "id_number", "student.level", "student.school_region", "full_time", "pay"]))
    if what in ("id_type", "id_number"):
        del resident[what]
        return f"resident.{what}"
    if what == "full_time":
        resident["student"] = {"level": draw(st.sampled_from(LEVELS[1:])), "school_region": draw(valid_region)}
        return "resident.student.full_time"
    if what == "pay":
        field = draw(st.sampled_from(["date", "amount"]))
        resident["payment"] = {k: v for k, v in draw(OPTIONAL["payment"]).items() if k != field}
        return f"resident.payment.{field}"
    field = what.split(".")[1]
    resident["student"] = {k: v for k, v in draw(student()).items() if k != field}
    return f"resident.{what}"


def _enum(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    if draw(st.booleans()):
        resident["id_type"] = draw(st.sampled_from(["passport", "resident-id", "RESIDENT_ID", "身份证", 1]))
        return "resident.id_type"
    resident["student"] = {**draw(student()), "level": draw(st.sampled_from(["university", "kindergarten", 3]))}
    return "resident.student.level"


def _date_field(draw, request: dict[str, Any]) -> str:
    resident = request["resident"]
    if draw(st.booleans()):
        event = draw(st.sampled_from(EVENTS))
        resident["events"] = {**_mapping(resident.get("events")), event: draw(bad_date)}
        return f"resident.events.{event}"
    resident["payment"] = {"date": draw(bad_date), "amount": draw(amount)}
    return "resident.payment.date"


def _amount(draw, request: dict[str, Any]) -> str:
    request["resident"]["payment"] = {"date": draw(some_date), "amount": draw(bad_amount)}
    return "resident.payment.amount"


def _as_of(draw, request: dict[str, Any]) -> str:
    request["as_of"] = draw(bad_date)
    return "as_of"


def _policy_year(draw, request: dict[str, Any]) -> str:
    request["policy_year"] = draw(st.sampled_from([1989, 2101, "2025", 2025.5, True, None, [2025]]))
    return "policy_year"


def _resident(draw, request: dict[str, Any]) -> str:
    request["resident"] = draw(st.sampled_from([[], "张三", 1, None, [{"id_type": "resident_id"}]]))
    return "resident"


# In this order: _birth_date reads a valid id_number, _replace_id_number a valid id_type.
RESIDENT_MUTATIONS = [
    _birth_date,
    _replace_id_number,
    _region,
    _wrong_type,
    _list_item,
    _duplicate,
    _unknown_key,
    _missing,
    _enum,
    _date_field,
    _amount,
]
REQUEST_MUTATIONS = [_as_of, _policy_year, _resident]


MUTATIONS = RESIDENT_MUTATIONS + REQUEST_MUTATIONS


def _group(path: str) -> str:
    """What a mutation overwrites: a later one on the same group replaces the earlier's breakage.
    The ID number, its type and the birth date are checked together, so they are one group."""
    if not path.startswith("resident."):
        return path
    field = path.removeprefix("resident.").split(".")[0].split("[")[0]
    return "identity" if field in ("id_type", "id_number", "birth_date") else field


@st.composite
def cases(draw, years: list[int]) -> tuple[dict[str, Any], set[str]]:
    """(request, the field paths that must be named): none for a well-formed one."""
    request = draw(well_formed(years))
    mutations = set(draw(st.lists(st.sampled_from(MUTATIONS), max_size=3, unique=True)))
    if _as_of in mutations:
        mutations.discard(_birth_date)  # a birth date after as_of needs a real as_of to be after
    broken: set[str] = set()
    # Resident mutations first: they read the valid as_of and a resident that is still a mapping.
    for mutate in sorted(mutations, key=MUTATIONS.index):
        path = mutate(draw, request)
        if path == "resident":
            broken = {p for p in broken if not p.startswith("resident")}
        broken = {p for p in broken if _group(p) != _group(path)} | {path}
    return request, broken


# -- the CLI, in-process -------------------------------------------------------------------------------------------

FIELD_PREFIXES = ("(file): ", "--as-of: ", "as_of: ", "policy_year: ", "resident: ", "resident.", "resident[")


def serialize(draw, document: Any) -> str:
    """JSON or YAML, as a person would write it; both must read back unchanged."""
    if draw(st.booleans()):
        text = json.dumps(document, ensure_ascii=False, indent=draw(st.sampled_from([None, 2])))
    else:
        text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=draw(st.booleans()))
    try:
        same = parse_text(text) == document
    except InputError:
        same = False
    assume(same)
    return text


def assert_contract(result, expect_fields: set[str] | None = None, expect_decision: bool = False) -> None:
    """0 with the decision, or 2 with one line naming a field; nothing else, never a traceback."""
    note(f"exit {result.exit_code}\nstdout {result.stdout[:500]!r}\nstderr {result.stderr!r}")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    if result.exit_code == 0:
        assert result.stderr == ""
        assert result.stdout
        return
    assert not expect_decision, f"a well-formed request was refused: {result.stderr}"
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    # The line is in the command's --lang (default zh): "Error: invalid input: " or "错误：输入有误：".
    prefix = next((p for p in ("Error: invalid input: ", "错误：输入有误：") if lines[0].startswith(p)), None)
    assert prefix, lines[0]
    message = lines[0].removeprefix(prefix)
    assert message.startswith(FIELD_PREFIXES), message
    for field in expect_fields or ():
        assert f"{field}: " in message, (field, message)


@pytest.fixture(scope="module")
def loaded_years(client) -> list[int]:
    years = client.loaded_years()
    assert years
    return years


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("property")


@settings(max_examples=1000, **SETTINGS)
@given(data=st.data())
def test_cli_answers_every_record_within_its_contract(data, opa_url, loaded_years, workdir):
    request, broken = data.draw(cases(loaded_years), label="request")
    note(f"must name: {sorted(broken)}")
    resident = request.get("resident")
    args = ["eval"]
    # A record with flags, or the whole request in the file (where its as_of or year are what is broken).
    as_flags = (
        isinstance(resident, dict)
        and "policy_year" not in broken
        and "resident" not in broken
        and isinstance(request.get("as_of"), str)
        and data.draw(st.booleans(), label="as flags")
    )
    if as_flags:
        document: Any = resident
        args += ["--as-of", request["as_of"]]
        if "policy_year" in request:
            args += ["--year", str(request["policy_year"])]
        if "as_of" in broken:
            broken = {"--as-of"}  # the flag is refused before the file is read
    else:
        document = request
    text = serialize(data.draw, document)
    if data.draw(st.booleans(), label="stdin"):
        args.append("-")
        stdin = text
    else:
        path = workdir / data.draw(st.sampled_from(["record.yaml", "record.json", "record"]), label="file")
        path.write_text(text, encoding="utf-8")
        args.append(str(path))
        stdin = None
    fmt = data.draw(st.sampled_from(["json", "json", "text", "markdown"]), label="format")
    args += ["--format", fmt, "--lang", data.draw(st.sampled_from(["zh", "en"]), label="lang"), "--opa-url", opa_url]
    result = CliRunner().invoke(main, args, input=stdin)
    assert_contract(result, broken, expect_decision=not broken)
    if broken:
        assert result.exit_code == 2, f"{sorted(broken)} broken, yet a decision"
    elif fmt == "json":
        decision = json.loads(result.stdout)  # exactly the decision document
        assert isinstance(decision["eligible"], bool)
        assert decision["policy_year"] == request.get("policy_year", decision["policy_year"])
        assert decision["as_of"] == request["as_of"]


YAMLISH = [
    "id_type: resident_id",
    'id_number: "441402199001011237"',
    "birth_date: 2025-02-30",
    "as_of: 2025-13-01",
    "events: {deth: 2025-01-01}",
    "payment: {date: 2024-10-01, amount: .inf}",
    "name: !!int abc",
    "name: !!timestamp x",
    "name: &a [*a]",
    "resident: *a",
    "- x",
    "  a: b",
    "? [a, b]",
    "---",
    "[[[[[[[[[[[[[[[[[[[[",
]
garbage_text = (
    st.text(max_size=300)
    | st.text(st.sampled_from("{}[]:,-'\"!&*#|>?% \n\tabc019"), max_size=80)
    | st.lists(st.sampled_from(YAMLISH), max_size=8).map("\n".join)
)


@settings(max_examples=600, **SETTINGS)
@given(data=st.data())
def test_cli_refuses_random_files_clearly(data, opa_url, workdir):
    args = ["eval", "--as-of", "2024-10-10", "--format", "json", "--opa-url", opa_url]
    if data.draw(st.booleans(), label="bytes"):
        path = workdir / "random.bin"
        path.write_bytes(data.draw(st.binary(max_size=200), label="content"))
        result = CliRunner().invoke(main, [*args, str(path)])
    else:
        result = CliRunner().invoke(main, [*args, "-"], input=data.draw(garbage_text, label="text"))
    assert_contract(result)


@settings(max_examples=1000, **SETTINGS)
@given(text=garbage_text, as_of=st.none() | st.text(max_size=12), year=st.none() | st.integers())
def test_loader_refuses_any_text_with_input_error_only(text, as_of, year):
    try:
        request = build_request(parse_text(text), as_of=as_of, policy_year=year)
        found = problems(request)
    except InputError as exc:
        assert len(exc.one_line().splitlines()) == 1
        return
    assert all(isinstance(p, Problem) and p.field for p in found)


# -- Python and Rego agree -----------------------------------------------------------------------------------------


@settings(max_examples=800, **SETTINGS)
@given(data=st.data())
def test_python_and_rego_refuse_the_same_requests_on_the_same_fields(data, loaded_years, post_decision):
    request, broken = data.draw(cases(loaded_years), label="request")
    if data.draw(st.integers(0, 19), label="drop as_of") == 0:
        del request["as_of"]
        broken = (broken - {"resident.birth_date"}) | {"as_of"}  # "after as_of" needs an as_of
    python = {p.field for p in problems(request)}
    answer = post_decision(request)
    note(f"python: {sorted(python)}\nrego: {answer.get('error')}")
    error = answer.get("error") or {}
    rego = {p["field"] for p in error.get("problems", [])} if error.get("code") == "invalid_input" else set()
    assert broken <= python, f"Python missed {sorted(broken - python)}"
    assert python == rego
    if not python:
        assert "error" not in answer, answer["error"]  # a well-formed request for a loaded year gets a decision


@settings(max_examples=600, **SETTINGS)
@given(data=st.data())
def test_the_fast_schema_check_agrees_with_the_full_one(data, loaded_years):
    """records.problems skips jsonschema's full walk for a request that the
    compiled check (fastjsonschema) passes; that must never let a problem by."""
    request, _ = data.draw(cases(loaded_years), label="request")
    assert problems(request) == problems(request, fast=False)


# Over a count bound of the schemas both validators stop at that count
# (lib/bounds.rego, records.bound_problems) and name the same fields.
_ADULT = {"id_type": "resident_id", "id_number": "441402199001011237", "hukou_region": "441402"}


@pytest.mark.parametrize(
    "request_",
    [
        {"as_of": "2024-10-10", "resident": {**_ADULT, **{f"k{i}": i for i in range(100)}}},
        {"as_of": "2024-10-10", "resident": {**_ADULT, "enrolled_years": [2020] * 10_000}},
        {"as_of": "2024-10-10", "resident": {**_ADULT, "events": {f"e{i}": "2024-01-01" for i in range(40)}}},
        {"as_of": "2024-10-10", "resident": _ADULT, **{f"x{i}": 1 for i in range(40)}},
    ],
    ids=["resident keys", "list items", "nested keys", "request keys"],
)
def test_over_a_bound_python_and_rego_name_the_same_fields(request_, post_decision):
    python = {p.field for p in problems(request_)}
    error = post_decision(request_).get("error") or {}
    rego = {p["field"] for p in error.get("problems", [])}
    assert python and python == rego


# Dates are limited to 1900-2099 by the shared schema, inside the range OPA's
# nanosecond clock can hold, so both validators refuse a far date the same way.
@pytest.mark.parametrize("as_of", ["1600-10-10", "2300-01-01"])
def test_far_as_of_python_and_rego_agree(as_of, post_decision):
    request = {
        "as_of": as_of,
        "policy_year": 2025,
        "resident": {"id_type": "resident_id", "id_number": "441402199001011237"},
    }
    python = {p.field for p in problems(request)}
    error = post_decision(request).get("error") or {}
    rego = {p["field"] for p in error.get("problems", [])} if error.get("code") == "invalid_input" else set()
    assert "as_of" in python and python == rego


# -- numbers as written: Python reads the text OPA reads (issue 13, point 12) ----------------------------------------


@pytest.fixture(scope="module")
def post_text(opa_url):
    """A raw POST of a request's JSON text, numbers exactly as written."""
    session = requests.Session()

    def post(text: str) -> dict[str, Any]:
        body = ('{"input": ' + text + "}").encode("utf-8")
        response = session.post(
            f"{opa_url}/v1/data/mz/medins/decision",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()["result"]

    yield post
    session.close()


def _request_with_amount(amount: str) -> str:
    request = {
        "as_of": "2024-10-10",
        "resident": {
            "id_type": "resident_id",
            "id_number": "441402199001011237",
            "hukou_region": "441402",
            "enrolled_years": [2024],
            "payment": {"date": "2024-10-01", "amount": 999},
        },
    }
    return json.dumps(request).replace('"amount": 999', f'"amount": {amount}')


def assert_same_answer(text: str, opa_url: str, post_text) -> None:
    """Python and Rego refuse the request's text on the same fields, and the
    CLI gives what a raw POST of the same text gives: the decision, or exit 2."""
    python = {p.field for p in problems(build_request(parse_text(text)))}
    answer = post_text(text)
    error = answer.get("error") or {}
    rego = {p["field"] for p in error.get("problems", [])} if error.get("code") == "invalid_input" else set()
    assert python == rego, (text, error)
    result = CliRunner().invoke(main, ["eval", "-", "--format", "json", "--opa-url", opa_url], input=text)
    if python:
        assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr
        assert all(f"{field}: " in result.stderr for field in python), result.stderr
    else:
        assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
        assert json.loads(result.stdout) == answer


@pytest.mark.parametrize(
    "amount",
    [
        "1e-400",
        "400.0000000000000001",
        "1e30",
        "-0",
        "400.00",
        "380.5",
        "-0.0",
        "4e2",
        "4.0E+2",
        "400.000000000000000000000000000000",
        "100000.001",
        "100000.00",
        "1e400",
        "123456789012345678901234567890",
        "0.1e1",
        "380.50",
    ],
)
def test_an_amount_as_written_gets_the_same_answer_from_the_cli_and_over_rest(amount, opa_url, post_text):
    assert_same_answer(_request_with_amount(amount), opa_url, post_text)


@st.composite
def json_numbers(draw) -> str:
    """JSON number texts: yuan and cents as people write them, and every
    form the grammar allows (long fractions, exponents, -0)."""
    if draw(st.booleans()):
        cents = draw(st.integers(0, 10**8))
        return f"{cents // 100}.{cents % 100:02d}" + "0" * draw(st.integers(0, 20))
    sign = draw(st.sampled_from(["", "-"]))
    integer = draw(st.just("0") | st.from_regex(r"\A[1-9][0-9]{0,30}\Z"))
    fraction = draw(st.none() | st.from_regex(r"\A[0-9]{1,25}\Z"))
    exponent = draw(st.none() | st.integers(-450, 450))
    text = sign + integer + (f".{fraction}" if fraction is not None else "")
    if exponent is not None:
        mark = draw(st.sampled_from("eE"))
        plus = draw(st.sampled_from(["", "+"])) if exponent >= 0 else ""
        text += f"{mark}{plus}{exponent}"
    return text


@settings(max_examples=300, **SETTINGS)
@given(amount=json_numbers())
def test_any_json_number_as_amount_gets_the_same_answer_from_the_cli_and_over_rest(amount, opa_url, post_text):
    assert_same_answer(_request_with_amount(amount), opa_url, post_text)


@pytest.mark.parametrize("amount", ["1000e-4", "100e-3", "0e-5", "0.000e-5"])
def test_rego_counts_the_decimals_of_the_value(amount, opa_url, post_text):
    assert_same_answer(_request_with_amount(amount), opa_url, post_text)


@pytest.mark.parametrize("year", ["2025.0", "2.025e3", "20250e-1", "2025.0000000000000001", "2025.5", "1e30"])
def test_a_year_as_written_gets_the_same_answer_from_the_cli_and_over_rest(year, opa_url, post_text):
    request = {"as_of": "2024-10-10", "policy_year": 2025, "resident": {"id_type": "resident_id",
               "id_number": "441402199001011237", "enrolled_years": [2023, 2024]}}  # fmt: skip
    text = json.dumps(request).replace('"policy_year": 2025', f'"policy_year": {year}')
    assert_same_answer(text.replace("[2023, 2024]", f"[2023, {year}]"), opa_url, post_text)
