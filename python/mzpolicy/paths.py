"""Where the project's files are, for the CLI run from an editable install."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
SCHEMAS = ROOT / "schemas"
# The server's own policies (system.authz, system.log), loaded beside policies/.
AUTHZ = ROOT / "opa" / "authz"
# The embedded server's OPA configuration: serve's limits, no decision logs.
EMBEDDED_CONFIG = ROOT / "opa" / "embedded.yaml"


def opa_binary() -> Path:
    """The pinned OPA: MZPOLICY_OPA_BIN if set, else opa/bin/opa in the repo."""
    override = os.environ.get("MZPOLICY_OPA_BIN")
    return Path(override) if override else ROOT / "opa" / "bin" / "opa"
