# Unit tests of what a decision log may hold (log.rego). They read the
# schemas of the bundle: run them with the policies,
# `opa test policies opa/authz` (tests/test_service.py does).
package system.log_test

import data.system.log

_adult := {
	"id_type": "resident_id",
	"id_number": "441402199001011237",
	"name": "张三",
	"birth_date": "1990-01-01",
	"hukou_region": "441402",
	"enrolled_years": [2023, 2024],
	"events": {"hukou_moved_in": "2024-03-01"},
}

_event(request) := {"path": "mz/medins/decision", "input": request, "result": {"policy_year": 2025}}

_mask(event) := rules if {
	rules := log.mask with input as event
}

# The input as it is logged: the value of the one upsert of /input.
_logged(event) := value if {
	[value] := [r.value | some r in _mask(event); is_object(r); r.path == "/input"]
}

_logged_result(event) := value if {
	[value] := [r.value | some r in _mask(event); is_object(r); r.path == "/result"]
}

test_the_contract_s_fields_are_logged_the_identifying_ones_erased if {
	event := _event({"as_of": "2024-10-10", "policy_year": 2025, "resident": _adult})
	_logged(event) == {"as_of": "2024-10-10", "policy_year": 2025, "resident": {
		"id_type": "resident_id",
		"hukou_region": "441402",
		"enrolled_years": [2023, 2024],
		"events": {"hukou_moved_in": "2024-03-01"},
	}}
	{p | some p in _mask(event); is_string(p)} == {
		"/input/resident/id_number",
		"/input/resident/name",
		"/input/resident/birth_date",
	}
	not _logged_result(event)
}

test_unknown_keys_are_dropped_with_their_values if {
	resident := object.union(_adult, {
		"idNumber": "441402199001011237", "fullName": "张三",
		"姓名": "张三", "身份证号": "441402199001011237",
	})
	request := {"as_of": "2024-10-10", "resident": resident, "name": "张三", "id": "441402199001011237"}
	logged := _logged(_event(request))
	object.keys(logged) == {"as_of", "resident"}
	object.keys(logged.resident) == {"id_type", "hukou_region", "enrolled_years", "events"}
}

test_an_id_number_is_masked_wherever_it_stands if {
	id := "441402199001011237"
	resident := {
		"id_type": id,
		"hukou_region": id,
		"residence_region": concat("", ["住", "44140219900101123X"]),
		"events": {"death": id},
		"identities": [id, "orphan"],
		"student": {"level": sprintf("%s and more", [id]), "school_region": "441402"},
	}
	logged := _logged(_event({"as_of": id, "resident": resident}))
	logged == {"as_of": "<masked>", "resident": {
		"id_type": "<masked>",
		"hukou_region": "<masked>",
		"residence_region": "住<masked>",
		"events": {"death": "<masked>"},
		"identities": ["<masked>", "orphan"],
		"student": {"level": "<masked> and more", "school_region": "441402"},
	}}
	not contains(json.marshal(logged), "19900101")
}

test_long_strings_and_misplaced_values_are_cut if {
	long := concat("", [concat("", ["a" | some _ in numbers.range(1, 195)]), "441402199001011237", "zzz"])
	resident := {"hukou_region": long, "residence_region": [1, 2, 3], "events": {"death": {"a": [1]}}}
	logged := _logged(_event({"as_of": "2024-10-10", "resident": resident}))
	logged.resident.hukou_region == concat("", [substring(long, 0, 195), "<mask", "…(216 characters)"])
	logged.resident.residence_region == "(a list of 3, not logged)"
	logged.resident.events == {"death": "(an object of 1 keys, not logged)"}
}

test_every_request_of_a_batch_is_logged_the_same_way if {
	event := {
		"path": "mz/medins/batch/decisions", "input": {"requests": [
			{"as_of": "2024-10-10", "resident": _adult},
			{"as_of": "2024-10-10", "resident": {"id_type": "hmt_travel_permit", "id_number": "H12345678", "fullName": "陳大文"}},
			"not a request",
		]},
		"result": [],
	}
	_logged(event) == {"requests": [
		{"as_of": "2024-10-10", "resident": {
			"id_type": "resident_id",
			"hukou_region": "441402",
			"enrolled_years": [2023, 2024],
			"events": {"hukou_moved_in": "2024-03-01"},
		}},
		{"as_of": "2024-10-10", "resident": {"id_type": "hmt_travel_permit"}},
		"not a request",
	]}
	{p | some p in _mask(event); is_string(p)} == {
		"/input/requests/0/resident/id_number",
		"/input/requests/0/resident/name",
		"/input/requests/0/resident/birth_date",
		"/input/requests/1/resident/id_number",
	}
}

test_a_batch_over_its_bound_logs_its_first_requests_and_the_count if {
	request := {"as_of": "2024-10-10", "resident": {"id_type": "resident_id"}}
	event := {"path": "mz/medins/batch/decisions", "input": {"requests": [request, request, request, request, request]}}
	logged := _logged(event) with data.mz.schemas.batch.properties.requests.maxItems as 3
	logged == {"requests": [request, request, request], "requests_not_logged": 2}
}

test_a_refusal_logs_its_problems_masked if {
	problems := [
		{"field": "resident.id_number", "message": "positions 7-14 (19901301) are not a real birth date"},
		{"field": "resident.441402199001011237", "message": "is not a known field"},
	]
	answer := {"error": {"code": "invalid_input", "problems": problems}}
	event := {"path": "mz/medins/decision", "input": {}, "result": answer}
	_logged_result(event) == {"error": {"code": "invalid_input", "problems": [
		{"field": "resident.id_number", "message": "positions 7-14 (<masked>) are not a real birth date"},
		{"field": "resident.<masked>", "message": "is not a known field"},
	]}}
	batch := {"path": "mz/medins/batch/decisions", "input": {}, "result": [{"policy_year": 2025}, answer]}
	_logged_result(batch) == [{"policy_year": 2025}, _logged_result(event)]
	rows := {"path": "mz/medins/batch/rows", "input": {}, "result": [{"decision": answer, "ledger": null}]}
	_logged_result(rows) == [{"decision": _logged_result(event), "ledger": null}]
}

test_a_decision_is_logged_as_the_service_got_it if {
	event := {"path": "mz/medins/batch/decisions", "input": {"requests": []}, "result": [{"policy_year": 2025}]}
	not _logged_result(event)
	not _logged_result({"path": "mz/medins/loaded_years", "result": [2023, 2025]})
	count(_mask({"path": "mz/medins/loaded_years", "result": [2023, 2025]})) == 0
}

test_results_of_other_paths_are_not_logged if {
	event := {"path": "mz/medins/lib/request/resident", "input": {"resident": _adult}, "result": _adult}
	_logged_result(event) == "(not logged: only the results of decisions are)"
}

test_an_input_that_is_no_object_is_logged_as_a_value if {
	_logged(_event("441402199001011237")) == "<masked>"
	_logged(_event([1, 2])) == "(a list of 2, not logged)"
	_logged(_event(null)) == null
}
