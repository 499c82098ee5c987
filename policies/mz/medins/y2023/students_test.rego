# Unit tests for y2023/students.rego, beside it like every other rule package's
# (lib/years.packages names the rule packages, so the trail never reads these).
package mz.medins.y2023.students_test

import data.mz.medins.y2023.students

_req(resident) := {"as_of": "2022-10-10", "policy_year": 2023, "resident": resident}

_student(level) := {
	"id_type": "resident_id",
	"id_number": "440102200409011239",
	"hukou_region": "440102",
	"resident_insurance_elsewhere": true,
	"student": {"level": level, "full_time": true, "school_region": "441402"},
}

test_student_insured_elsewhere_joins_where_the_school_is if {
	r := students.suspend_enrollment_elsewhere with input as _req(_student("higher_education"))
	r.outcome == "passed"
	r.clause == "梅市医保〔2022〕4号 三(二)"
	d := data.mz.medins.decision with input as _req(_student("higher_education"))
	d.eligible
	d.enrollment == {"region": "441402", "via": "school"}
}

test_student_not_covered_in_meizhou_stays_where_insured if {
	r := students.suspend_enrollment_elsewhere with input as _req(_student("secondary"))
	r.outcome == "not_applicable"
	contains(r.message.en, "not covered in Meizhou")
}

test_student_not_insured_elsewhere if {
	s := object.union(_student("higher_education"), {"resident_insurance_elsewhere": false})
	r := students.suspend_enrollment_elsewhere with input as _req(s)
	r.outcome == "not_applicable"
}
