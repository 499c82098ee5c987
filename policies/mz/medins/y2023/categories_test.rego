# Unit tests for y2023/categories.rego, beside it like every other rule package's
# (lib/years.packages names the rule packages, so the trail never reads these).
package mz.medins.y2023.categories_test

import data.mz.medins.y2023.categories

_req(as_of, resident) := {"as_of": as_of, "policy_year": 2023, "resident": resident}

_student(hukou, level, full_time, school) := {
	"id_type": "resident_id",
	"id_number": "440102200409011239",
	"hukou_region": hukou,
	"student": {"level": level, "full_time": full_time, "school_region": school},
}

test_university_and_vocational_students_from_elsewhere if {
	r := categories.non_hukou_university_or_vocational_student with input as _req("2022-10-10", _student("440102", "higher_education", true, "441402"))
	r.outcome == "passed"
	r.clause == "梅市医保〔2022〕4号 一"
	r.reading == "R-2023-FULLTIME"
	v := categories.non_hukou_university_or_vocational_student with input as _req("2022-10-10", _student("440102", "vocational", true, "441481"))
	v.outcome == "passed"
}

test_university_student_part_time_or_elsewhere_fails if {
	p := categories.non_hukou_university_or_vocational_student with input as _req("2022-10-10", _student("440102", "higher_education", false, "441402"))
	p.outcome == "failed"
	contains(p.message.en, "not full-time")
	e := categories.non_hukou_university_or_vocational_student with input as _req("2022-10-10", _student("440102", "higher_education", true, "440106"))
	e.outcome == "failed"
	contains(e.message.en, "outside Meizhou")
}

test_university_category_not_for_meizhou_hukou_or_pupils if {
	h := categories.non_hukou_university_or_vocational_student with input as _req("2022-10-10", _student("441402", "higher_education", true, "441402"))
	h.outcome == "not_applicable"
	s := categories.non_hukou_university_or_vocational_student with input as _req("2022-10-10", _student("440102", "secondary", true, "441402"))
	s.outcome == "not_applicable"
	n := categories.non_hukou_university_or_vocational_student with input as _req("2022-10-10", {"id_type": "resident_id", "id_number": "44010219900101123X", "hukou_region": "440102"})
	n.outcome == "not_applicable"
}

_migrant_child := {
	"id_type": "resident_id",
	"id_number": "440102201503011221",
	"hukou_region": "440102",
	"student": {"level": "primary", "full_time": true, "school_region": "441424", "migrant_worker_child": true},
}

test_migrant_worker_child if {
	r := categories.migrant_worker_child with input as _req("2022-10-10", _migrant_child)
	r.outcome == "passed"
	r.reading == "R-2023-MIGRANT-CHILD"
	d := data.mz.medins.decision with input as _req("2022-10-10", _migrant_child)
	d.categories == ["migrant_worker_child"]
	d.enrollment == {"region": "441424", "via": "school"}
}

test_pupil_without_migrant_flag_has_no_2023_category if {
	pupil := json.patch(_migrant_child, [{"op": "remove", "path": "/student/migrant_worker_child"}])
	r := categories.migrant_worker_child with input as _req("2022-10-10", pupil)
	r.outcome == "not_applicable"
	d := data.mz.medins.decision with input as _req("2022-10-10", pupil)
	d.eligible == false
}

_hmt_pupil(level) := {
	"id_type": "hmt_travel_permit",
	"id_number": "H12345678",
	"birth_date": "2014-05-06",
	"student": {"level": level, "full_time": true, "school_region": "441402"},
}

test_hmt_student if {
	r := categories.hmt_student with input as _req("2022-10-10", _hmt_pupil("primary"))
	r.outcome == "passed"
	k := categories.hmt_student with input as _req("2022-10-10", _hmt_pupil("preschool"))
	k.outcome == "failed"
	contains(k.message.en, "preschool")
	m := categories.hmt_student with input as _req("2022-10-10", _student("440102", "primary", true, "441402"))
	m.outcome == "not_applicable"
}

_newborn(hukou, residence) := {
	"id_type": "resident_id",
	"id_number": "440102202301011236",
	"hukou_region": hukou,
	"residence_region": residence,
}

test_newborn_at_residence if {
	r := categories.newborn_at_residence with input as _req("2023-03-01", _newborn("440102", "441402"))
	r.outcome == "passed"
	r.clause == "梅市医保〔2022〕4号 四(二)"
	d := data.mz.medins.decision with input as _req("2023-03-01", _newborn("440102", "441402"))
	d.enrollment == {"region": "441402", "via": "residence"}
	d.benefit.start == "2023-01-01"
}

test_newborn_at_residence_limits if {
	# the day six months after birth is still in; the next day is not
	edge := categories.newborn_at_residence with input as _req("2023-07-01", _newborn("440102", "441402"))
	edge.outcome == "passed"
	late := categories.newborn_at_residence with input as _req("2023-07-02", _newborn("440102", "441402"))
	late.outcome == "not_applicable"
	away := categories.newborn_at_residence with input as _req("2023-03-01", _newborn("440102", "440106"))
	away.outcome == "failed"
	local := categories.newborn_at_residence with input as _req("2023-03-01", _newborn("441402", "441402"))
	local.outcome == "not_applicable"
}

test_no_foreigners_in_2023 if {
	f := {"id_type": "foreign_permanent_residence", "id_number": "933440199001011233", "residence_region": "441402"}
	r := categories.foreign_permanent_resident with input as _req("2022-10-10", f)
	r.outcome == "failed"
	d := data.mz.medins.decision with input as _req("2022-10-10", f)
	d.eligible == false
	d.categories == []
}

test_2023_categories_do_not_serve_2025 if {
	req := {"as_of": "2024-10-10", "policy_year": 2025, "resident": _student("440102", "higher_education", true, "441402")}
	not categories.non_hukou_university_or_vocational_student with input as req
	not categories.foreign_permanent_resident with input as req
}
