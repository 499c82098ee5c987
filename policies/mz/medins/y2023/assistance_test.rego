# Unit tests for y2023/assistance.rego, beside it like every other rule package's
# (lib/years.packages names the rule packages, so the trail never reads these).
package mz.medins.y2023.assistance_test

import data.mz.medins.y2023.assistance

_req(as_of, resident) := {"as_of": as_of, "policy_year": 2023, "resident": resident}

_person(identities) := {
	"id_type": "resident_id",
	"id_number": "441402196001011233",
	"hukou_region": "441402",
	"identities": identities,
}

test_stable_poverty_exit_is_no_longer_subsidised if {
	r := assistance.stable_poverty_exit with input as _req("2022-10-10", _person(["stable_poverty_exit"]))
	r.outcome == "failed"
	r.clause == "梅市医保〔2022〕4号 三(三)"
	contains(r.message.en, "350 yuan is due")
	d := data.mz.medins.decision with input as _req("2022-10-10", _person(["stable_poverty_exit"]))
	d.contribution.assistance == null
	d.contribution.individual_due == 350
}

test_monitored_rural_poverty_risk_is_subsidised if {
	d := data.mz.medins.decision with input as _req("2022-10-10", _person(["rural_poverty_risk"]))
	d.contribution.assistance == {"source": "medical_assistance", "amount": 350}
	d.payment.amount_due == 0
	d.channels == []
	r := assistance.stable_poverty_exit with input as _req("2022-10-10", _person(["rural_poverty_risk"]))
	r.outcome == "not_applicable"
}

test_stable_exit_with_another_status_is_funded_by_that_status if {
	r := assistance.stable_poverty_exit with input as _req("2022-10-10", _person(["stable_poverty_exit", "subsistence_allowance"]))
	r.outcome == "failed"
	contains(r.message.en, "another status")
}

test_entitled_group_not_named_in_2023 if {
	r := assistance.entitled_group with input as _req("2022-10-10", _person(["entitled_group"]))
	r.outcome == "failed"
	r.reading == "R-2023-ENTITLED"
	d := data.mz.medins.decision with input as _req("2022-10-10", _person(["entitled_group"]))
	d.contribution.assistance == null
}

test_reentry_after_employee_insurance if {
	p := object.union(_person(["subsistence_allowance"]), {"events": {"employee_insurance_ended": "2023-03-10"}})
	r := assistance.employee_insurance_reentry with input as _req("2023-03-20", p)
	r.outcome == "passed"
	d := data.mz.medins.decision with input as _req("2023-03-20", p)
	d.payment.status == "mid_year"
	d.payment.amount_due == 0
	d.benefit.start == "2023-03-20"
}

test_reentry_needs_a_local_assistance_status if {
	p := object.union(_person(["subsistence_allowance"]), {"identity_region": "440102", "events": {"employee_insurance_ended": "2023-03-10"}})
	r := assistance.employee_insurance_reentry with input as _req("2023-03-20", p)
	r.outcome == "failed"
	n := assistance.employee_insurance_reentry with input as _req("2023-03-20", object.union(_person([]), {"events": {"employee_insurance_ended": "2023-03-10"}}))
	n.outcome == "not_applicable"
}

test_2023_assistance_rules_do_not_serve_2025 if {
	not assistance.stable_poverty_exit with input as {"as_of": "2024-10-10", "policy_year": 2025, "resident": _person(["stable_poverty_exit"])}
}
