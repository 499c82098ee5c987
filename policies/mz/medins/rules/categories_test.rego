# 参保对象 categories, tested through the decision's trail: those both notices
# word alike (2025 一, 2023 一: hukou residents, 居住证 holders not insured at
# origin, HMT residents, R-HMT-PERMIT), those worded only in 2025 (non-Meizhou
# full-time students, R-HMT-STUDENT; preschool children, R-PRESCHOOL;
# unemployed foreigners with permanent residence), and those worded only in
# 2023 (university and 中职技校 students, migrant workers' children, HMT
# students, newborns at their residence; no foreigners).
package mz.medins.rules.categories_test

import data.mz.medins.lib.fixtures_test as f

in_window(resident) := f.on("2024-10-10", resident)

permit := f.plus(f.outsider, {"residence_region": "441481", "residence_permit_region": "441481"})

# ---- both years' categories (2025 一) ---------------------------------------

test_hukou_resident if {
	every code in ["441400", "441402", "441403", "441422", "441423", "441424", "441426", "441427", "441481"] {
		e := f.entry("hukou_resident", in_window(f.plus(f.adult, {"hukou_region": code})))
		e.outcome == "passed"
	}
	out := f.entry("hukou_resident", in_window(f.outsider))
	out.outcome == "failed"
	out.message.en == "Household registration 450102 is not in Meizhou."
	none := f.entry("hukou_resident", in_window(f.foreigner))
	none.outcome == "failed"
	none.message.zh == "户籍地 无 不属本市，不属本市户籍城乡居民。"
}

test_hukou_message_names_the_region if {
	e := f.entry("hukou_resident", in_window(f.adult))
	e.message.zh == "户籍地 梅江区 属本市，属本市户籍城乡居民。"
	e.message.en == "Household registration Meijiang District is in Meizhou, so the resident is a Meizhou-registered resident."
}

test_residence_permit_holder if {
	ok := f.entry("residence_permit_holder", in_window(permit))
	ok.outcome == "passed"
	ok.message.en == "Holds a Meizhou residence permit (Xingning City) and is not enrolled in resident insurance at the place of origin."

	origin := f.entry("residence_permit_holder", in_window(f.plus(permit, {"resident_insurance_elsewhere": true})))
	origin.outcome == "failed"
	contains(origin.message.en, "already enrolled in resident insurance at origin or elsewhere")

	away := f.entry("residence_permit_holder", in_window(f.plus(permit, {"residence_permit_region": "440106"})))
	away.outcome == "failed"
	away.message.en == "The residence permit was issued by 440106, outside Meizhou."
}

test_residence_permit_not_applicable if {
	none := f.entry("residence_permit_holder", in_window(f.outsider))
	none.outcome == "not_applicable"

	# A Meizhou hukou resident's permit adds no category.
	local := f.entry("residence_permit_holder", in_window(f.plus(f.adult, {"residence_permit_region": "441481"})))
	local.outcome == "not_applicable"
}

test_hmt_resident if {
	ok := f.entry("hmt_resident", in_window(f.hmt))
	ok.outcome == "passed"
	ok.reading == "R-HMT-PERMIT"
	ok.message.zh == "持港澳台居民居住证，居住在本市（梅县区），未就业。"

	working := f.entry("hmt_resident", in_window(f.plus(f.hmt, {"employed": true})))
	working.outcome == "failed"
	contains(working.message.en, "but is employed")

	away := f.entry("hmt_resident", in_window(f.plus(f.hmt, {"residence_region": "440106"})))
	away.outcome == "failed"
	away.message.en == "Holds an HMT residence permit but lives in 440106, outside Meizhou."

	no_residence := f.entry("hmt_resident", in_window(object.remove(f.hmt, ["residence_region"])))
	no_residence.outcome == "failed"

	other := f.entry("hmt_resident", in_window(f.adult))
	other.outcome == "not_applicable"
	not other.reading
}

