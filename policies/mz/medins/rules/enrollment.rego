# Where the resident enrolls and on what basis: students where the school is,
# or where a special status was recognised (2025 五(二), 2023 三(二)); others
# where their category places them (2025 一, 2023 一).

# METADATA
# scope: package
# custom:
#   explains: [enrollment]
package mz.medins.rules.enrollment

import data.mz.medins.lib.names
import data.mz.medins.lib.regions
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.rules.eligibility

_r := request.resident

_cats := {c | some c in eligibility.categories}

_special_status if {
	some i in request.identities
	i != "stable_poverty_exit"
}

_student_place := {"region": _r.identity_region, "via": "identity_region"} if {
	resident.enrolled_at_meizhou_school
	_special_status
	regions.in_meizhou(_r.identity_region)
} else := {"region": _r.student.school_region, "via": "school"} if {
	resident.enrolled_at_meizhou_school
}

_other_place := {"region": _r.hukou_region, "via": "hukou"} if {
	"hukou_resident" in _cats
} else := {"region": _r.residence_permit_region, "via": "residence_permit"} if {
	"residence_permit_holder" in _cats
} else := {"region": _r.residence_region, "via": "residence"} if {
	count(_cats & {"hmt_resident", "foreign_permanent_resident", "newborn_at_residence"}) > 0
}

_is_student_enrollment if {
	_student_place
	count(_cats) > 0
}

# METADATA
# title: 参保地与参保依据
# custom:
#   short_name: place
#   zh: 居民参保的行政区划代码和依据（户籍、居住证、学校、身份认定地、居住地）。
#   en: Where the resident enrolls and on what basis (hukou, residence permit, school, identity region, residence).
place := {"region": null, "via": null} if {
	not eligibility.eligible
} else := _student_place if {
	_is_student_enrollment
} else := _other_place

_place_facts := {"zh": [r.zh, b.zh], "en": [r.en, b.en]} if {
	r := regions.label(place.region)
	b := names.label("enrollment_bases", place.via)
}

# METADATA
# title: 在校学生参保地
# description: Students enroll where the school is (学籍地; 大专院校、技工学校 as a school); a student with a special status (资助参保救助对象、残疾人) may enroll where the status was recognised.
# custom:
#   short_name: student_enrollment_place
#   zh:
#     passed: "在校学生，在 %s 参保（依据：%s）。"
#     not_applicable: 非在本市就读的在校学生，本条不适用。
#   en:
#     passed: "A student; enrolls in %s (basis: %s)."
#     not_applicable: Not a student at a Meizhou school.
outcome["student_enrollment_place"] := "passed" if {
	eligibility.eligible
	_is_student_enrollment
} else := "not_applicable"

explain["student_enrollment_place"] := _place_facts

# METADATA
# title: 参保地
# description: Hukou residents enroll where the hukou is, 居住证 holders where the permit was issued, HMT residents and foreigners where they live.
# custom:
#   short_name: enrollment_place
#   zh:
#     passed: "在 %s 参保（依据：%s）。"
#     not_applicable: 在校学生按学校所在地参保，或不属参保对象。
#   en:
#     passed: "Enrolls in %s (basis: %s)."
#     not_applicable: Enrolls as a student where the school is, or is not covered.
outcome["enrollment_place"] := "passed" if {
	eligibility.eligible
	not _is_student_enrollment
} else := "not_applicable"

explain["enrollment_place"] := _place_facts

# ---- 2023 三(二): students enrolled elsewhere move to the school ------------------

_suspend_variant := "not_applicable" if {
	not resident.enrolled_at_meizhou_school
} else := "not_applicable" if {
	not _r.resident_insurance_elsewhere
} else := "not_covered" if {
	not eligibility.eligible
} else := "passed"

# METADATA
# title: 外市参保学生暂停原参保关系，参加学校所在地居民医保
# description: The school tells a student from elsewhere who is enrolled there to suspend that enrollment and join 居民医保 where the school is.
# custom:
#   short_name: suspend_enrollment_elsewhere
#   last_year: 2023
#   zh:
#     passed: 在本市学校就读，本年度已在外市参加居民医保：应暂停原参保地居民医保参保关系，在 %s 参保（依据：%s）。
#     not_covered: 在本市学校就读且已在外市参保，但不属本市参保对象，继续在原参保地参保。
#     not_applicable: 非已在外市参保的本市在校学生，本条不适用。
#   en:
#     passed: "Studies at a Meizhou school and is enrolled elsewhere for this year; suspends that enrollment and joins in %s (basis: %s)."
#     not_covered: Studies at a Meizhou school and is enrolled elsewhere, but is not covered in Meizhou; stays enrolled where they are.
#     not_applicable: Not a Meizhou student enrolled elsewhere.
outcome["suspend_enrollment_elsewhere"] := {true: "passed", false: "not_applicable"}[_suspend_variant == "passed"]

explain["suspend_enrollment_elsewhere"] := object.union(_place_facts, {"v": _suspend_variant})
