# Where the resident enrolls: 梅市医保〔2024〕3号 一 (by category) and 五(二)
# (students where the school is, or where a special status was recognised),
# and 梅市医保〔2022〕4号 三(二) (a student insured elsewhere moves to the school).
package mz.medins.rules.enrollment_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.enrollment

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
	a := f.entry("enrollment_place", in_window(f.outsider))
	a.outcome == "not_applicable"
	b := f.entry("student_enrollment_place", in_window(f.outsider))
	b.outcome == "not_applicable"
}

test_student_at_the_school if {
	r := f.plus(f.guangzhou_youth, {"student": university("441402")})
	enrollment.place == {"region": "441402", "via": "school"} with input as in_window(r)
	e := f.entry("student_enrollment_place", in_window(r))
	e.outcome == "passed"
	e.clause == "梅市医保〔2024〕3号 五(二)"
	e.message.zh == "在校学生，在 梅江区 参保（依据：学校所在地（学籍地））。"
	p := f.entry("enrollment_place", in_window(r))
	p.outcome == "not_applicable"
}

test_meizhou_hukou_student_enrolls_at_the_school_not_the_hukou if {
	r := f.plus(f.wuhua_adult, {"student": university("441402")})
	enrollment.place == {"region": "441402", "via": "school"} with input as in_window(r)
}

test_meizhou_hukou_student_elsewhere_enrolls_at_the_hukou if {
	r := f.plus(f.wuhua_adult, {"student": university("440106")})
	enrollment.place == {"region": "441424", "via": "hukou"} with input as in_window(r)
	e := f.entry("enrollment_place", in_window(r))
	e.outcome == "passed"
	e.message.en == "Enrolls in Wuhua County (basis: place of household registration)."
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

# ---- 梅市医保〔2022〕4号 三(二): students insured elsewhere move to the school ----

_req(resident) := f.on_2023("2022-10-10", resident)

_student(level) := {
	"id_type": "resident_id",
	"id_number": "440102200409011239",
	"hukou_region": "440102",
	"resident_insurance_elsewhere": true,
	"student": {"level": level, "full_time": true, "school_region": "441402"},
}

test_student_insured_elsewhere_joins_where_the_school_is if {
	r := f.entry("suspend_enrollment_elsewhere", _req(_student("higher_education")))
	r.outcome == "passed"
	r.clause == "梅市医保〔2022〕4号 三(二)"
	d := f.decide(_req(_student("higher_education")))
	d.eligible
	d.enrollment == {"region": "441402", "via": "school"}
}

test_student_not_covered_in_meizhou_stays_where_insured if {
	r := f.entry("suspend_enrollment_elsewhere", _req(_student("secondary")))
	r.outcome == "not_applicable"
	contains(r.message.en, "not covered in Meizhou")
}

test_student_not_insured_elsewhere if {
	s := object.union(_student("higher_education"), {"resident_insurance_elsewhere": false})
	r := f.entry("suspend_enrollment_elsewhere", _req(s))
	r.outcome == "not_applicable"
}
