"""`mzpolicy serve`: the OPA decision server for other services (CONTRACT §4)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click

from .cli import BadInput, PolicyUnavailable, _token, main


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.command()
@click.option("--addr", default="127.0.0.1:8181", show_default=True, help="host:port to listen on.")
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File holding the bearer token that reads need (else MZPOLICY_OPA_TOKEN).",
)
def serve(addr: str, token_file: Path | None) -> None:
    """Run the OPA decision server with the project's policies, in the foreground.

    Other services POST {"input": request} to /v1/data/mz/medins/decision.
    Writing policies or data through the API is always refused; reads need
    the token when one is configured; without a token only loopback is served.
    """
    from .opa import server_command
    from .paths import ROOT

    token = token_file.read_text(encoding="utf-8").strip() if token_file else (_token() or "")
    host = addr.rsplit(":", 1)[0].strip("[]")
    if not token and not _is_loopback(host):
        raise BadInput(f"refusing to listen on {addr} without a token: set --token-file or MZPOLICY_OPA_TOKEN")
    env = dict(os.environ, MZPOLICY_OPA_TOKEN=token)
    command = server_command(
        addr, ["--authentication=token", "--authorization=basic", "--bundle", str(ROOT / "opa" / "authz")]
    )
    click.echo(f"mzpolicy: serving decisions on http://{addr}/v1/data/mz/medins/decision", err=True)
    try:
        os.execve(command[0], command, env)
    except OSError as exc:
        raise PolicyUnavailable(f"cannot start OPA {command[0]}: {exc.strerror}") from None
