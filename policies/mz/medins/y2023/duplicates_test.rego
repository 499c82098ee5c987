# Unit tests for y2023/duplicates.rego, beside it like every other rule package's
# (lib/years.packages names the rule packages, so the trail never reads these).
package mz.medins.y2023.duplicates_test

import data.mz.medins.y2023.duplicates

_req(as_of, resident) := {"as_of": as_of, "policy_year": 2023, "resident": resident}

_adult := {"id_type": "resident_id", "id_number": "441402199001011237", "hukou_region": "441402"}

_with(fields) := object.union(_adult, fields)

test_no_duplicate if {
	r := duplicates.duplicate_enrollment with input as _req("2022-10-10", _adult)
	r.outcome == "not_applicable"
	not r.reading
}

test_employee_insurance_with_a_payment_keeps_employee_insurance if {
	p := _with({"employee_insurance": true, "payment": {"date": "2022-10-10", "amount": 350}})
	r := duplicates.duplicate_enrollment with input as _req("2022-11-20", p)
	r.outcome == "failed"
	r.reading == "R-2023-DUPLICATE"
	contains(r.message.en, "The employee insurance stands")
	contains(r.message.en, "350 yuan")
}

test_employee_insurance_without_payment_is_no_duplicate if {
	r := duplicates.duplicate_enrollment with input as _req("2022-11-20", _with({"employee_insurance": true}))
	r.outcome == "not_applicable"
}

test_enrolled_elsewhere_keeps_that_enrollment if {
	r := duplicates.duplicate_enrollment with input as _req("2022-10-10", _with({"resident_insurance_elsewhere": true}))
	r.outcome == "failed"
	contains(r.message.en, "that enrollment stands")
	not contains(r.message.zh, "（，")
	d := data.mz.medins.decision with input as _req("2022-10-10", _with({"resident_insurance_elsewhere": true}))
	d.eligible == false
}

test_student_at_a_meizhou_school_keeps_the_school_enrollment if {
	s := {
		"id_type": "resident_id",
		"id_number": "440102200409011239",
		"hukou_region": "440102",
		"resident_insurance_elsewhere": true,
		"student": {"level": "higher_education", "full_time": true, "school_region": "441402"},
	}
	r := duplicates.duplicate_enrollment with input as _req("2022-10-10", s)
	r.outcome == "passed"
	contains(r.message.en, "(Meizhou) stands")
}

test_duplicate_event_and_refund if {
	p := _with({"events": {"duplicate_enrollment": "2022-11-01"}, "payment": {"date": "2022-10-10", "amount": 350}})
	r := duplicates.duplicate_enrollment with input as _req("2022-11-20", p)
	r.outcome == "failed"
	contains(r.message.zh, "2022-11-01")
	d := data.mz.medins.decision with input as _req("2022-11-20", p)
	d.refund.eligible == true
}
