# 梅市医保〔2024〕3号 六(三): full-time students at Meizhou schools need no
# filing for treatment elsewhere.
package mz.medins.rules.students_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.students

in_window(resident) := f.on("2024-10-10", resident)

university(full_time, region) := {"student": {"level": "higher_education", "full_time": full_time, "school_region": region}}

test_full_time_student_in_meizhou if {
	r := f.plus(f.guangzhou_youth, university(true, "441402"))
	students.out_of_area_without_filing with input as in_window(r)
	e := f.entry("student_out_of_area_treatment", in_window(r))
	e.outcome == "passed"
	e.clause == "梅市医保〔2024〕3号 六(三)"
}

test_meizhou_hukou_student_in_meizhou if {
	students.out_of_area_without_filing with input as in_window(f.plus(f.adult, university(true, "441481")))
}

test_not_for_part_time_outside_or_ineligible_students if {
	not students.out_of_area_without_filing with input as in_window(f.plus(f.adult, university(false, "441402")))
	not students.out_of_area_without_filing with input as in_window(f.plus(f.adult, university(true, "440106")))
	not students.out_of_area_without_filing with input as in_window(f.plus(f.adult, object.union(university(true, "441402"), {"employee_insurance": true})))
	not students.out_of_area_without_filing with input as in_window(f.adult)
	e := f.entry("student_out_of_area_treatment", in_window(f.adult))
	e.outcome == "not_applicable"
}

# 全日制在校学生: a preschool child is not one.
test_not_for_preschool_children if {
	kid := f.plus(f.guangzhou_youth, {"student": {"level": "preschool", "school_region": "441402"}})
	not students.out_of_area_without_filing with input as in_window(kid)
}
