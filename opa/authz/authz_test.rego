# Unit tests of the server's own policies (tests/test_service.py runs
# `opa test opa/authz`; opa/build leaves *_test.rego out of the bundle).
package system.authz_test

import data.system.authz
import data.system.log

_token_env := {"env": {"MZPOLICY_OPA_TOKEN": "s3cret"}}

_no_token_env := {"env": {}}

_decision := ["v1", "data", "mz", "medins", "decision"]

test_health_is_open if {
	authz.allow with input as {"method": "GET", "path": ["health"]} with opa.runtime as _token_env
	authz.allow with input as {"method": "GET", "path": ["health", "bundles"]} with opa.runtime as _token_env
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

test_mask_erases_the_resident_id_and_name if {
	event := {"input": {"as_of": "2024-10-10", "resident": {"id_number": "441402199001011234", "name": "张三"}}}
	log.mask == {"/input/resident/id_number", "/input/resident/name"} with input as event
}

test_mask_erases_every_row_of_a_batch if {
	event := {"input": {"requests": [
		{"resident": {"id_number": "441402199001011234"}},
		{"resident": {"id_type": "hmt_travel_permit", "id_number": "H12345678", "name": "陳大文"}},
	]}}
	log.mask == {
		"/input/requests/0/resident/id_number",
		"/input/requests/1/resident/id_number",
		"/input/requests/1/resident/name",
	} with input as event
}

test_mask_replaces_an_input_with_odd_keys if {
	event := {"input": {"a/b": [{"id_number": "441402199001011234", "kept": 1}], "name": "张三"}}
	log.mask == {{"op": "upsert", "path": "/input", "value": {"a/b": [{"kept": 1}]}}} with input as event
}

test_mask_is_empty_without_personal_keys if {
	count(log.mask) == 0 with input as {"input": {"as_of": "2024-10-10"}}
	count(log.mask) == 0 with input as {"path": "mz/medins/loaded_years"}
}
