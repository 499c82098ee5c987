# 参保对象 categories: who is covered by Meizhou 居民医保 (2025 一; 2023 一,
# and 2023 四(二)'s newborns living here). Each rule here is a trail entry
# whose outcome `passed` puts the resident in the category, and its id is the
# category's code in the decision. Which categories serve a policy year, under
# which section, is that year's table (policies/params/<year>/table/data.yaml,
# `rules:`); eligibility reads only those.

# METADATA
# scope: package
# custom:
#   explains: [eligible, categories]
package mz.medins.rules.categories

import data.mz.medins.lib.regions
import data.mz.medins.lib.request
import data.mz.medins.lib.resident

_r := request.resident

_hukou := object.get(_r, "hukou_region", null)

_permit := object.get(_r, "residence_permit_region", null)

_residence := object.get(_r, "residence_region", null)

_school := object.get(_r, ["student", "school_region"], null)

_level := object.get(_r, ["student", "level"], null)

# The facts of an entry that names one region: its label in each language.
_region_facts(code) := {"zh": [l.zh], "en": [l.en]} if l := regions.label(code)

# ---- 本市户籍城乡居民 (2025 一, 2023 一) ---------------------------------------

# METADATA
# title: 本市户籍城乡居民
# description: Residents with a Meizhou household registration (职工医保 members are excluded by the condition not_in_employee_insurance).
# custom:
#   short_name: hukou_resident
#   zh:
#     passed: 户籍地 %s 属本市，属本市户籍城乡居民。
#     failed: 户籍地 %s 不属本市，不属本市户籍城乡居民。
#   en:
#     passed: Household registration %s is in Meizhou, so the resident is a Meizhou-registered resident.
#     failed: Household registration %s is not in Meizhou.
outcome["hukou_resident"] := {true: "passed", false: "failed"}[resident.hukou_in_meizhou]

explain["hukou_resident"] := _region_facts(_hukou)

# ---- 持有本市居住证 (2025 一, 2023 一) ------------------------------------------

