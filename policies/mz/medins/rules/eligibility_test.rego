# 梅市医保〔2024〕3号 一: eligible when some category fits and no condition fails.
package mz.medins.rules.eligibility_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.eligibility

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
	ok := f.entry("enrollment_scope", in_window(f.adult))
	ok.outcome == "passed"
	ok.message.en == "Covered (Meizhou-registered resident); may enroll in Meizhou resident insurance."

	both := f.plus(f.adult, {"employee_insurance": true, "resident_insurance_elsewhere": true})
	no := f.entry("enrollment_scope", in_window(both))
	no.outcome == "failed"
	no.clause == "梅市医保〔2024〕3号 一"
	no.message.en == "Not covered; matching categories Meizhou-registered resident, unmet conditions not in employee insurance, not enrolled in resident insurance elsewhere this year."

	none := f.entry("enrollment_scope", in_window(f.outsider))
	none.message.en == "Not covered; matching categories none, unmet conditions none."
}

# The 2025 table without the categories only 2025 words (first_year 2025):
# the categories both years share still decide.
_shared_only := f.year_with("2025", {
	"rules": {id: r | some id, r in data.params["2025"].rules; not _only_2025(id)},
	"trail": [e | some e in data.params["2025"].trail; not _only_2025(e.id)],
	"categories": [id | some id in data.params["2025"].categories; not _only_2025(id)],
})

_only_2025(id) if data.mz.index[id].first_year == 2025

test_year_without_its_own_categories if {
	some e in data.params["2025"].trail
	e.id == "foreign_permanent_resident"
	every e in _shared_only.trail {
		e.id != "foreign_permanent_resident"
	}
	eligibility.categories == ["hukou_resident"] with input as in_window(f.adult)
		with data.params["2025"] as _shared_only
	eligibility.categories == ["foreign_permanent_resident"] with input as in_window(f.foreigner)
	eligibility.categories == [] with input as in_window(f.foreigner)
		with data.params["2025"] as _shared_only
}
