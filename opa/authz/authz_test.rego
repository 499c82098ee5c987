# Unit tests of the server's own policies (tests/test_service.py runs
# `opa test policies opa/authz`; opa/build leaves *_test.rego out of the bundle).
package system.authz_test

import data.system.authz

_token_env := {"env": {"MZPOLICY_OPA_TOKEN": "s3cret"}}

_no_token_env := {"env": {}}

_decision := ["v1", "data", "mz", "medins", "decision"]

test_health_is_open if {
	authz.allow with input as {"method": "GET", "path": ["health"]} with opa.runtime as _token_env
	every probe in ["live", "ready", "bundles"] {
		authz.allow with input as {"method": "GET", "path": ["health", probe]} with opa.runtime as _token_env
	}
	not authz.allow with input as {"method": "POST", "path": ["health", "ready"]} with opa.runtime as _token_env
}

test_decision_needs_the_token if {
	authz.allow with input as {"method": "POST", "path": _decision, "identity": "s3cret"}
		with opa.runtime as _token_env
	not authz.allow with input as {"method": "POST", "path": _decision} with opa.runtime as _token_env
	not authz.allow with input as {"method": "POST", "path": _decision, "identity": "guess"}
		with opa.runtime as _token_env
}

test_without_a_token_reads_are_open if {
	authz.allow with input as {"method": "POST", "path": _decision} with opa.runtime as _no_token_env
	authz.allow with input as {"method": "GET", "path": ["v1", "data", "mz", "medins", "loaded_years"]}
		with opa.runtime as _no_token_env
}

test_writes_are_refused_even_with_the_token if {
	every method in {"PUT", "PATCH", "DELETE"} {
		every path in [["v1", "policies", "x"], ["v1", "data", "mz"], ["v1", "data", "params", "2025"], ["v1", "data"]] {
			not authz.allow with input as {"method": method, "path": path, "identity": "s3cret"}
				with opa.runtime as _token_env
		}
	}
}

test_queries_and_system_reads_are_refused if {
	every path in [["v1", "query"], ["v1", "compile"], ["v1", "data", "system", "authz"], ["v1", "data"], ["v1", "policies"]] {
		not authz.allow with input as {"method": "POST", "path": path, "identity": "s3cret"}
			with opa.runtime as _token_env
		not authz.allow with input as {"method": "GET", "path": path} with opa.runtime as _no_token_env
	}
}
