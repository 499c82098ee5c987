# 梅市医保〔2022〕4号 四(一): a person insured twice keeps one enrollment
# (R-2023-DUPLICATE), tested through the decision's trail.
package mz.medins.rules.duplicates_test

import data.mz.medins.lib.fixtures_test as f

_req(as_of, resident) := f.on_2023(as_of, resident)

_adult := {"id_type": "resident_id", "id_number": "441402199001011237", "hukou_region": "441402"}

_with(fields) := object.union(_adult, fields)

test_no_duplicate if {
	r := f.entry("duplicate_enrollment", _req("2022-10-10", _adult))
	r.outcome == "not_applicable"
	not r.reading
}

test_employee_insurance_with_a_payment_keeps_employee_insurance if {
	p := _with({"employee_insurance": true, "payment": {"date": "2022-10-10", "amount": 350}})
	r := f.entry("duplicate_enrollment", _req("2022-11-20", p))
	r.outcome == "failed"
	r.reading == "R-2023-DUPLICATE"
	contains(r.message.en, "The employee insurance stands")
	contains(r.message.en, "350 yuan")
}

test_employee_insurance_without_payment_is_no_duplicate if {
	r := f.entry("duplicate_enrollment", _req("2022-11-20", _with({"employee_insurance": true})))
	r.outcome == "not_applicable"
}

test_enrolled_elsewhere_keeps_that_enrollment if {
	r := f.entry("duplicate_enrollment", _req("2022-10-10", _with({"resident_insurance_elsewhere": true})))
	r.outcome == "failed"
	contains(r.message.en, "that enrollment stands")
	not contains(r.message.zh, "（，")
	d := f.decide(_req("2022-10-10", _with({"resident_insurance_elsewhere": true})))
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
	r := f.entry("duplicate_enrollment", _req("2022-10-10", s))
	r.outcome == "passed"
	contains(r.message.en, "(Meizhou) stands")
}

test_duplicate_event_and_refund if {
	p := _with({"events": {"duplicate_enrollment": "2022-11-01"}, "payment": {"date": "2022-10-10", "amount": 350}})
	r := f.entry("duplicate_enrollment", _req("2022-11-20", p))
	r.outcome == "failed"
	contains(r.message.zh, "2022-11-01")
	d := f.decide(_req("2022-11-20", p))
	d.refund.eligible == true
}

# Joining 职工医保 (the event) after paying here is a cross-system duplicate:
# the employee insurance stands (R-2023-DUPLICATE).
test_employee_insurance_started_after_a_payment if {
	p := _with({"events": {"employee_insurance_started": "2022-11-01"}, "payment": {"date": "2022-10-10", "amount": 350}})
	r := f.entry("duplicate_enrollment", _req("2022-11-20", p))
	r.outcome == "failed"
	contains(r.message.en, "The employee insurance stands")
	contains(r.message.zh, "2022-10-10 缴纳居民医保费 350 元")
}

# Enrolled elsewhere and paid here too: the enrollment elsewhere stands and
# the Meizhou one ends, its payment named.
test_enrolled_elsewhere_and_paid_here if {
	p := _with({"resident_insurance_elsewhere": true, "payment": {"date": "2022-10-10", "amount": 350}})
	r := f.entry("duplicate_enrollment", _req("2022-11-20", p))
	r.outcome == "failed"
	contains(r.message.en, "a Meizhou payment (350 yuan on 2022-10-10) ends with the Meizhou enrollment")
	contains(r.message.zh, "已在本市缴费的（2022-10-10，350 元）")
}
