# Where the resident enrolls: 梅市医保〔2024〕3号 一 (by category) and 五(二)
# (students where the school is, or where a special status was recognised).
package mz.medins.common.enrollment_test

import data.mz.medins.common.enrollment
import data.mz.medins.lib.fixtures_test as f

in_window(resident) := f.on("2024-10-10", resident)

university(region) := {"level": "higher_education", "full_time": true, "school_region": region}

test_by_category if {
	enrollment.place == {"region": "441402", "via": "hukou"} with input as in_window(f.adult)
	permit := f.plus(f.outsider, {"residence_region": "441481", "residence_permit_region": "441481"})
	enrollment.place == {"region": "441481", "via": "residence_permit"} with input as in_window(permit)
	enrollment.place == {"region": "441402", "via": "residence"} with input as in_window(f.foreigner)
	enrollment.place == {"region": "441403", "via": "residence"} with input as in_window(f.hmt)
}

# A Meizhou hukou holder with a Meizhou permit elsewhere in the city enrolls
# at the hukou.
test_hukou_comes_before_the_permit if {
	r := f.plus(f.adult, {"residence_region": "441481", "residence_permit_region": "441481"})
	enrollment.place == {"region": "441402", "via": "hukou"} with input as in_window(r)
}

test_ineligible_has_no_place if {
	enrollment.place == {"region": null, "via": null} with input as in_window(f.outsider)
	enrollment.place == {"region": null, "via": null} with input as in_window(f.plus(f.adult, {"employee_insurance": true}))
	a := enrollment.enrollment_place with input as in_window(f.outsider)
	a.outcome == "not_applicable"
	b := enrollment.student_enrollment_place with input as in_window(f.outsider)
	b.outcome == "not_applicable"
}

test_student_at_the_school if {
	r := f.plus(f.guangzhou_youth, {"student": university("441402")})
	enrollment.place == {"region": "441402", "via": "school"} with input as in_window(r)
	e := enrollment.student_enrollment_place with input as in_window(r)
	e.outcome == "passed"
	e.clause == "梅市医保〔2024〕3号 五(二)"
	e.message.zh == "在校学生，在 441402 梅江区 参保（依据：学校所在地（学籍地））。"
	p := enrollment.enrollment_place with input as in_window(r)
	p.outcome == "not_applicable"
}

test_meizhou_hukou_student_enrolls_at_the_school_not_the_hukou if {
	r := f.plus(f.wuhua_adult, {"student": university("441402")})
	enrollment.place == {"region": "441402", "via": "school"} with input as in_window(r)
}

test_meizhou_hukou_student_elsewhere_enrolls_at_the_hukou if {
	r := f.plus(f.wuhua_adult, {"student": university("440106")})
	enrollment.place == {"region": "441424", "via": "hukou"} with input as in_window(r)
	e := enrollment.enrollment_place with input as in_window(r)
	e.outcome == "passed"
	e.message.en == "Enrolls in 441424 (Wuhua County) (basis: place of household registration)."
}

test_meizhou_hukou_part_time_student_enrolls_at_the_hukou if {
	r := f.plus(f.wuhua_adult, {"student": {"level": "higher_education", "full_time": false, "school_region": "441402"}})
	enrollment.place == {"region": "441424", "via": "hukou"} with input as in_window(r)
}

test_special_status_student_at_the_identity_region if {
	every id in ["orphan", "severe_disability", "rural_poverty_risk"] {
		r := f.plus(f.wuhua_adult, {"identities": [id], "identity_region": "441424", "student": university("441402")})
		enrollment.place == {"region": "441424", "via": "identity_region"} with input as in_window(r)
	}
}

test_special_status_without_a_meizhou_identity_region_stays_at_the_school if {
	none := f.plus(f.wuhua_adult, {"identities": ["orphan"], "student": university("441402")})
	enrollment.place == {"region": "441402", "via": "school"} with input as in_window(none)
	away := f.plus(f.guangzhou_youth, {"identities": ["orphan"], "identity_region": "440106", "student": university("441402")})
	enrollment.place == {"region": "441402", "via": "school"} with input as in_window(away)
}

# 稳定脱贫人口 is no 资助参保救助对象 in 2025: such a student is an ordinary one.
test_stable_poverty_exit_is_no_special_status if {
	r := f.plus(f.wuhua_adult, {"identities": ["stable_poverty_exit"], "identity_region": "441424", "student": university("441402")})
	enrollment.place == {"region": "441402", "via": "school"} with input as in_window(r)
}

test_preschool_child_at_the_kindergarten if {
	r := f.plus(f.guangzhou_youth, {"student": {"level": "preschool", "school_region": "441426"}})
	enrollment.place == {"region": "441426", "via": "school"} with input as in_window(r)
}
