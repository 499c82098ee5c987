"""Everything this package says to OPA, in one place.

- server: the pinned OPA's command line and the embedded server;
- client: one decision or one document, through opa-python-client;
- session: the batching session (many decisions per query) beside it;
- errors: OPAError and the one wording of what went wrong.

Importing this package costs no HTTP library: requests and opa_client are
imported by the calls that use them.
"""

from __future__ import annotations

from .client import DecisionClient, connect, decision_problem
from .endpoint import Endpoint
from .errors import OPAError
from .server import EmbeddedServer, embedded_server, free_port, server_command, stop_process
from .session import BatchClient

__all__ = [
    "BatchClient",
    "DecisionClient",
    "EmbeddedServer",
    "Endpoint",
    "OPAError",
    "connect",
    "decision_problem",
    "embedded_server",
    "free_port",
    "server_command",
    "stop_process",
]
