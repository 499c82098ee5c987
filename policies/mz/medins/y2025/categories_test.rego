# 梅市医保〔2024〕3号 一, the categories worded only in 2025: non-Meizhou
# full-time students (R-HMT-STUDENT) and preschool children (R-PRESCHOOL)
# studying in Meizhou, and unemployed foreigners with permanent residence
# living in Meizhou.
package mz.medins.y2025.categories_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.y2025.categories

in_window(resident) := f.on("2024-10-10", resident)

student(level, full_time, region) := f.plus(f.guangzhou_youth, {"student": {"level": level, "full_time": full_time, "school_region": region}})

test_non_hukou_full_time_student_at_every_level if {
	every level in ["primary", "secondary", "vocational", "higher_education"] {
		e := categories.non_hukou_student with input as in_window(student(level, true, "441423"))
		e.outcome == "passed"
	}
	e := categories.non_hukou_student with input as in_window(student("secondary", true, "441423"))
	e.reading == "R-HMT-STUDENT"
	e.clause == "梅市医保〔2024〕3号 一"
	e.message.en == "Not registered in Meizhou and a full-time student at a school in Meizhou (441423 (Fengshun County))."
}

test_non_hukou_student_fails if {
	part := categories.non_hukou_student with input as in_window(student("higher_education", false, "441402"))
	part.outcome == "failed"
	part.message.zh == "在本市（441402 梅江区）就读，但非全日制。"

	away := categories.non_hukou_student with input as in_window(student("higher_education", true, "440106"))
	away.outcome == "failed"
	away.message.en == "The school is in 440106, outside Meizhou."
}

# R-HMT-STUDENT: an HMT student without mainland hukou is 非本市户籍.
test_hmt_student_counts if {
	r := f.plus(f.hmt, {"employed": false, "residence_region": "440106", "student": {"level": "higher_education", "full_time": true, "school_region": "441402"}})
	e := categories.non_hukou_student with input as in_window(r)
	e.outcome == "passed"
}

test_non_hukou_student_not_applicable if {
	none := categories.non_hukou_student with input as in_window(f.outsider)
	none.outcome == "not_applicable"
	none.message.en == "The non-Meizhou student category does not apply (school none)."
	not none.reading

	kid := categories.non_hukou_student with input as in_window(student("preschool", false, "441402"))
	kid.outcome == "not_applicable"

	local := categories.non_hukou_student with input as in_window(f.plus(f.adult, {"student": {"level": "higher_education", "full_time": true, "school_region": "441402"}}))
	local.outcome == "not_applicable"
}

test_preschool_child if {
	kid := f.plus(f.guangzhou_youth, {"student": {"level": "preschool", "school_region": "441427"}})
	ok := categories.preschool_child with input as in_window(kid)
	ok.outcome == "passed"
	ok.reading == "R-PRESCHOOL"
	ok.message.zh == "非本市户籍学龄前儿童，在本市（441427 蕉岭县）幼儿园就读。"

	# R-PRESCHOOL: living in Meizhou is not enough; the kindergarten must be here.
	away := f.plus(f.guangzhou_youth, {"residence_region": "441402", "student": {"level": "preschool", "school_region": "440106"}})
	no := categories.preschool_child with input as in_window(away)
	no.outcome == "failed"
	no.message.en == "The preschool child's kindergarten is in 440106, outside Meizhou."

	home := f.plus(f.guangzhou_youth, {"residence_region": "441402"})
	na := categories.preschool_child with input as in_window(home)
	na.outcome == "not_applicable"
}

test_preschool_not_applicable if {
	pupil := categories.preschool_child with input as in_window(student("primary", true, "441402"))
	pupil.outcome == "not_applicable"

	local := f.plus(f.adult, {"student": {"level": "preschool", "school_region": "441402"}})
	l := categories.preschool_child with input as in_window(local)
	l.outcome == "not_applicable"
}

test_foreign_permanent_resident if {
	ok := categories.foreign_permanent_resident with input as in_window(f.foreigner)
	ok.outcome == "passed"
	ok.message.en == "Holds a foreign permanent residence ID, lives in Meizhou (441402 (Meijiang District)) and is not employed."

	working := categories.foreign_permanent_resident with input as in_window(f.plus(f.foreigner, {"employed": true}))
	working.outcome == "failed"
	working.message.zh == "持外国人永久居留身份证，居住在本市（441402 梅江区），但已就业。"

	away := categories.foreign_permanent_resident with input as in_window(f.plus(f.foreigner, {"residence_region": "450102"}))
	away.outcome == "failed"
	away.message.en == "Holds a foreign permanent residence ID but lives in 450102, outside Meizhou."

	unknown := categories.foreign_permanent_resident with input as in_window(object.remove(f.foreigner, ["residence_region"]))
	unknown.outcome == "failed"

	other := categories.foreign_permanent_resident with input as in_window(f.hmt)
	other.outcome == "not_applicable"
}
