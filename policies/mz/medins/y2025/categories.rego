# 参保对象 categories worded only in 梅市医保〔2024〕3号 一: non-Meizhou
# full-time students and preschool children studying in Meizhou, and
# foreigners with permanent residence.
package mz.medins.y2025.categories

import data.mz.medins.lib.regions
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.lib.trail

_r := request.resident

_school := object.get(_r, ["student", "school_region"], null)

_school_args := {"zh": [regions.label(_school, "zh")], "en": [regions.label(_school, "en")]}

_student_outcome := "not_applicable" if {
	not resident.is_student
} else := "not_applicable" if {
	_r.student.level == "preschool"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := "failed" if {
	not resident.studies_in_meizhou
} else := "failed" if {
	not _r.student.full_time
} else := "passed"

_student_variant := "school_elsewhere" if {
	_student_outcome == "failed"
	not resident.studies_in_meizhou
} else := "part_time" if {
	_student_outcome == "failed"
} else := _student_outcome

# METADATA
# title: 本市行政区域内就读的非本市户籍全日制在校学生
# description: Full-time students without a Meizhou hukou at a school in Meizhou; HMT students count (R-HMT-STUDENT).
# custom:
#   clause: {"2025": 一}
#   reading: R-HMT-STUDENT
#   zh:
#     passed: 非本市户籍，在本市（%s）学校全日制就读。
#     school_elsewhere: 学校所在地 %s 不在本市。
#     part_time: 在本市（%s）就读，但非全日制。
#     not_applicable: 非本市户籍在校学生条件不适用（学校 %s）。
#   en:
#     passed: Not registered in Meizhou and a full-time student at a school in Meizhou (%s).
#     school_elsewhere: The school is in %s, outside Meizhou.
#     part_time: Studies in Meizhou (%s) but not full-time.
#     not_applicable: The non-Meizhou student category does not apply (school %s).
non_hukou_student := trail.entry_with(rego.metadata.chain(), _student_outcome, _student_variant, _school_args, {})

_preschool_outcome := "not_applicable" if {
	_r.student.level != "preschool"
} else := "not_applicable" if {
	not resident.is_student
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := "failed" if {
	not resident.studies_in_meizhou
} else := "passed"

# METADATA
# title: 本市行政区域内就读的非本市户籍学龄前儿童
# description: Preschool children without a Meizhou hukou who attend a kindergarten in Meizhou (R-PRESCHOOL).
# custom:
#   clause: {"2025": 一}
#   reading: R-PRESCHOOL
#   zh:
#     passed: 非本市户籍学龄前儿童，在本市（%s）幼儿园就读。
#     failed: 学龄前儿童的幼儿园所在地 %s 不在本市。
#     not_applicable: 非本市户籍学龄前儿童条件不适用（学校 %s）。
#   en:
#     passed: A preschool child not registered in Meizhou who attends a kindergarten in Meizhou (%s).
#     failed: The preschool child's kindergarten is in %s, outside Meizhou.
#     not_applicable: The non-Meizhou preschool-child category does not apply (school %s).
preschool_child := trail.entry(
	rego.metadata.chain(),
	_preschool_outcome,
	_school_args,
)

_residence := resident.field("residence_region")

_foreigner_outcome := "not_applicable" if {
	_r.id_type != "foreign_permanent_residence"
} else := "failed" if {
	not resident.lives_in_meizhou
} else := "failed" if {
	_r.employed
} else := "passed"

_foreigner_variant := "not_resident" if {
	_foreigner_outcome == "failed"
	not resident.lives_in_meizhou
} else := "employed" if {
	_foreigner_outcome == "failed"
} else := _foreigner_outcome

# METADATA
# title: 在本市居住，持有永久居留证的未就业外国人
# description: Foreigners with a 外国人永久居留身份证 who live in Meizhou and are not employed. Foreigners without permanent residence have no ID type here and are never eligible.
# custom:
#   clause: {"2025": 一}
#   zh:
#     passed: 持外国人永久居留身份证，居住在本市（%s），未就业。
#     not_resident: 持外国人永久居留身份证，但居住地 %s 不在本市。
#     employed: 持外国人永久居留身份证，居住在本市（%s），但已就业。
#     not_applicable: 未持外国人永久居留身份证（居住地 %s）；无永久居留的外国人不属参保对象。
#   en:
#     passed: Holds a foreign permanent residence ID, lives in Meizhou (%s) and is not employed.
#     not_resident: Holds a foreign permanent residence ID but lives in %s, outside Meizhou.
#     employed: Holds a foreign permanent residence ID and lives in Meizhou (%s) but is employed.
#     not_applicable: Holds no foreign permanent residence ID (residence %s); foreigners without permanent residence are not covered.
foreign_permanent_resident := trail.entry_with(
	rego.metadata.chain(),
	_foreigner_outcome,
	_foreigner_variant,
	{"zh": [regions.label(_residence, "zh")], "en": [regions.label(_residence, "en")]},
	{},
)
