# METADATA
# title: mzpolicy serve - what a decision log may hold
# description: |
#   OPA evaluates data.system.log.mask for every decision it logs
#   (opa/config.yaml: decision_logs.mask_decision). A decision log must not
#   hold a resident's ID number or name, however a client spells its keys
#   (idNumber, 身份证号) or wherever it puts them (an ID number in
#   hukou_region). So the log keeps by allowlist, not by blocklist:
#   - The logged input is a copy that holds only the fields the schemas name
#     (CONTRACT §2, §3: as_of, policy_year, the resident's fields, and for a
#     batch requests[i] with the same), one level deep as the schemas are.
#     Unknown keys are dropped, values included. The identifying fields
#     (name, id_number, birth_date) are erased; their paths are listed in the
#     log entry's `erased`. A list or object where the schema has a scalar is
#     logged as its kind and size only.
#   - Every logged string is cut to 200 characters and any run of 8 or more
#     digits (or X) in it is masked: an 18-character ID number, and the
#     8 birth-date digits of one, wherever they stand.
#   - The result is logged as the service got it, except that the strings of
#     error problems are masked the same way (a message may quote the birth
#     date of an ID number); results of other paths than the decision, the
#     batch and loaded_years are not logged (they may be the resident itself,
#     e.g. data.mz.medins.lib.request.resident).
#   The copy is made from the schemas' fields, never by walking the input,
#   so a 4 MiB input costs the mask what a small one does.
package system.log

import data.mz.medins.lib.bounds
import data.mz.schemas

identifying := {"name", "id_number", "birth_date"}

# Applied in this order (a set sorts strings before objects): the removals
# record in `erased` what was there, then the copy replaces the whole input.
mask contains pointer if some pointer in _erased

mask contains {"op": "upsert", "path": "/input", "value": logged_input} if _input_given

mask contains {"op": "upsert", "path": "/result", "value": logged_result} if _result_masked

_input_given if {
	_ = input.input
}

_batch_limit := schemas.batch.properties.requests.maxItems

_erased contains concat("/", ["", "input", "resident", field]) if {
	some field in identifying
	_ = input.input.resident[field]
}

_erased contains concat("/", ["", "input", "requests", format_int(i, 10), "resident", field]) if {
	some i, request in _logged_requests
	some field in identifying
	_ = request.resident[field]
}

_logged_requests := array.slice(input.input.requests, 0, _batch_limit) if is_array(input.input.requests)

logged_input := object.union(_request(input.input), _batch) if {
	is_object(input.input)
} else := _leaf(input.input)

_batch := object.union(
	{"requests": [_request(r) | some r in _logged_requests]},
	{"requests_not_logged": n | n := count(input.input.requests) - _batch_limit; n > 0},
) if {
	_logged_requests
} else := {}

_request(request) := {key: _request_field(key, value) |
	some key, _ in schemas.request.properties
	value := request[key]
} if {
	is_object(request)
} else := _leaf(request)

_request_field(key, value) := _resident(value) if {
	key == "resident"
} else := _leaf(value)

_resident(resident) := {key: _field(value, schema) |
	some key, schema in bounds.resident_fields
	not key in identifying
	value := resident[key]
} if {
	is_object(resident)
} else := _leaf(resident)

# One level below the resident, as deep as the schema goes.
_field(value, schema) := {key: _leaf(nested) | some key, _ in schema.properties; nested := value[key]} if {
	schema.type == "object"
	is_object(value)
} else := [_leaf(item) | some item in array.slice(value, 0, schema.maxItems)] if {
	schema.type == "array"
	is_array(value)
} else := _leaf(value)

_leaf(value) := text(value) if {
	is_string(value)
} else := sprintf("(a list of %d, not logged)", [count(value)]) if {
	is_array(value)
} else := sprintf("(an object of %d keys, not logged)", [count(value)]) if {
	is_object(value)
} else := value

_text_limit := 200

# What may be logged of a string: its first 200 characters, with every run of
# 8 or more digits (any script) or X masked. The run is looked for in 17 more
# characters than are kept, so a run cut by the limit is masked too.
text(s) := concat("", [cut, sprintf("…(%d characters)", [count(s)])]) if {
	count(s) > _text_limit
	cut := substring(_masked(substring(s, 0, _text_limit + 17)), 0, _text_limit)
} else := _masked(s)

_masked(s) := regex.replace(s, `[\p{Nd}Xx]{8,}`, "<masked>")

# Decision paths whose results are logged.
_logged_paths := {"mz/medins/decision", "mz/medins/batch/decisions", "mz/medins/batch/rows", "mz/medins/loaded_years"}

_result_masked if not input.path in _logged_paths

_result_masked if _with_problems(input.result)

_result_masked if {
	is_array(input.result)
	some answer in input.result
	_with_problems(_answer_of(answer))
}

_with_problems(answer) if is_array(answer.error.problems)

# A batch row carries its decision under "decision".
_answer_of(row) := row.decision if {
	input.path == "mz/medins/batch/rows"
} else := row

logged_result := "(not logged: only the results of decisions are)" if {
	not input.path in _logged_paths
} else := [_masked_row(answer) | some answer in input.result] if {
	is_array(input.result)
} else := _masked_answer(input.result)

_masked_row(row) := object.union(row, {"decision": _masked_answer(row.decision)}) if {
	input.path == "mz/medins/batch/rows"
	is_object(row)
} else := _masked_answer(row)

_masked_answer(answer) := object.union(answer, {"error": object.union(answer.error, {"problems": problems})}) if {
	_with_problems(answer)
	problems := [{"field": _leaf(p.field), "message": _leaf(p.message)} | some p in answer.error.problems]
} else := answer