# R-HMT-PERMIT: living in Meizhou is what counts, not the permit's issuer.
test_hmt_permit_need_not_be_meizhous if {
	e := f.entry("hmt_resident", in_window(f.plus(f.hmt, {"residence_permit_region": "440106"})))
	e.outcome == "passed"
}

# ---- 2025 only (2025 一) ------------------------------------------------------

student(level, full_time, region) := f.plus(f.guangzhou_youth, {"student": {"level": level, "full_time": full_time, "school_region": region}})

test_non_hukou_full_time_student_at_every_level if {
	every level in ["primary", "secondary", "vocational", "higher_education"] {
		e := f.entry("non_hukou_student", in_window(student(level, true, "441423")))
		e.outcome == "passed"
	}
	e := f.entry("non_hukou_student", in_window(student("secondary", true, "441423")))
	e.reading == "R-HMT-STUDENT"
	e.clause == "梅市医保〔2024〕3号 一"
	e.message.en == "Not registered in Meizhou and a full-time student at a school in Meizhou (Fengshun County)."
}

test_non_hukou_student_fails if {
	part := f.entry("non_hukou_student", in_window(student("higher_education", false, "441402")))
	part.outcome == "failed"
	part.message.zh == "在本市（梅江区）就读，但非全日制。"

	away := f.entry("non_hukou_student", in_window(student("higher_education", true, "440106")))
	away.outcome == "failed"
	away.message.en == "The school is in 440106, outside Meizhou."
}

# R-HMT-STUDENT: an HMT student without mainland hukou is 非本市户籍.
test_hmt_student_counts if {
	r := f.plus(f.hmt, {"employed": false, "residence_region": "440106", "student": {"level": "higher_education", "full_time": true, "school_region": "441402"}})
	e := f.entry("non_hukou_student", in_window(r))
	e.outcome == "passed"
}

test_non_hukou_student_not_applicable if {
	none := f.entry("non_hukou_student", in_window(f.outsider))
	none.outcome == "not_applicable"
	none.message.en == "The non-Meizhou student category does not apply (school none)."
	not none.reading

	kid := f.entry("non_hukou_student", in_window(student("preschool", false, "441402")))
	kid.outcome == "not_applicable"

	local := f.entry("non_hukou_student", in_window(f.plus(f.adult, {"student": {"level": "higher_education", "full_time": true, "school_region": "441402"}})))
	local.outcome == "not_applicable"
}

test_preschool_child if {
	kid := f.plus(f.guangzhou_youth, {"student": {"level": "preschool", "school_region": "441427"}})
	ok := f.entry("preschool_child", in_window(kid))
	ok.outcome == "passed"
	ok.reading == "R-PRESCHOOL"
	ok.message.zh == "非本市户籍学龄前儿童，在本市（蕉岭县）幼儿园就读。"

	# R-PRESCHOOL: living in Meizhou is not enough; the kindergarten must be here.
	away := f.plus(f.guangzhou_youth, {"residence_region": "441402", "student": {"level": "preschool", "school_region": "440106"}})
	no := f.entry("preschool_child", in_window(away))
	no.outcome == "failed"
	no.message.en == "The preschool child's kindergarten is in 440106, outside Meizhou."

	home := f.plus(f.guangzhou_youth, {"residence_region": "441402"})
	na := f.entry("preschool_child", in_window(home))
	na.outcome == "not_applicable"
}

test_preschool_not_applicable if {
	pupil := f.entry("preschool_child", in_window(student("primary", true, "441402")))
	pupil.outcome == "not_applicable"

	local := f.plus(f.adult, {"student": {"level": "preschool", "school_region": "441402"}})
	l := f.entry("preschool_child", in_window(local))
	l.outcome == "not_applicable"
}

