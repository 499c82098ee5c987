# 梅市医保〔2022〕4号 三(二): a student from elsewhere already enrolled there
# suspends that enrollment and joins 居民医保 where the school is. (Where a
# student enrolls, and the special-status route, is common.enrollment.)
package mz.medins.y2023.students

import data.mz.medins.common.eligibility
import data.mz.medins.common.enrollment
import data.mz.medins.lib.names
import data.mz.medins.lib.regions
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.lib.trail

_r := request.resident

_outcome := "not_applicable" if {
	not resident.enrolled_at_meizhou_school
} else := "not_applicable" if {
	not _r.resident_insurance_elsewhere
} else := "not_applicable" if {
	not eligibility.eligible
} else := "passed"

_variant := "not_covered" if {
	_outcome == "not_applicable"
	resident.enrolled_at_meizhou_school
	_r.resident_insurance_elsewhere
} else := _outcome

# METADATA
# title: 外市参保学生暂停原参保关系，参加学校所在地居民医保
# description: The school tells a student from elsewhere who is enrolled there to suspend that enrollment and join 居民医保 where the school is.
# custom:
#   clause: {"2023": 三(二)}
#   zh:
#     passed: 在本市学校就读，本年度已在外市参加居民医保：应暂停原参保地居民医保参保关系，在 %s 参保（依据：%s）。
#     not_covered: 在本市学校就读且已在外市参保，但不属本市参保对象，继续在原参保地参保。
#     not_applicable: 非已在外市参保的本市在校学生，本条不适用。
#   en:
#     passed: "Studies at a Meizhou school and is enrolled elsewhere for this year; suspends that enrollment and joins in %s (basis: %s)."
#     not_covered: Studies at a Meizhou school and is enrolled elsewhere, but is not covered in Meizhou; stays enrolled where they are.
#     not_applicable: Not a Meizhou student enrolled elsewhere.
suspend_enrollment_elsewhere := trail.entry_with(
	rego.metadata.chain(),
	_outcome,
	_variant,
	{
		"zh": [regions.label(enrollment.place.region, "zh"), _via("zh")],
		"en": [regions.label(enrollment.place.region, "en"), _via("en")],
	},
	{},
)

_via(lang) := names.label("enrollment_bases", enrollment.place.via, lang)
