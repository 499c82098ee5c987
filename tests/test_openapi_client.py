"""What a client team meets (issue 14, point 9): the bundled OpenAPI file a
generator reads, a client generated from it by openapi-python-client that
decides against a real OPA as the CLI does, and an --opa-url behind a
gateway's path prefix."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import importlib
import importlib.util
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conftest import ROOT, run_cli
from golden import golden_cases, record_of
from mzpolicy import entrypoints
from mzpolicy.opa import Endpoint

BUNDLED = ROOT / "schemas" / "openapi.bundled.json"
PACKAGE = "mzpolicy_generated_client"
# A golden case whose resident is eligible, decided in a year's window.
CASE = next(case for _, case in golden_cases() if case.get("expect", {}).get("eligible") is True)


def _bundler() -> Any:
    spec = importlib.util.spec_from_file_location("bundle_openapi", ROOT / "scripts" / "bundle_openapi.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spec() -> dict[str, Any]:
    return json.loads(BUNDLED.read_text(encoding="utf-8"))


# --- the bundled file -----------------------------------------------------------


def test_the_committed_bundle_is_what_openapi_yaml_gives():
    bundler = _bundler()
    assert BUNDLED.read_text(encoding="utf-8") == bundler.render(bundler.bundle()), (
        "schemas/openapi.bundled.json is stale: run scripts/bundle_openapi.py"
    )
    assert bundler.main(["--check"]) == 0


def test_the_check_sees_a_stale_bundle(tmp_path, monkeypatch):
    bundler = _bundler()
    stale = tmp_path / "openapi.bundled.json"
    stale.write_text(BUNDLED.read_text(encoding="utf-8").replace('"decide"', '"decideOld"'), encoding="utf-8")
    monkeypatch.setattr(bundler, "BUNDLED", stale)
    monkeypatch.setattr(bundler, "ROOT", tmp_path)
    assert bundler.main(["--check"]) == 1


def test_the_bundle_is_valid_and_self_contained():
    spec = _spec()
    validate(spec)
    refs = re.findall(r'"\$ref": "([^"]*)"', BUNDLED.read_text(encoding="utf-8"))
    assert refs and all(ref.startswith("#/components/schemas/") for ref in refs), sorted(set(refs))
    schemas = spec["components"]["schemas"]
    assert {ref.removeprefix("#/components/schemas/") for ref in refs} <= set(schemas)
    # The JSON Schemas' draft-07 definitions became components; no file's
    # $id or dialect is left to move the base URI under a generator.
    assert {"Resident", "Resident_date", "Request", "Batch", "Decision", "Decision_error_answer"} <= set(schemas)
    text = json.dumps(schemas)
    assert '"definitions"' not in text and '"$id"' not in text and '"$schema"' not in text


def _bundled_validator(component: str) -> jsonschema.Validator:
    uri = "urn:mzpolicy:openapi.bundled"
    registry = Registry().with_resource(uri, DRAFT202012.create_resource(_spec()))
    return jsonschema.Draft202012Validator({"$ref": f"{uri}#/components/schemas/{component}"}, registry=registry)


def test_the_bundle_checks_what_the_schemas_check(generated_decision):
    """Bundling kept the meaning: a real answer passes, a broken one does not,
    and a misspelt resident field is still refused."""
    request, answer = generated_decision["request"], generated_decision["raw"]
    _bundled_validator("DecisionResponse").validate(answer)
    broken = {**answer, "result": {**answer["result"], "payment": {**answer["result"]["payment"], "status": "paid"}}}
    assert not _bundled_validator("DecisionResponse").is_valid(broken)
    _bundled_validator("DecisionRequest").validate({"input": request})
    assert not _bundled_validator("DecisionRequest").is_valid({"input": {**request, "resident": {"id_typo": 1}}})
    _bundled_validator("BatchRequest").validate({"input": {"requests": [request]}})
    assert not _bundled_validator("BatchRequest").is_valid({"input": {"requests": [request] * 1001}})


def test_the_spec_documents_the_batch_entrypoint():
    path = f"/v1/data/{entrypoints.BATCH_DECISIONS}"
    operation = _spec()["paths"][path]["post"]
    assert operation["operationId"] == "decideBatch"
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/BatchRequest")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"POST {path}" in readme and "openapi.bundled.json" in readme


# --- a generated client ---------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Iterator[Any]:
    """The package openapi-python-client generates from the bundled file,
    imported (its generator runs offline, from the file alone)."""
    where = tmp_path_factory.mktemp("client")
    config = where / "config.yaml"
    config.write_text("post_hooks: []\n", encoding="utf-8")  # no formatter run over generated code
    generator = Path(sys.executable).with_name("openapi-python-client")
    command = [str(generator), "generate", "--path", str(BUNDLED), "--meta", "none"]
    result = subprocess.run(
        [*command, "--output-path", str(where / PACKAGE), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=where,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The generator says "Warning(s) encountered" when it skipped a part of the spec.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_the_generated_client_has_every_operation(generated):
    api = importlib.import_module(f"{PACKAGE}.api.default")
    modules = {p.stem for p in Path(api.__file__).parent.glob("*.py")} - {"__init__"}
    assert {"decide", "decide_batch", "loaded_years", "health"} <= modules
    for name in ("decide", "decide_batch"):
        operation = importlib.import_module(f"{PACKAGE}.api.default.{name}")
        assert callable(operation.sync_detailed) and callable(operation.sync)


@pytest.fixture(scope="module")
def generated_decision(generated, opa_endpoint: Endpoint) -> dict[str, Any]:
    """A golden record decided through the generated client."""
    from mzpolicy.records import build_request

    decide = importlib.import_module(f"{PACKAGE}.api.default.decide")
    models = importlib.import_module(f"{PACKAGE}.models")
    request = build_request(record_of(CASE), as_of=str(CASE["as_of"]), policy_year=CASE.get("policy_year"))
    with generated.AuthenticatedClient(base_url=opa_endpoint.url, token=opa_endpoint.token) as client:
        response = decide.sync_detailed(client=client, body=models.DecisionRequest.from_dict({"input": request}))
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, models.DecisionResponse), response.parsed
    return {"request": request, "parsed": response.parsed, "raw": json.loads(response.content)}


def test_the_generated_client_decides_as_the_cli_does(tmp_path, generated_decision, opa_endpoint: Endpoint):
    record = tmp_path / "record.json"
    record.write_text(json.dumps(record_of(CASE), ensure_ascii=False), encoding="utf-8")
    args = ["eval", str(record), "--as-of", str(CASE["as_of"]), "--format", "json", "--opa-url", opa_endpoint.url]
    if CASE.get("policy_year"):
        args += ["--year", str(CASE["policy_year"])]
    cli = run_cli(*args, env={"MZPOLICY_OPA_TOKEN": opa_endpoint.token or ""})
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)
    # The generated models read the whole decision and give it back unchanged.
    result = generated_decision["parsed"].to_dict()["result"]
    assert result == expected
    assert result["eligible"] is True and result["trail"]
    for dotted, value in CASE["expect"].items():
        node: Any = result
        for part in dotted.split("."):
            node = node[part]
        assert node == value, dotted


def test_the_generated_client_decides_a_batch_in_order(generated, generated_decision, opa_endpoint: Endpoint):
    decide_batch = importlib.import_module(f"{PACKAGE}.api.default.decide_batch")
    models = importlib.import_module(f"{PACKAGE}.models")
    request = generated_decision["request"]
    later = {**request, "as_of": "2025-08-10", "policy_year": 2025}
    body = models.BatchRequest.from_dict({"input": {"requests": [request, later]}})
    with generated.AuthenticatedClient(base_url=opa_endpoint.url, token=opa_endpoint.token) as client:
        response = decide_batch.sync_detailed(client=client, body=body)
    assert response.status_code == 200, response.content
    answers = response.parsed.to_dict()["result"]
    assert len(answers) == 2
    assert answers[0] == generated_decision["raw"]["result"]
    assert answers[1]["as_of"] == "2025-08-10" and answers[1] != answers[0]


# --- --opa-url behind a gateway --------------------------------------------------


class _Gateway(http.server.ThreadingHTTPServer):
    """A reverse proxy that serves OPA under /gateway/opa/ only, as a gateway
    does: every other path is its own 404, never OPA's."""

    daemon_threads = True

    def __init__(self, upstream: Endpoint):
        self.upstream = upstream
        self.seen: list[str] = []
        super().__init__(("127.0.0.1", 0), _Forward)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Forward(http.server.BaseHTTPRequestHandler):
    PREFIX = "/gateway/opa/"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # no request lines on stderr
        pass

    def _forward(self) -> None:
        gateway: _Gateway = self.server  # type: ignore[assignment]
        gateway.seen.append(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self.path.startswith(self.PREFIX):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
        upstream = http.client.HTTPConnection(gateway.upstream.host, gateway.upstream.port, timeout=30)
        try:
            upstream.request(self.command, "/" + self.path.removeprefix(self.PREFIX), body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = _forward


@contextlib.contextmanager
def _gateway(upstream: Endpoint) -> Iterator[_Gateway]:
    server = _Gateway(upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_endpoint_keeps_a_path_prefix():
    endpoint = Endpoint.parse("http://gw.example:8080/gateway/opa/")
    assert (endpoint.host, endpoint.port, endpoint.prefix) == ("gw.example", 8080, "/gateway/opa")
    assert endpoint.url == "http://gw.example:8080/gateway/opa"
    assert Endpoint.parse("http://127.0.0.1:8181").url == "http://127.0.0.1:8181"
    assert Endpoint.parse("http://127.0.0.1:8181/").prefix == ""


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8181/v1", "http://127.0.0.1:8181/gateway/opa/v1/data/mz", "http://h:1/opa?x=1"]
)
# A URL that is no base URL is a usage error (exit 2, CONTRACT), refused before any OPA is asked.
def test_an_opa_url_that_is_no_base_url_is_refused_naming_the_flag(tmp_path, url):
    record = tmp_path / "record.json"
    record.write_text(json.dumps(record_of(CASE)), encoding="utf-8")
    result = run_cli("eval", str(record), "--as-of", str(CASE["as_of"]), "--opa-url", url)
    assert result.returncode == 2 and result.stdout == ""
    assert "--opa-url" in result.stderr and url in result.stderr, result.stderr


def test_eval_and_batch_reach_opa_behind_a_gateway_prefix(tmp_path, opa_endpoint: Endpoint):
    record = tmp_path / "record.json"
    record.write_text(json.dumps(record_of(CASE), ensure_ascii=False), encoding="utf-8")
    token = {"MZPOLICY_OPA_TOKEN": opa_endpoint.token or ""}
    common = ["--as-of", str(CASE["as_of"])] + (["--year", str(CASE["policy_year"])] if CASE.get("policy_year") else [])
    direct = run_cli("eval", str(record), *common, "--format", "json", "--opa-url", opa_endpoint.url, env=token)
    assert direct.returncode == 0, direct.stderr
    with _gateway(opa_endpoint) as gateway:
        # At the gateway's root there is no OPA: a dropped prefix fails, it is not quietly served.
        root = run_cli("eval", str(record), *common, "--format", "json", "--opa-url", gateway.url, env=token)
        assert root.returncode == 3 and root.stdout == "", root.stderr
        gateway.seen.clear()
        via = run_cli(
            "eval", str(record), *common, "--format", "json", "--opa-url", f"{gateway.url}/gateway/opa/", env=token
        )
        assert via.returncode == 0, via.stderr
        assert json.loads(via.stdout) == json.loads(direct.stdout)
        assert f"/gateway/opa/v1/data/{entrypoints.DECISION}" in gateway.seen, gateway.seen
        assert all(path.startswith("/gateway/opa/") for path in gateway.seen), gateway.seen

        roster = tmp_path / "roster.jsonl"
        roster.write_text(json.dumps(record_of(CASE), ensure_ascii=False) + "\n", encoding="utf-8")
        gateway.seen.clear()
        batch = run_cli(
            "batch", str(roster), *common, "--format", "jsonl", "--opa-url", f"{gateway.url}/gateway/opa", env=token
        )
        assert batch.returncode == 0, batch.stderr
        rows = [json.loads(line) for line in batch.stdout.splitlines()]
        assert [row["row"] for row in rows] == [1] and rows[0]["decision"] == json.loads(direct.stdout)
        assert gateway.seen and all(path.startswith("/gateway/opa/v1/data/") for path in gateway.seen), gateway.seen
