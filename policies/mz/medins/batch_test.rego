package mz.medins.batch_test

import data.mz.medins.batch

# Valid GB 11643 numbers; positions 7-14 are the birth date.
_adult := {"id_type": "resident_id", "id_number": "441402198005050116", "hukou_region": "441402"}

_girl_2014 := {"id_type": "resident_id", "id_number": "441481201403031244", "hukou_region": "441481"}

_request(resident) := {"as_of": "2024-11-20", "resident": resident}

_with_ids(resident, ids) := object.union(resident, {"identities": ids})

test_one_answer_per_request_in_order if {
	requests := [
		_request(_adult),
		{"as_of": "2024-11-20"},
		_request(object.union(_adult, {"id_number": "441402198005050111"})),
		{"as_of": "2024-11-20", "policy_year": 2031, "resident": _adult},
		_request(_with_ids(_adult, ["subsistence_allowance"])),
	]
	answers := batch.decisions with input as {"requests": requests}
	count(answers) == 5
	answers[0].eligible
	answers[0].contribution.individual_due == 400
	answers[1].error.code == "invalid_input"
	answers[2].error.code == "invalid_input"
	answers[3].error.code == "year_not_loaded"
	answers[4].contribution.individual_due == 0
}

test_the_batch_answer_is_the_single_decision if {
	request := _request(_with_ids(_adult, ["severe_disability"]))
	single := data.mz.medins.decision with input as request
	[batched] := batch.decisions with input as {"requests": [request]}
	batched == single
}

test_no_requests_no_answers if {
	batch.decisions == [] with input as {}
	batch.rows == [] with input as {"requests": "not a list"}
}

# A built year that lacks its contribution standard leaves the decision
# undefined. (An empty year is no longer the way to get there: it is a year
# never built, answered with year_incomplete, lib/years_test.rego.)
_no_standard := object.remove(data.params["2025"], ["contribution"])

test_an_undefined_decision_is_an_error_answer_not_a_dropped_row if {
	not data.mz.medins.decision with input as _request(_adult) with data.params["2025"] as _no_standard
	answers := batch.decisions with input as {"requests": [_request(_adult)]} with data.params["2025"] as _no_standard
	answers == [{"error": {"code": "undefined", "message": "the policy gave no decision for this request"}}]
	rows := batch.rows with input as {"requests": [_request(_adult)]} with data.params["2025"] as _no_standard
	rows == [{"decision": answers[0], "ledger": null}]
}

test_ledger_for_medical_assistance_first if {
	[row] := batch.rows with input as {"requests": [_request(_with_ids(_adult, ["subsistence_allowance", "severe_disability"]))]}
	row.ledger == {
		"source": "medical_assistance",
		"amount": 400,
		"identities": ["subsistence_allowance"],
		"list_owner": "healthcare_security",
		"clause": "梅市医保〔2024〕3号 五(三)",
		"rule": "medical_assistance",
	}
}

test_ledger_list_owners_of_the_county_lists if {
	requests := [
		_request(_with_ids(_adult, ["severe_disability"])),
		_request(_with_ids(_adult, ["two_daughter_parent"])),
		_request(_with_ids(_girl_2014, ["two_daughter_girl"])),
		_request(_with_ids(_adult, ["entitled_group"])),
		_request(_with_ids(_adult, ["two_daughter_parent", "severe_disability"])),
	]
	rows := batch.rows with input as {"requests": requests}
	[r.ledger.list_owner | some r in rows] == [
		"disabled_persons_federation",
		"health_commission",
		"health_commission",
		"veterans_affairs",
		"disabled_persons_federation",
	]
	rows[4].ledger.identities == ["severe_disability", "two_daughter_parent"]
}

test_no_ledger_without_a_full_subsidy if {
	requests := [
		_request(_adult),
		_request(_with_ids(_adult, ["stable_poverty_exit"])),
		_request(object.union(_with_ids(_adult, ["subsistence_allowance"]), {"employee_insurance": true})),
		{"as_of": "2024-11-20"},
	]
	rows := batch.rows with input as {"requests": requests}
	[r.ledger | some r in rows] == [null, null, null, null]
	rows[3].decision.error.code == "invalid_input"
}

# Each loaded year lists its list owners (list_owners.list); their names are
# reference data.
test_every_list_owner_names_a_source_and_both_languages if {
	{2023, 2025} - {y | some y in data.mz.medins.loaded_years} == set()
	every y in data.mz.medins.loaded_years {
		owners := data.params[format_int(y, 10)].list_owners.list
		count(owners) > 0
		every owner in owners {
			owner.source in {"medical_assistance", "county_government"}
			data.mz.reference.list_owners[owner.code].zh != ""
			data.mz.reference.list_owners[owner.code].en != ""
		}
	}
}

# The roster's duplicates report quotes this rule (its text from the rule
# index, its citation from the year's table): both years rest on 2023 四(一).
test_the_duplicate_enrollment_rule_cites_both_years if {
	every y in ["2023", "2025"] {
		data.params[y].rules.duplicate_enrollment_cleanup.clause == "梅市医保〔2022〕4号 四(一)"
	}
	contains(data.mz.index.duplicate_enrollment_cleanup.text.zh, "保留一个")
}
