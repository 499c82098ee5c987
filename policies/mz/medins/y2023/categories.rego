# 参保对象 categories worded only in 梅市医保〔2022〕4号: students from
# elsewhere at Meizhou universities and 中职技校, migrant workers' children and
# HMT pupils and students studying in Meizhou (一), and newborns where they
# live (四(二)). 2023 names no foreigners. The hukou, 居住证 and HMT-resident
# categories are common.categories.
package mz.medins.y2023.categories

import data.mz.medins.lib.dates
import data.mz.medins.lib.regions
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.lib.trail

_r := request.resident

_school := object.get(_r, ["student", "school_region"], null)

_school_args := {"zh": [regions.label(_school, "zh")], "en": [regions.label(_school, "en")]}

_level := object.get(_r, ["student", "level"], null)

_hmt_id_types := {"hmt_residence_permit", "hmt_travel_permit"}

# 「在本市就读」 / 「在校」: full-time study, or a kindergarten, at a school in
# Meizhou (R-2023-FULLTIME).
_study_variant := "school_elsewhere" if {
	not resident.studies_in_meizhou
} else := "part_time" if {
	not resident.enrolled_at_meizhou_school
} else := "passed"

_university_outcome := "not_applicable" if {
	not _level in {"higher_education", "vocational"}
} else := "not_applicable" if {
	_r.id_type != "resident_id"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := trail.outcome(_study_variant == "passed")

# METADATA
# title: 本市各类全日制大学和中职技校的非本市户籍学生
# description: Students with a hukou outside Meizhou at a Meizhou university or 中职技校; 全日制 is read as qualifying both (R-2023-FULLTIME). HMT students are hmt_student; foreigners are not named in 2023.
# custom:
#   clause: {"2023": 一}
#   reading: R-2023-FULLTIME
#   zh:
#     passed: 非本市户籍，在本市（%s）大学或中职技校全日制就读。
#     school_elsewhere: 学校所在地 %s 不在本市。
#     part_time: 在本市（%s）大学或中职技校就读，但非全日制。
#     not_applicable: 非本市户籍大学、中职技校学生条件不适用（学校 %s）。
#   en:
#     passed: Registered outside Meizhou and a full-time student at a Meizhou university or secondary vocational school (%s).
#     school_elsewhere: The school is in %s, outside Meizhou.
#     part_time: Studies at a Meizhou university or secondary vocational school (%s) but not full-time.
#     not_applicable: The category of non-Meizhou university and vocational students does not apply (school %s).
non_hukou_university_or_vocational_student := trail.entry_with(
	rego.metadata.chain(),
	_university_outcome,
	_variant(_university_outcome),
	_school_args,
	{},
)

_variant(outcome) := _study_variant if outcome != "not_applicable"

_variant("not_applicable") := "not_applicable"

_migrant_outcome := "not_applicable" if {
	not _r.student.migrant_worker_child
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := trail.outcome(_study_variant == "passed")

# METADATA
# title: 在本市就读的异地务工人员子女
# description: Children of migrant workers, with a hukou outside Meizhou, studying at a Meizhou school or kindergarten, enroll where the school is. 「符合条件的」 is read as exactly that, plus the conditions every enrollee meets (R-2023-MIGRANT-CHILD).
# custom:
#   clause: {"2023": 一}
#   reading: R-2023-MIGRANT-CHILD
#   zh:
#     passed: 异地务工人员子女，在本市（%s）学校就读，可参加学校所在地居民医保。
#     school_elsewhere: 异地务工人员子女，但学校所在地 %s 不在本市。
#     part_time: 异地务工人员子女，在本市（%s）就读但非全日制。
#     not_applicable: 非在本市就读的异地务工人员子女（学校 %s）。
#   en:
#     passed: A migrant worker's child studying at a Meizhou school (%s); may enroll where the school is.
#     school_elsewhere: A migrant worker's child, but the school is in %s, outside Meizhou.
#     part_time: A migrant worker's child studying in Meizhou (%s), but not full-time.
#     not_applicable: Not a migrant worker's child studying in Meizhou (school %s).
migrant_worker_child := trail.entry_with(
	rego.metadata.chain(),
	_migrant_outcome,
	_variant(_migrant_outcome),
	_school_args,
	{},
)

_hmt_outcome := "not_applicable" if {
	not _r.id_type in _hmt_id_types
} else := "not_applicable" if {
	not resident.is_student
} else := "failed" if {
	_level == "preschool"
} else := trail.outcome(_study_variant == "passed")

_hmt_variant := "preschool" if {
	_hmt_outcome == "failed"
	_level == "preschool"
} else := _variant(_hmt_outcome)

# METADATA
# title: 在本市就读的港澳台大中小学生
# description: Hong Kong, Macao and Taiwan pupils and students (大中小学生, kindergartens not included) studying full-time at a Meizhou school, whatever their permit (R-2023-FULLTIME).
# custom:
#   clause: {"2023": 一}
#   reading: R-2023-FULLTIME
#   zh:
#     passed: 港澳台学生，在本市（%s）学校就读。
#     preschool: 港澳台学龄前儿童（学校 %s）不属「大中小学生」。
#     school_elsewhere: 港澳台学生，但学校所在地 %s 不在本市。
#     part_time: 港澳台学生，在本市（%s）就读但非全日制。
#     not_applicable: 非港澳台在校学生（学校 %s）。
#   en:
#     passed: A Hong Kong, Macao or Taiwan student at a Meizhou school (%s).
#     preschool: A Hong Kong, Macao or Taiwan preschool child (school %s) is not among the pupils and students the notice names.
#     school_elsewhere: A Hong Kong, Macao or Taiwan student, but the school is in %s, outside Meizhou.
#     part_time: A Hong Kong, Macao or Taiwan student in Meizhou (%s), but not full-time.
#     not_applicable: Not a Hong Kong, Macao or Taiwan student (school %s).
hmt_student := trail.entry_with(
	rego.metadata.chain(),
	_hmt_outcome,
	_hmt_variant,
	_school_args,
	{},
)

# ---- 四(二): newborns at the place they live --------------------------------

_newborn_until := dates.add_months(request.birth_date, request.params.mid_year_enrollment.newborn_months)

default _newborn_on_day := false

_newborn_on_day if resident.payment_date <= _newborn_until

_residence := resident.field("residence_region")

_newborn_outcome := "not_applicable" if {
	_r.id_type != "resident_id"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := "not_applicable" if {
	not _newborn_on_day
} else := trail.outcome(resident.lives_in_meizhou)

# METADATA
# title: 新生儿在居住地参保
# description: A newborn may enroll within 6 months of birth where the hukou is or where it lives; a newborn living in Meizhou with a hukou elsewhere enrolls here (R-NEWBORN-MONTHS).
# custom:
#   clause: {"2023": 四(二)}
#   reading: R-NEWBORN-MONTHS
#   zh:
#     passed: 出生于 %s 的新生儿，%s 在出生6个月内（至 %s），居住在本市（%s），可在居住地参保。
#     failed: 出生于 %s 的新生儿，%s 在出生6个月内（至 %s），但户籍与居住地（%s）均不在本市。
#     not_applicable: 非本市户籍且在出生6个月内的新生儿条件不适用（出生 %[1]s）。
#   en:
#     passed: A newborn born on %s, within 6 months of birth on %s (until %s), living in Meizhou (%s); may enroll where it lives.
#     failed: A newborn born on %s, within 6 months of birth on %s (until %s), but neither the hukou nor the residence (%s) is in Meizhou.
#     not_applicable: The category of newborns registered elsewhere within 6 months of birth does not apply (born %[1]s).
newborn_at_residence := trail.entry(
	rego.metadata.chain(),
	_newborn_outcome,
	{
		"zh": [request.birth_date, resident.payment_date, _newborn_until, regions.label(_residence, "zh")],
		"en": [request.birth_date, resident.payment_date, _newborn_until, regions.label(_residence, "en")],
	},
)

# ---- no foreigners in 2023 -----------------------------------------------

_foreigner_outcome := "failed" if {
	_r.id_type == "foreign_permanent_residence"
} else := "not_applicable"

# METADATA
# title: 外国人不属2023年度参保对象
# description: 2023 一 names no foreigners (2025 adds those with permanent residence); a foreigner has no category in 2023.
# custom:
#   clause: {"2023": 一}
#   zh:
#     failed: 持外国人永久居留身份证；2023年度通知的参保范围未包括外国人。
#     not_applicable: 非外国人。
#   en:
#     failed: Holds a foreign permanent residence ID; the 2023 notice does not name foreigners among those covered.
#     not_applicable: Not a foreigner.
foreign_permanent_resident := trail.entry(rego.metadata.chain(), _foreigner_outcome, [])
