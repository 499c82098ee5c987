# METADATA
# title: mzpolicy serve - who may ask the decision server what
# description: |
#   Loaded only by `mzpolicy serve` (OPA --authorization=basic,
#   --authentication=token). Policies and data are never written through
#   the API; reads need the bearer token when MZPOLICY_OPA_TOKEN is set in
#   OPA's environment; /health is always open for probes.
package system.authz

default allow := false

allow if input.path == ["health"]

allow if {
	input.method in {"GET", "POST"}
	input.path[0] == "v1"
	input.path[1] in {"data", "query"}
	_token_accepted
}

_configured_token := opa.runtime().env.MZPOLICY_OPA_TOKEN

_token_accepted if not _configured_token

_token_accepted if _configured_token == ""

_token_accepted if {
	_configured_token != ""
	input.identity == _configured_token
}
