"""A broken OPA, as the CLI meets it: exit 3 with one line that names what
was wrong, never a traceback (CONTRACT §4). The server here is a small fake
that answers whatever a test tells it to, to test the client's handling of a
broken server only: the decisions it hands back are real ones, taken from the
session's OPA and then damaged (an older bundle, a policy that answers null).
"""

from __future__ import annotations

import copy
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from mzpolicy.cli import main

# The messages checked here are the English ones (--lang zh words them from the same table: test_counter.py).
ENGLISH = {"MZPOLICY_LANG": "en"}

AS_OF = "2024-10-10"
RECORD = {"id_type": "resident_id", "id_number": "441402199001011237", "hukou_region": "441402"}


class BrokenOPA(http.server.ThreadingHTTPServer):
    """Answers every request with `status` and `body`, whatever was asked."""

    status = 200
    body = b"{}"

    def answer(self, body: Any, status: int = 200) -> None:
        self.status = status
        self.body = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")


class _Handler(http.server.BaseHTTPRequestHandler):
    server: BrokenOPA

    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    do_GET = do_POST = _reply

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def broken_opa() -> Iterator[BrokenOPA]:
    server = BrokenOPA(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def real_decision(post_decision) -> dict[str, Any]:
    return post_decision({"as_of": AS_OF, "resident": RECORD})


@pytest.fixture
def record_file(tmp_path) -> str:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(RECORD), encoding="utf-8")
    return str(path)


def _url(server: BrokenOPA) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def assert_policy_failed(result, *words: str) -> str:
    """Exit 3, nothing on stdout, one line on stderr with the words, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 3, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _without(decision: dict[str, Any], *path: str | int) -> dict[str, Any]:
    damaged = copy.deepcopy(decision)
    parent: Any = damaged
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return damaged


def _with(decision: dict[str, Any], value: Any, *path: str | int) -> dict[str, Any]:
    damaged = copy.deepcopy(decision)
    parent: Any = damaged
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return damaged


@pytest.mark.parametrize(
    ("result", "words"),
    [
        (None, ["answered null where a decision was expected"]),
        ([], ["answered an array where a decision was expected"]),
        ("eligible", ["answered a string where a decision was expected"]),
        (42, ["answered a number where a decision was expected"]),
        (True, ["answered a boolean where a decision was expected"]),
    ],
    ids=["null", "array", "string", "number", "boolean"],
)
def test_a_result_that_is_not_an_object(broken_opa, record_file, result, words):
    broken_opa.answer({"result": result})
    outcome = CliRunner(env=ENGLISH).invoke(
        main, ["eval", record_file, "--as-of", AS_OF, "--opa-url", _url(broken_opa)]
    )
    assert_policy_failed(outcome, _url(broken_opa), *words)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("payment", "status"), "payment.status"),
        (("trail",), "trail"),
        (("contribution", "individual_due"), "contribution.individual_due"),
        (("benefit",), "benefit"),
        (("trail", 0, "message"), "trail[0].message"),
    ],
    ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else None,
)
@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_a_decision_lacking_a_required_field_is_named(broken_opa, record_file, real_decision, path, field, fmt):
    broken_opa.answer({"result": _without(real_decision, *path)})
    outcome = CliRunner(env=ENGLISH).invoke(
        main, ["eval", record_file, "--as-of", AS_OF, "--format", fmt, "--opa-url", _url(broken_opa)]
    )
    assert_policy_failed(outcome, f"a decision without {field}: is the bundle older than this CLI?")


@pytest.mark.parametrize(
    ("value", "path", "words"),
    [
        ("paid", ("payment", "status"), ["payment.status", "'paid' is not one of"]),
        ("yes", ("eligible",), ["eligible", "'yes' is not of type 'boolean'"]),
        ("x" * 10_000, ("policy_year",), ["policy_year", "'xxx"]),
    ],
    ids=["enum", "type", "long-value"],
)
def test_a_decision_with_a_field_of_the_wrong_shape_is_named(
    broken_opa, record_file, real_decision, value, path, words
):
    broken_opa.answer({"result": _with(real_decision, value, *path)})
    outcome = CliRunner(env=ENGLISH).invoke(
        main, ["eval", record_file, "--as-of", AS_OF, "--opa-url", _url(broken_opa)]
    )
    line = assert_policy_failed(outcome, "schemas/decision.schema.json", *words)
    assert len(line) < 400, line


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ({"code": "boom"}, ["an error whose error.code", "'boom'"]),
        ({"code": "year_not_loaded", "policy_year": 2031}, ["an error without error.loaded_years"]),
        ({"code": "invalid_input"}, ["an error without error.problems"]),
        ({"code": "invalid_input", "problems": [{"field": "as_of"}]}, ["error.problems[0].message"]),
    ],
    ids=["unknown-code", "no-loaded-years", "no-problems", "problem-without-message"],
)
def test_a_defined_error_of_the_wrong_shape_is_named(broken_opa, record_file, error, words):
    broken_opa.answer({"result": {"error": error}})
    outcome = CliRunner(env=ENGLISH).invoke(
        main, ["eval", record_file, "--as-of", AS_OF, "--opa-url", _url(broken_opa)]
    )
    assert_policy_failed(outcome, *words)


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"<html>not json</html>", 200, ["answered something that is not JSON"]),
        ([1, 2], 200, ["has no decision at data.mz.medins.decision"]),
        ("result", 200, ["has no decision at data.mz.medins.decision"]),
        ({}, 200, ["has no decision at data.mz.medins.decision"]),
        (b"Internal Server Error", 500, ["refused the query: HTTP 500"]),
        (["not", "an", "object"], 500, ["refused the query: HTTP 500"]),
    ],
    ids=["not-json", "array-body", "string-body", "no-result", "500-text", "500-array"],
)
def test_a_body_that_is_not_an_answer(broken_opa, record_file, body, status, words):
    broken_opa.answer(body, status)
    outcome = CliRunner(env=ENGLISH).invoke(
        main, ["eval", record_file, "--as-of", AS_OF, "--opa-url", _url(broken_opa)]
    )
    assert_policy_failed(outcome, *words)


def test_diff_checks_each_year_s_decision_too(broken_opa, record_file, real_decision):
    broken_opa.answer({"result": _without(real_decision, "payment", "status")})
    outcome = CliRunner(env=ENGLISH).invoke(
        main, ["diff", record_file, "--years", "2023,2025", "--as-of", AS_OF, "--opa-url", _url(broken_opa)]
    )
    assert_policy_failed(outcome, "a decision without payment.status")


def test_the_real_decision_passes_the_check(broken_opa, record_file, real_decision):
    # The control: the same server handing back the undamaged decision gets it rendered.
    broken_opa.answer({"result": real_decision})
    outcome = CliRunner(env=ENGLISH).invoke(
        main, ["eval", record_file, "--as-of", AS_OF, "--format", "json", "--opa-url", _url(broken_opa)]
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout) == real_decision
