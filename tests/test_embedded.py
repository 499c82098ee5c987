"""The CLI's embedded OPA (issue 13, point 5): serve's system.authz with a
token of its own, an environment of its own, a config of its own without
decision logs, and serve's request limits. Each test starts the server the
CLI starts (EmbeddedServer), on a real OPA."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from mzpolicy.opa import EmbeddedServer, Endpoint
from mzpolicy.paths import EMBEDDED_CONFIG

DECISION = "/v1/data/mz/medins/decision"
REQUEST = {
    "as_of": "2024-10-10",
    "resident": {"id_type": "resident_id", "id_number": "441402199001011237", "hukou_region": "441402"},
}
NEEDS_PROC = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")


@pytest.fixture
def server(monkeypatch) -> Iterator[EmbeddedServer]:
    # The caller's token (for some remote OPA) must not reach the embedded one.
    monkeypatch.setenv("MZPOLICY_OPA_TOKEN", "the-caller-s-token-for-another-server")
    monkeypatch.setenv("MZPOLICY_UNRELATED_SECRET", "s3cret")
    with EmbeddedServer() as embedded:
        embedded.start().ready()
        yield embedded


def _endpoint(server: EmbeddedServer) -> Endpoint:
    assert server.endpoint is not None
    return server.endpoint


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_is_open_and_decisions_need_the_run_s_token(server):
    endpoint = _endpoint(server)
    assert endpoint.token and endpoint.token == server.token
    assert requests.get(f"{endpoint.url}/health", timeout=5).status_code == 200
    for headers in ({}, _bearer("wrong"), _bearer("the-caller-s-token-for-another-server")):
        response = requests.post(f"{endpoint.url}{DECISION}", json={"input": REQUEST}, headers=headers, timeout=5)
        assert response.status_code == 401, (headers, response.status_code)
        assert "result" not in response.json()
    response = requests.post(f"{endpoint.url}{DECISION}", json={"input": REQUEST}, headers=_bearer(endpoint.token))
    assert response.status_code == 200
    assert response.json()["result"]["eligible"] is True


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/query?q=opa.runtime().env", None),
        ("POST", "/v1/query", '{"query": "x := opa.runtime().env"}'),
        ("POST", "/v1/compile", '{"query": "data.mz.medins.decision"}'),
        ("GET", "/v1/data", None),
        ("GET", "/v1/data/system/authz", None),
        ("PUT", "/v1/policies/x", "package x"),
        ("PUT", "/v1/data/params/2025", "{}"),
        ("DELETE", "/v1/data/mz", None),
    ],
)
def test_ad_hoc_queries_and_writes_are_refused_even_with_the_token(server, method, path, body):
    endpoint = _endpoint(server)
    response = requests.request(method, f"{endpoint.url}{path}", data=body, headers=_bearer(endpoint.token), timeout=5)
    assert response.status_code in (401, 403), (method, path, response.status_code, response.text)
    assert "MZPOLICY" not in response.text and endpoint.token not in response.text


def test_each_run_has_a_token_of_its_own(server):
    with EmbeddedServer() as other:
        assert other.token and other.token != server.token
        assert other.token != os.environ["MZPOLICY_OPA_TOKEN"]


@NEEDS_PROC
def test_opa_s_environment_holds_its_token_and_nothing_else(server):
    assert server.proc is not None
    environ = [v for v in Path(f"/proc/{server.proc.pid}/environ").read_bytes().split(b"\0") if v]
    assert environ == [f"MZPOLICY_OPA_TOKEN={server.token}".encode()]


@NEEDS_PROC
def test_opa_s_stderr_is_a_file_not_a_pipe_and_holds_no_decision_log(server):
    # A pipe nobody reads fills and blocks OPA; and decision logs would hold
    # every resident's record. Ask for decisions, then read what OPA wrote.
    assert server.proc is not None
    endpoint = _endpoint(server)
    target = os.readlink(f"/proc/{server.proc.pid}/fd/2")
    assert not target.startswith("pipe:"), target
    session = requests.Session()
    for _ in range(20):
        response = session.post(f"{endpoint.url}{DECISION}", json={"input": REQUEST}, headers=_bearer(endpoint.token))
        assert response.status_code == 200
    written = Path(f"/proc/{server.proc.pid}/fd/2").read_text(encoding="utf-8", errors="replace")
    assert "decision_id" not in written and "441402199001011237" not in written, written


@NEEDS_PROC
def test_opa_runs_the_embedded_config(server):
    assert server.proc is not None
    command = Path(f"/proc/{server.proc.pid}/cmdline").read_bytes().split(b"\0")
    assert str(EMBEDDED_CONFIG).encode() in command
    assert b"--authentication=token" in command and b"--authorization=basic" in command
    config = yaml.safe_load(EMBEDDED_CONFIG.read_text(encoding="utf-8"))
    assert "decision_logs" not in config


def test_a_body_over_four_mebibytes_is_refused_before_it_is_read(server):
    endpoint = _endpoint(server)
    big = b'{"input": {"note": "' + b"x" * (4 << 20) + b'"}}'
    response = requests.post(f"{endpoint.url}{DECISION}", data=big, headers=_bearer(endpoint.token), timeout=30)
    assert response.status_code == 400
    assert "max_length" in response.json()["message"]
    # Just under the limit is read (and refused by the policy as bad input, not by the server).
    fits = b'{"input": {"note": "' + b"x" * ((4 << 20) - 100) + b'"}}'
    response = requests.post(f"{endpoint.url}{DECISION}", data=fits, headers=_bearer(endpoint.token), timeout=30)
    assert response.status_code == 200
    assert response.json()["result"]["error"]["code"] == "invalid_input"


def test_start_up_failure_names_what_opa_said(tmp_path, monkeypatch):
    # An OPA that cannot load its bundle exits; the CLI reports the last line it wrote.
    fake = tmp_path / "opa"
    fake.write_text("#!/bin/sh\necho 'error: cannot load the bundle' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MZPOLICY_OPA_BIN", str(fake))
    from mzpolicy.opa import OPAError

    expected = "OPA failed to start: error: cannot load the bundle"
    with EmbeddedServer() as broken, pytest.raises(OPAError, match=expected):
        broken.start().ready()
