# Where the resident enrolls and on what basis: students where the school is,
# or where a special status was recognised (2025 五(二), 2023 三(二)); others
# where their category places them (2025 一, 2023 一).
package mz.medins.common.enrollment

import data.mz.medins.common.eligibility
import data.mz.medins.lib.names
import data.mz.medins.lib.regions
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.lib.trail

_r := request.resident

_cats := {c | some c in eligibility.categories}

_student_categories := {"non_hukou_student", "preschool_child", "non_hukou_university_or_vocational_student", "migrant_worker_child", "hmt_student"}

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
#   clause: {"2025": 五(二), "2023": 三(二)}
#   zh: 居民参保的行政区划代码和依据（户籍、居住证、学校、身份认定地、居住地）。
#   en: "Where the resident enrolls and on what basis (hukou, residence permit, school, identity region, residence)."
place := {"region": null, "via": null} if {
	not eligibility.eligible
} else := _student_place if {
	_is_student_enrollment
} else := _other_place

_label(lang) := regions.label(place.region, lang)

# METADATA
# title: 在校学生参保地
# description: Students enroll where the school is (学籍地; 大专院校、技工学校 as a school); a student with a special status (资助参保救助对象、残疾人) may enroll where the status was recognised.
# custom:
#   clause: {"2025": 五(二), "2023": 三(二)}
#   zh:
#     passed: "在校学生，在 %s 参保（依据：%s）。"
#     not_applicable: 非在本市就读的在校学生，本条不适用。
#   en:
#     passed: "A student; enrolls in %s (basis: %s)."
#     not_applicable: Not a student at a Meizhou school.
student_enrollment_place := trail.entry(
	rego.metadata.chain(),
	_student_outcome,
	{"zh": [_label("zh"), _basis("zh")], "en": [_label("en"), _basis("en")]},
)

_basis(lang) := names.label("enrollment_bases", place.via, lang)

_student_outcome := "passed" if {
	eligibility.eligible
	_is_student_enrollment
} else := "not_applicable"

# METADATA
# title: 参保地
# description: Hukou residents enroll where the hukou is, 居住证 holders where the permit was issued, HMT residents and foreigners where they live.
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh:
#     passed: "在 %s 参保（依据：%s）。"
#     not_applicable: 在校学生按学校所在地参保，或不属参保对象。
#   en:
#     passed: "Enrolls in %s (basis: %s)."
#     not_applicable: Enrolls as a student where the school is, or is not covered.
enrollment_place := trail.entry(
	rego.metadata.chain(),
	_place_outcome,
	{"zh": [_label("zh"), _basis("zh")], "en": [_label("en"), _basis("en")]},
)

_place_outcome := "passed" if {
	eligibility.eligible
	not _is_student_enrollment
} else := "not_applicable"