test_foreign_permanent_resident if {
	ok := f.entry("foreign_permanent_resident", in_window(f.foreigner))
	ok.outcome == "passed"
	ok.message.en == "Holds a foreign permanent residence ID, lives in Meizhou (Meijiang District) and is not employed."

	working := f.entry("foreign_permanent_resident", in_window(f.plus(f.foreigner, {"employed": true})))
	working.outcome == "failed"
	working.message.zh == "持外国人永久居留身份证，居住在本市（梅江区），但已就业。"

	away := f.entry("foreign_permanent_resident", in_window(f.plus(f.foreigner, {"residence_region": "450102"})))
	away.outcome == "failed"
	away.message.en == "Holds a foreign permanent residence ID but lives in 450102, outside Meizhou."

	unknown := f.entry("foreign_permanent_resident", in_window(object.remove(f.foreigner, ["residence_region"])))
	unknown.outcome == "failed"

	other := f.entry("foreign_permanent_resident", in_window(f.hmt))
	other.outcome == "not_applicable"
}

# ---- 2023 only (2023 一, 四(二)) ------------------------------------------------

_student_2023(hukou, level, full_time, school) := {
	"id_type": "resident_id",
	"id_number": "440102200409011239",
	"hukou_region": hukou,
	"student": {"level": level, "full_time": full_time, "school_region": school},
}

test_university_and_vocational_students_from_elsewhere if {
	r := f.entry("non_hukou_university_or_vocational_student", f.on_2023("2022-10-10", _student_2023("440102", "higher_education", true, "441402")))
	r.outcome == "passed"
	r.clause == "梅市医保〔2022〕4号 一"
	r.reading == "R-2023-FULLTIME"
	v := f.entry("non_hukou_university_or_vocational_student", f.on_2023("2022-10-10", _student_2023("440102", "vocational", true, "441481")))
	v.outcome == "passed"
}

test_university_student_part_time_or_elsewhere_fails if {
	p := f.entry("non_hukou_university_or_vocational_student", f.on_2023("2022-10-10", _student_2023("440102", "higher_education", false, "441402")))
	p.outcome == "failed"
	contains(p.message.en, "not full-time")
	e := f.entry("non_hukou_university_or_vocational_student", f.on_2023("2022-10-10", _student_2023("440102", "higher_education", true, "440106")))
	e.outcome == "failed"
	contains(e.message.en, "outside Meizhou")
}

test_university_category_not_for_meizhou_hukou_or_pupils if {
	h := f.entry("non_hukou_university_or_vocational_student", f.on_2023("2022-10-10", _student_2023("441402", "higher_education", true, "441402")))
	h.outcome == "not_applicable"
	s := f.entry("non_hukou_university_or_vocational_student", f.on_2023("2022-10-10", _student_2023("440102", "secondary", true, "441402")))
	s.outcome == "not_applicable"
	n := f.entry("non_hukou_university_or_vocational_student", f.on_2023("2022-10-10", {"id_type": "resident_id", "id_number": "44010219900101123X", "hukou_region": "440102"}))
	n.outcome == "not_applicable"
}

_migrant_child := {
	"id_type": "resident_id",
	"id_number": "440102201503011221",
	"hukou_region": "440102",
	"student": {"level": "primary", "full_time": true, "school_region": "441424", "migrant_worker_child": true},
}

test_migrant_worker_child if {
	r := f.entry("migrant_worker_child", f.on_2023("2022-10-10", _migrant_child))
	r.outcome == "passed"
	r.reading == "R-2023-MIGRANT-CHILD"
	d := f.decide(f.on_2023("2022-10-10", _migrant_child))
	d.categories == ["migrant_worker_child"]
	d.enrollment == {"region": "441424", "via": "school"}
}

test_pupil_without_migrant_flag_has_no_2023_category if {
	pupil := json.patch(_migrant_child, [{"op": "remove", "path": "/student/migrant_worker_child"}])
	r := f.entry("migrant_worker_child", f.on_2023("2022-10-10", pupil))
	r.outcome == "not_applicable"
	d := f.decide(f.on_2023("2022-10-10", pupil))
	d.eligible == false
}

