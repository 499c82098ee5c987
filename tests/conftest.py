"""One real OPA server per pytest session (never a mock), started exactly as
the CLI starts its embedded one: the pinned binary, bundle mode, policies/."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mzpolicy.opa import DecisionClient, Endpoint, embedded_server

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "mzpolicy"]


@pytest.fixture(scope="session")
def opa_endpoint() -> Iterator[Endpoint]:
    with embedded_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def opa_url(opa_endpoint: Endpoint) -> str:
    return opa_endpoint.url


@pytest.fixture(scope="session")
def client(opa_endpoint: Endpoint) -> Iterator[DecisionClient]:
    with DecisionClient(opa_endpoint) as c:
        yield c


@pytest.fixture(scope="session")
def post_decision(opa_url: str):
    """What a service gets: a raw POST to the decision endpoint."""
    session = requests.Session()

    def post(request: dict[str, Any]) -> dict[str, Any]:
        response = session.post(f"{opa_url}/v1/data/mz/medins/decision", json={"input": request}, timeout=30)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "result" in body, f"decision undefined for {request}"
        return body["result"]

    yield post
    session.close()


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}
    full_env.update(env or {})
    return subprocess.run(
        [*CLI, *args], input=stdin, capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=60
    )
