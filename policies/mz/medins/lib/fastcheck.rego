# A cheap test that a request is plainly valid, so that every check of
# lib/validation.rego would pass: known keys, containers of the schema's
# shape within its bounds (data.mz.checks, generated from the resident
# schema), the schemas themselves on the request as it is, the dates, the
# check digit and the birth date. It is conservative: anything it is unsure
# of (an unknown key, a nested container, a date outside the range
# time.parse_ns reads, an amount with decimals) makes it fail, and
# validation.rego then decides with its exact messages; the costly views of
# lib/bounds.rego are built only for requests that need them. The Python and
# Rego validators are held to the same answers by tests/test_property.py,
# which goes through both paths.
package mz.medins.lib.fastcheck

import data.mz.medins.lib.validation

_fields := data.mz.checks.fields

_containers := {"array", "object"}

_eighteen := {"resident_id", "hmt_residence_permit", "foreign_permanent_residence"}

default plainly_valid := false

# METADATA
# title: 请求明显合规
# description: The request passes every format check on the fast path; false means only that the full checks decide.
plainly_valid if {
	is_object(input)
	count(object.keys(input) - {"as_of", "policy_year", "resident"}) == 0
	is_string(input.as_of)
	not type_name(object.get(input, "policy_year", 0)) in _containers
	r := input.resident
	is_object(r)

	every k, _ in r {
		_fields[k]
	}
	count([k | some k, v in r; type_name(v) in _containers; type_name(v) != _fields[k].t]) == 0
	count([k | some k, v in r; _fields[k].t != "scalar"; count(v) > _fields[k].max]) == 0
	count([1 | some k, v in r; _fields[k].t != "scalar"; some x in v; type_name(x) in _containers]) == 0

	[request_valid, _] := json.match_schema(object.union(input, {"resident": {}}), data.mz.schemas.request)
	request_valid
	[resident_valid, _] := json.match_schema(r, data.mz.schemas.resident)
	resident_valid

	time.parse_ns("2006-01-02", input.as_of)
	every d in object.get(r, "events", {}) {
		time.parse_ns("2006-01-02", d)
	}
	time.parse_ns("2006-01-02", object.get(r, ["payment", "date"], input.as_of))
	_amount_ok
	_birth_ok
}

default _amount_ok := false

_amount_ok if not input.resident.payment.amount

_amount_ok if {
	a := input.resident.payment.amount
	floor(a) == a
}

_born := concat("-", [substring(input.resident.id_number, 6, 4), substring(input.resident.id_number, 10, 2), substring(input.resident.id_number, 12, 2)]) if {
	input.resident.id_type in _eighteen
} else := input.resident.birth_date

default _birth_ok := false

# An 18-character number (the schema's pattern holds): its check digit and its birth date.
_birth_ok if {
	input.resident.id_type in _eighteen
	id := input.resident.id_number
	validation.check_digit(id) == substring(id, 17, 1)
	time.parse_ns("2006-01-02", _born)
	object.get(input.resident, "birth_date", _born) == _born
	_born <= input.as_of
}

_birth_ok if {
	not input.resident.id_type in _eighteen
	time.parse_ns("2006-01-02", input.resident.birth_date)
	input.resident.birth_date <= input.as_of
}