# The 本市居住证 is the mainland residence permit of Chinese citizens living
# outside their hukou place; HMT residents and foreigners come in only
# through their own categories, with their 未就业 condition (R-PERMIT-MAINLAND).
_permit_variant := "not_applicable" if {
	_permit == null
} else := "not_mainland" if {
	_r.id_type != "resident_id"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := "elsewhere" if {
	not regions.in_meizhou(_permit)
} else := "insured_at_origin" if {
	_r.resident_insurance_elsewhere
} else := "passed"

_permit_outcomes := {
	"not_applicable": "not_applicable",
	"not_mainland": "not_applicable",
	"elsewhere": "failed",
	"insured_at_origin": "failed",
	"passed": "passed",
}

# METADATA
# title: 持有本市居住证且未在原籍地参保的人员
# description: Holders of a Meizhou 居住证 not enrolled in 居民医保 at their place of origin (or, 2025, in 职工医保; that part is the condition not_in_employee_insurance).
# custom:
#   short_name: residence_permit_holder
#   zh:
#     passed: 持有本市居住证（%s），未在原籍地参加居民医保。
#     elsewhere: 居住证签发地 %s 不属本市。
#     insured_at_origin: 持有本市居住证（%s），但本年度已在原籍地或其他地区参加居民医保。
#     not_applicable: 未持有非本市户籍人员的本市居住证（%s）。
#     not_mainland: 本市居住证是无本市户籍的内地居民所持的居住证；港澳台居民、外国人按其本身的参保对象类别参保（记录中的居住证签发地 %s）。
#   en:
#     passed: Holds a Meizhou residence permit (%s) and is not enrolled in resident insurance at the place of origin.
#     elsewhere: The residence permit was issued by %s, outside Meizhou.
#     insured_at_origin: Holds a Meizhou residence permit (%s) but is already enrolled in resident insurance at origin or elsewhere for this year.
#     not_applicable: No Meizhou residence permit held by a non-Meizhou-registered person (%s).
#     not_mainland: The Meizhou 居住证 is the mainland residence permit of residents without a Meizhou household registration; HMT residents and foreigners enroll through their own categories (permit issuer on record %s).
outcome["residence_permit_holder"] := _permit_outcomes[_permit_variant]

explain["residence_permit_holder"] := object.union(_region_facts(_permit), {"v": _permit_variant, "r": {"reading": "R-PERMIT-MAINLAND"}}) if {
	_permit_variant == "not_mainland"
} else := object.union(_region_facts(_permit), {"v": _permit_variant})

# ---- 未就业港澳台居民 (2025 一, 2023 一) ----------------------------------------

_hmt_variant := "not_applicable" if {
	_r.id_type != "hmt_residence_permit"
} else := "not_resident" if {
	not resident.lives_in_meizhou
} else := "employed" if {
	_r.employed
} else := "passed"

_lives_and_works := {"not_applicable": "not_applicable", "not_resident": "failed", "employed": "failed", "passed": "passed"}

# METADATA
# title: 在本市居住且办理港澳台居民居住证的未就业港澳台居民
# description: Hong Kong, Macao and Taiwan residents with a 港澳台居民居住证, living in Meizhou and not employed. The permit need not be Meizhou's (R-HMT-PERMIT).
# custom:
#   short_name: hmt_resident
#   zh:
#     passed: 持港澳台居民居住证，居住在本市（%s），未就业。
#     not_resident: 持港澳台居民居住证，但居住地 %s 不在本市。
#     employed: 持港澳台居民居住证，居住在本市（%s），但已就业。
#     not_applicable: 未持港澳台居民居住证（居住地 %s）。
#   en:
#     passed: Holds an HMT residence permit, lives in Meizhou (%s) and is not employed.
#     not_resident: Holds an HMT residence permit but lives in %s, outside Meizhou.
#     employed: Holds an HMT residence permit and lives in Meizhou (%s) but is employed.
#     not_applicable: Holds no HMT residence permit (residence %s).
outcome["hmt_resident"] := _lives_and_works[_hmt_variant]

explain["hmt_resident"] := object.union(_region_facts(_residence), {"v": _hmt_variant})

# ---- 2025 一: 非本市户籍全日制在校学生、学龄前儿童; 持永久居留证的未就业外国人 ----

_student_variant := "not_applicable" if {
	not resident.is_student
} else := "not_applicable" if {
	_level == "preschool"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := "school_elsewhere" if {
	not resident.studies_in_meizhou
} else := "part_time" if {
	not _r.student.full_time
} else := "passed"

_study_outcomes := {"not_applicable": "not_applicable", "school_elsewhere": "failed", "part_time": "failed", "passed": "passed"}

# METADATA
# title: 本市行政区域内就读的非本市户籍全日制在校学生
# description: Full-time students without a Meizhou hukou at a school in Meizhou; HMT students count (R-HMT-STUDENT).
# custom:
#   short_name: non_hukou_student
#   first_year: 2025
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
outcome["non_hukou_student"] := _study_outcomes[_student_variant]

explain["non_hukou_student"] := object.union(_region_facts(_school), {"v": _student_variant})

_preschool_outcome := "not_applicable" if {
	_level != "preschool"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := {true: "passed", false: "failed"}[resident.studies_in_meizhou]

# METADATA
# title: 本市行政区域内就读的非本市户籍学龄前儿童
# description: Preschool children without a Meizhou hukou who attend a kindergarten in Meizhou (R-PRESCHOOL).
# custom:
#   short_name: preschool_child
#   first_year: 2025
#   zh:
#     passed: 非本市户籍学龄前儿童，在本市（%s）幼儿园就读。
#     failed: 学龄前儿童的幼儿园所在地 %s 不在本市。
#     not_applicable: 非本市户籍学龄前儿童条件不适用（学校 %s）。
#   en:
#     passed: A preschool child not registered in Meizhou who attends a kindergarten in Meizhou (%s).
#     failed: The preschool child's kindergarten is in %s, outside Meizhou.
#     not_applicable: The non-Meizhou preschool-child category does not apply (school %s).
outcome["preschool_child"] := _preschool_outcome

explain["preschool_child"] := _region_facts(_school)

_foreigner_variant := "not_applicable" if {
	_r.id_type != "foreign_permanent_residence"
} else := "not_resident" if {
	not resident.lives_in_meizhou
} else := "employed" if {
	_r.employed
} else := "passed"

# METADATA
# title: 在本市居住，持有永久居留证的未就业外国人
# description: Foreigners with a 外国人永久居留身份证 who live in Meizhou and are not employed. Foreigners without permanent residence have no ID type here and are never eligible.
# custom:
#   short_name: foreign_permanent_resident
#   first_year: 2025
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
outcome["foreign_permanent_resident"] := _lives_and_works[_foreigner_variant]

explain["foreign_permanent_resident"] := object.union(_region_facts(_residence), {"v": _foreigner_variant})

# ---- 2023 一: 大学和中职技校的非本市户籍学生、异地务工人员子女、港澳台学生 -----

_hmt_id_types := {"hmt_residence_permit", "hmt_travel_permit"}

# 「在本市就读」 / 「在校」: full-time study, or a kindergarten, at a school in
# Meizhou (R-2023-FULLTIME).
_study_variant := "school_elsewhere" if {
	not resident.studies_in_meizhou
} else := "part_time" if {
	not resident.enrolled_at_meizhou_school
} else := "passed"

_university_variant := "not_applicable" if {
	not _level in {"higher_education", "vocational"}
} else := "not_applicable" if {
	_r.id_type != "resident_id"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := _study_variant

# METADATA
# title: 本市各类全日制大学和中职技校的非本市户籍学生
# description: Students with a hukou outside Meizhou at a Meizhou university or 中职技校; 全日制 is read as qualifying both (R-2023-FULLTIME). HMT students are hmt_student; foreigners are not named in 2023.
# custom:
#   short_name: non_hukou_university_or_vocational_student
#   last_year: 2023
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
outcome["non_hukou_university_or_vocational_student"] := _study_outcomes[_university_variant]

explain["non_hukou_university_or_vocational_student"] := object.union(_region_facts(_school), {"v": _university_variant})

_migrant_variant := "not_applicable" if {
	not _r.student.migrant_worker_child
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := _study_variant

# METADATA
# title: 在本市就读的异地务工人员子女
# description: Children of migrant workers, with a hukou outside Meizhou, studying at a Meizhou school or kindergarten, enroll where the school is. 「符合条件的」 is read as exactly that, plus the conditions every enrollee meets (R-2023-MIGRANT-CHILD).
# custom:
#   short_name: migrant_worker_child
#   last_year: 2023
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
outcome["migrant_worker_child"] := _study_outcomes[_migrant_variant]

explain["migrant_worker_child"] := object.union(_region_facts(_school), {"v": _migrant_variant})

_hmt_student_variant := "not_applicable" if {
	not _r.id_type in _hmt_id_types
} else := "not_applicable" if {
	not resident.is_student
} else := "preschool" if {
	_level == "preschool"
} else := _study_variant

_hmt_student_outcomes := object.union(_study_outcomes, {"preschool": "failed"})

# METADATA
# title: 在本市就读的港澳台大中小学生
# description: Hong Kong, Macao and Taiwan pupils and students (大中小学生, kindergartens not included) studying full-time at a Meizhou school, whatever their permit (R-2023-FULLTIME).
# custom:
#   short_name: hmt_student
#   last_year: 2023
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
outcome["hmt_student"] := _hmt_student_outcomes[_hmt_student_variant]

explain["hmt_student"] := object.union(_region_facts(_school), {"v": _hmt_student_variant})

# ---- 2023 四(二): newborns at the place they live ------------------------------

_newborn_until := resident.newborn_until

default _newborn_on_day := false

_newborn_on_day if resident.payment_date <= _newborn_until

_newborn_outcome := "not_applicable" if {
	_r.id_type != "resident_id"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := "not_applicable" if {
	not _newborn_on_day
} else := {true: "passed", false: "failed"}[resident.lives_in_meizhou]

# METADATA
# title: 新生儿在居住地参保
# description: A newborn may enroll within 6 months of birth where the hukou is or where it lives; a newborn living in Meizhou with a hukou elsewhere enrolls here (R-NEWBORN-MONTHS).
# custom:
#   short_name: newborn_at_residence
#   last_year: 2023
#   zh:
#     passed: 出生于 %s 的新生儿，%s 在出生6个月内（至 %s），居住在本市（%s），可在居住地参保。
#     failed: 出生于 %s 的新生儿，%s 在出生6个月内（至 %s），但户籍与居住地（%s）均不在本市。
#     not_applicable: 非本市户籍且在出生6个月内的新生儿条件不适用（出生 %[1]s）。
#   en:
#     passed: A newborn born on %s, within 6 months of birth on %s (until %s), living in Meizhou (%s); may enroll where it lives.
#     failed: A newborn born on %s, within 6 months of birth on %s (until %s), but neither the hukou nor the residence (%s) is in Meizhou.
#     not_applicable: The category of newborns registered elsewhere within 6 months of birth does not apply (born %[1]s).
outcome["newborn_at_residence"] := _newborn_outcome

explain["newborn_at_residence"] := {
	"zh": [request.birth_date, resident.payment_date, _newborn_until, l.zh],
	"en": [request.birth_date, resident.payment_date, _newborn_until, l.en],
} if l := regions.label(_residence)

# ---- 2023 一 names no foreigners --------------------------------------------------

# METADATA
# title: 外国人不属2023年度参保对象
# description: 2023 一 names no foreigners (2025 adds those with permanent residence); a foreigner has no category in 2023.
# custom:
#   short_name: foreigners_not_named
#   last_year: 2023
#   zh:
#     failed: 持外国人永久居留身份证；2023年度通知的参保范围未包括外国人。
#     not_applicable: 非外国人。
#   en:
#     failed: Holds a foreign permanent residence ID; the 2023 notice does not name foreigners among those covered.
#     not_applicable: Not a foreigner.
outcome["foreigners_not_named"] := {true: "failed", false: "not_applicable"}[_r.id_type == "foreign_permanent_residence"]

explain["foreigners_not_named"] := {"zh": [], "en": []}
