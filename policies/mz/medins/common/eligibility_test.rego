# 梅市医保〔2024〕3号 一: eligible when some category fits and no condition fails.
package mz.medins.common.eligibility_test

import data.mz.medins.common.eligibility
import data.mz.medins.lib.fixtures_test as f

in_window(resident) := f.on("2024-10-10", resident)

test_categories_are_sorted_codes if {
	eligibility.categories == ["hukou_resident"] with input as in_window(f.adult)
	eligibility.categories == [] with input as in_window(f.outsider)

	# A Meizhou-hukou student is a hukou resident; the non-Meizhou student
	# category is not applicable to her.
	student := f.plus(f.adult, {"student": {"level": "higher_education", "full_time": true, "school_region": "441402"}})
	eligibility.categories == ["hukou_resident"] with input as in_window(student)

	# An outside student who also holds a Meizhou 居住证 falls in both.
	both := f.plus(f.guangzhou_youth, {"residence_permit_region": "441402", "student": {"level": "higher_education", "full_time": true, "school_region": "441402"}})
	eligibility.categories == ["non_hukou_student", "residence_permit_holder"] with input as in_window(both)
}

test_eligible_needs_a_category_and_no_failed_condition if {
	eligibility.eligible with input as in_window(f.adult)
	not eligibility.eligible with input as in_window(f.outsider)
	not eligibility.eligible with input as in_window(f.plus(f.adult, {"employee_insurance": true}))
	not eligibility.eligible with input as in_window(f.plus(f.adult, {"resident_insurance_elsewhere": true}))
}

test_enrollment_scope_messages if {
	ok := eligibility.enrollment_scope with input as in_window(f.adult)
	ok.outcome == "passed"
	ok.message.en == "Covered (Meizhou-registered resident); may enroll in Meizhou resident insurance."

	both := f.plus(f.adult, {"employee_insurance": true, "resident_insurance_elsewhere": true})
	no := eligibility.enrollment_scope with input as in_window(both)
	no.outcome == "failed"
	no.clause == "梅市医保〔2024〕3号 一"
	no.message.en == "Not covered; matching categories Meizhou-registered resident, unmet conditions not in employee insurance, not enrolled in resident insurance elsewhere this year."

	none := eligibility.enrollment_scope with input as in_window(f.outsider)
	none.message.en == "Not covered; matching categories none, unmet conditions none."
}

# A year with no year-specific category package still has the common ones.
test_year_without_its_own_categories if {
	eligibility.categories == ["hukou_resident"] with input as in_window(f.adult)
		with data.mz.medins.lib.years.category_packages as {}
	eligibility.categories == [] with input as in_window(f.foreigner)
		with data.mz.medins.lib.years.category_packages as {}
}
