# METADATA
# title: mzpolicy serve - who may ask the decision server what
# description: |
#   Loaded by `mzpolicy serve` (OPA --authentication=token,
#   --authorization=basic), either from this folder or from the bundle that
#   opa/build makes, which carries it signed beside the policies.
#   - GET /health and /health/live, /health/ready, /health/bundles (health.rego)
#     are open to probes.
#   - Reads of the bundle's own documents (data.mz..., data.params...) by GET
#     or POST need the bearer token when MZPOLICY_OPA_TOKEN is set in OPA's
#     environment; so does GET /metrics.
#   - Everything else is refused: every write (PUT, PATCH, DELETE of
#     /v1/policies and /v1/data), ad-hoc queries (/v1/query, /v1/compile could
#     read the server's environment through opa.runtime()), and reads of
#     data.system (this policy) or of the whole data tree.
package system.authz

default allow := false

allow if {
	input.method == "GET"
	input.path[0] == "health"
}

allow if {
	input.method in {"GET", "POST"}
	input.path[0] == "v1"
	input.path[1] == "data"
	input.path[2] in readable_roots
	_token_accepted
}

allow if {
	input.method == "GET"
	input.path == ["metrics"]
	_token_accepted
}

# The bundle roots of policies/.manifest: the decision, its helpers and the
# year parameters. data.system is not among them.
readable_roots := {"mz", "params"}

_configured_token := opa.runtime().env.MZPOLICY_OPA_TOKEN

_token_accepted if not _configured_token

_token_accepted if _configured_token == ""

_token_accepted if {
	_configured_token != ""
	input.identity == _configured_token
}