_hmt_pupil(level) := {
	"id_type": "hmt_travel_permit",
	"id_number": "H12345678",
	"birth_date": "2014-05-06",
	"student": {"level": level, "full_time": true, "school_region": "441402"},
}

test_hmt_student if {
	r := f.entry("hmt_student", f.on_2023("2022-10-10", _hmt_pupil("primary")))
	r.outcome == "passed"
	k := f.entry("hmt_student", f.on_2023("2022-10-10", _hmt_pupil("preschool")))
	k.outcome == "failed"
	contains(k.message.en, "preschool")
	m := f.entry("hmt_student", f.on_2023("2022-10-10", _student_2023("440102", "primary", true, "441402")))
	m.outcome == "not_applicable"
}

_newborn(hukou, residence) := {
	"id_type": "resident_id",
	"id_number": "440102202301011236",
	"hukou_region": hukou,
	"residence_region": residence,
}

test_newborn_at_residence if {
	r := f.entry("newborn_at_residence", f.on_2023("2023-03-01", _newborn("440102", "441402")))
	r.outcome == "passed"
	r.clause == "梅市医保〔2022〕4号 四(二)"
	d := f.decide(f.on_2023("2023-03-01", _newborn("440102", "441402")))
	d.enrollment == {"region": "441402", "via": "residence"}
	d.benefit.start == "2023-01-01"
}

test_newborn_at_residence_limits if {
	# the day six months after birth is still in; the next day is not
	edge := f.entry("newborn_at_residence", f.on_2023("2023-07-01", _newborn("440102", "441402")))
	edge.outcome == "passed"
	late := f.entry("newborn_at_residence", f.on_2023("2023-07-02", _newborn("440102", "441402")))
	late.outcome == "not_applicable"
	away := f.entry("newborn_at_residence", f.on_2023("2023-03-01", _newborn("440102", "440106")))
	away.outcome == "failed"
	local := f.entry("newborn_at_residence", f.on_2023("2023-03-01", _newborn("441402", "441402")))
	local.outcome == "not_applicable"
}

test_no_foreigners_in_2023 if {
	foreigner := {"id_type": "foreign_permanent_residence", "id_number": "933440199001011233", "residence_region": "441402"}
	r := f.entry("foreigners_not_named", f.on_2023("2022-10-10", foreigner))
	r.outcome == "failed"
	d := f.decide(f.on_2023("2022-10-10", foreigner))
	d.eligible == false
	d.categories == []
}

test_2023_categories_do_not_serve_2025 if {
	req := {"as_of": "2024-10-10", "policy_year": 2025, "resident": _student_2023("440102", "higher_education", true, "441402")}
	f.absent("non_hukou_university_or_vocational_student", req)
	f.absent("foreigners_not_named", req)
}

# An HMT student at a Meizhou university is an HMT student (hmt_student),
# not a non-Meizhou university student, whose category is for resident_id
# holders with a hukou elsewhere.
test_hmt_university_student_is_an_hmt_student if {
	req := f.on_2023("2022-10-10", _hmt_pupil("higher_education"))
	f.entry("non_hukou_university_or_vocational_student", req).outcome == "not_applicable"
	f.entry("hmt_student", req).outcome == "passed"
}

# R-2023-MIGRANT-CHILD: the category is for children with a hukou outside
# Meizhou; a Meizhou-hukou child is a hukou resident.
test_migrant_worker_child_with_a_meizhou_hukou if {
	req := f.on_2023("2022-10-10", object.union(_migrant_child, {"hukou_region": "441424"}))
	f.entry("migrant_worker_child", req).outcome == "not_applicable"
	f.decide(req).categories == ["hukou_resident"]
}

test_hmt_resident_not_at_school_is_no_hmt_student if {
	req := f.on_2023("2022-10-10", object.remove(_hmt_pupil("primary"), ["student"]))
	f.entry("hmt_student", req).outcome == "not_applicable"
}
