# 梅市医保〔2024〕3号 一: 未参加职工基本医疗保险 (R-EMPLOYEE-ALL) and one
# 居民医保 enrollment a year (R-ONE-ENROLLMENT; students at Meizhou schools
# move theirs, 五(二)), tested through the decision's trail.
package mz.medins.rules.conditions_test

import data.mz.medins.lib.fixtures_test as f

in_window(resident) := f.on("2024-10-10", resident)

test_employee_insurance if {
	ok := f.entry("not_in_employee_insurance", in_window(f.adult))
	ok.outcome == "passed"
	ok.reading == "R-EMPLOYEE-ALL"
	ok.clause == "梅市医保〔2024〕3号 一"

	out := f.entry("not_in_employee_insurance", in_window(f.plus(f.adult, {"employee_insurance": true})))
	out.outcome == "failed"
	out.message.zh == "目前已参加职工基本医疗保险，不属居民医保参保对象。"
}

# Every category, not only the two the notice words it for (R-EMPLOYEE-ALL).
test_employee_insurance_excludes_students_and_foreigners_too if {
	student := f.plus(f.guangzhou_youth, {"employee_insurance": true, "student": {"level": "higher_education", "full_time": true, "school_region": "441402"}})
	e := f.entry("not_in_employee_insurance", in_window(student))
	e.outcome == "failed"
	fp := f.entry("not_in_employee_insurance", in_window(f.plus(f.foreigner, {"employee_insurance": true})))
	fp.outcome == "failed"
}

test_one_enrollment_only if {
	ok := f.entry("one_enrollment_only", in_window(f.adult))
	ok.outcome == "passed"
	ok.message.en == "Not enrolled in resident insurance elsewhere for this year."

	twice := f.entry("one_enrollment_only", in_window(f.plus(f.adult, {"resident_insurance_elsewhere": true})))
	twice.outcome == "failed"
	twice.reading == "R-ONE-ENROLLMENT"
}

test_student_at_a_meizhou_school_moves_the_enrollment if {
	r := f.plus(f.guangzhou_youth, {"resident_insurance_elsewhere": true, "student": {"level": "secondary", "full_time": true, "school_region": "441481"}})
	e := f.entry("one_enrollment_only", in_window(r))
	e.outcome == "passed"
	contains(e.message.en, "may suspend that enrollment and join where the school is")

	kid := f.plus(f.guangzhou_youth, {"resident_insurance_elsewhere": true, "student": {"level": "preschool", "school_region": "441481"}})
	k := f.entry("one_enrollment_only", in_window(kid))
	k.outcome == "passed"
}

test_part_time_or_outside_student_insured_elsewhere_fails if {
	part := f.plus(f.adult, {"resident_insurance_elsewhere": true, "student": {"level": "higher_education", "full_time": false, "school_region": "441402"}})
	p := f.entry("one_enrollment_only", in_window(part))
	p.outcome == "failed"

	away := f.plus(f.adult, {"resident_insurance_elsewhere": true, "student": {"level": "higher_education", "full_time": true, "school_region": "440106"}})
	a := f.entry("one_enrollment_only", in_window(away))
	a.outcome == "failed"
}
