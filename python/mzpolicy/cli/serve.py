"""`mzpolicy serve`: the OPA decision server for other services (CONTRACT §4,
issue #6): the options checked here, the command line OPA runs with from
mzpolicy.opa.server, which this process then becomes (exec)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click

from ..paths import ROOT
from .errors import BadInput, PolicyUnavailable
from .options import opa_token

CONFIG = ROOT / "opa" / "config.yaml"


def _read_token(token_file: Path | None) -> str:
    """--token-file (or MZPOLICY_OPA_TOKEN_FILE) wins over MZPOLICY_OPA_TOKEN."""
    if token_file is None:
        return opa_token() or ""
    token = token_file.read_text(encoding="utf-8").strip()
    if not token:
        raise BadInput(f"--token-file {token_file} is empty")
    if token_file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        click.echo(f"mzpolicy: warning: {token_file} is readable by others; chmod 600 it", err=True)
    return token


@click.command("serve")
@click.option(
    "--addr",
    default="127.0.0.1:8181",
    envvar="MZPOLICY_SERVE_ADDR",
    show_default=True,
    show_envvar=True,
    help="host:port to listen on. Anything but loopback needs a token.",
)
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="MZPOLICY_OPA_TOKEN_FILE",
    show_envvar=True,
    help="File holding the bearer token that reads need. Else MZPOLICY_OPA_TOKEN holds the token itself.",
)
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=CONFIG,
    envvar="MZPOLICY_OPA_CONFIG",
    show_envvar=True,
    help="OPA configuration file. Default: opa/config.yaml (decision logs on stderr, ID numbers and names masked).",
)
@click.option(
    "--bundle",
    type=click.Path(exists=True, path_type=Path),
    envvar="MZPOLICY_BUNDLE",
    show_envvar=True,
    help="Serve this bundle built by opa/build (policies and the server's own policies) "
    "instead of policies/ and opa/authz/ from the checkout.",
)
@click.option(
    "--verification-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="MZPOLICY_VERIFICATION_KEY",
    show_envvar=True,
    help="Public key (PEM) that must have signed --bundle; the server refuses to start on a bad or missing signature.",
)
@click.option(
    "--verification-key-id",
    default="default",
    show_default=True,
    help="The key id the signature names (opa build signs with 'default').",
)
@click.option(
    "--signing-alg",
    default="RS256",
    show_default=True,
    envvar="MZPOLICY_SIGNING_ALG",
    show_envvar=True,
    help="Algorithm of the bundle signature (RS256, PS256, ES256, ...).",
)
def serve(
    addr: str,
    token_file: Path | None,
    config: Path,
    bundle: Path | None,
    verification_key: Path | None,
    verification_key_id: str,
    signing_alg: str,
) -> None:
    """Run the OPA decision server for other services, in the foreground.

    Services POST {"input": request} to /v1/data/mz/medins/decision and get
    {"decision_id": ..., "result": decision} (schemas/openapi.yaml). Stop it
    with SIGTERM or Ctrl-C.

    \b
    Who may do what (opa/authz/authz.rego, system.authz):
      GET /health/live, /health/ready,   open, for probes (ready: the bundle
          /health/bundles, /health       is activated, the decision logger up)
      POST /v1/data/mz/medins/decision   needs the bearer token when one is set;
                                         so do other GET/POST reads under
                                         /v1/data/mz, /v1/data/params and
                                         GET /metrics
      PUT, PATCH, DELETE                 refused: policies and data are
                                         never written through the API
      /v1/query, /v1/compile,            refused
      /v1/data/system, /v1/data
    Without a token, only a loopback --addr is accepted.

    \b
    Production: build and sign the bundle, then serve it verified:
      opa/build --signing-key private.pem -o build/mzpolicy.tar.gz
      mzpolicy serve --bundle build/mzpolicy.tar.gz --verification-key public.pem \\
                     --token-file /etc/mzpolicy/token --addr 0.0.0.0:8181
    Every decision is logged as a JSON line on stderr with its decision_id,
    the bundle revision (the git commit) and the policy year; the logged
    input keeps only the record's known fields, without name, ID number and
    birth date, and any run of 8 or more digits is masked.
    """
    from ..opa.server import SERVER_ROOT, bundle_manifest, is_loopback, server_command

    if ":" not in addr:
        raise BadInput(f"--addr {addr!r} is not host:port")
    token = _read_token(token_file)
    host = addr.rsplit(":", 1)[0].strip("[]")
    if not token and not is_loopback(host):
        raise BadInput(
            f"refusing to listen on {addr} without a token: set --token-file or MZPOLICY_OPA_TOKEN, or use 127.0.0.1"
        )
    if verification_key and not bundle:
        raise BadInput("--verification-key needs --bundle: build a signed bundle with opa/build")

    extra: list[str] = []
    if bundle:
        bundle = bundle.resolve()
        try:
            roots = bundle_manifest(bundle).get("roots") or [""]
        except ValueError as exc:
            raise BadInput(f"--bundle {bundle} is not a readable OPA bundle: {exc}") from None
        if SERVER_ROOT not in roots and "" not in roots:
            raise BadInput(
                f"--bundle {bundle} does not hold the server's policies (root {SERVER_ROOT!r}); build it with opa/build"
            )
        bundles = [str(bundle)]
        if verification_key:
            extra += [
                "--verification-key",
                str(verification_key.resolve()),
                "--verification-key-id",
                verification_key_id,
                "--signing-alg",
                signing_alg,
            ]
    else:
        bundles = None  # policies/ and opa/authz/, as server_command has it
    env = dict(os.environ, MZPOLICY_OPA_TOKEN=token)
    env.pop("MZPOLICY_OPA_TOKEN_FILE", None)
    command = server_command(addr, config.resolve(), bundles, extra)
    source = (
        f"bundle {bundle}"
        + (f", signature checked with {verification_key}" if verification_key else ", signature not checked")
        if bundle
        else "policies/ and opa/authz/ of the checkout"
    )
    click.echo(
        f"mzpolicy: serving decisions on http://{addr}/v1/data/mz/medins/decision from {source}; "
        + ("reads need the bearer token" if token else "no token: loopback only"),
        err=True,
    )
    try:
        os.execve(command[0], command, env)
    except OSError as exc:
        raise PolicyUnavailable(f"cannot start OPA {command[0]}: {exc.strerror}") from None
