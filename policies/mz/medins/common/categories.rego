# 参保对象 categories that both notices name in the same words
# (梅市医保〔2024〕3号 一; 梅市医保〔2022〕4号 一). Each rule is a trail entry;
# `passed` means the resident falls in the category, and the category code in
# the decision is the rule's name. Year-specific categories live in y<year>/.
package mz.medins.common.categories

import data.mz.medins.lib.regions
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.lib.trail

_r := request.resident

_hukou := resident.field("hukou_region")

# METADATA
# title: 本市户籍城乡居民
# description: Residents with a Meizhou household registration (职工医保 members are excluded by conditions.not_in_employee_insurance).
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh:
#     passed: 户籍地 %s 属本市，属本市户籍城乡居民。
#     failed: 户籍地 %s 不属本市，不属本市户籍城乡居民。
#   en:
#     passed: Household registration %s is in Meizhou, so the resident is a Meizhou-registered resident.
#     failed: Household registration %s is not in Meizhou.
hukou_resident := trail.entry(
	rego.metadata.chain(),
	trail.outcome(resident.hukou_in_meizhou),
	{"zh": [regions.label(_hukou, "zh")], "en": [regions.label(_hukou, "en")]},
)

_permit := resident.field("residence_permit_region")

# The 本市居住证 is the mainland residence permit of Chinese citizens living
# outside their hukou place; HMT residents and foreigners come in only
# through their own categories, with their 未就业 condition (R-PERMIT-MAINLAND).
_permit_outcome := "not_applicable" if {
	_permit == null
} else := "not_applicable" if {
	_r.id_type != "resident_id"
} else := "not_applicable" if {
	resident.hukou_in_meizhou
} else := "failed" if {
	not regions.in_meizhou(_permit)
} else := "failed" if {
	_r.resident_insurance_elsewhere
} else := "passed"

_permit_variant := "not_mainland" if {
	_permit != null
	_r.id_type != "resident_id"
} else := "elsewhere" if {
	_permit_outcome == "failed"
	not regions.in_meizhou(_permit)
} else := "insured_at_origin" if {
	_permit_outcome == "failed"
} else := _permit_outcome

# METADATA
# title: 持有本市居住证且未在原籍地参保的人员
# description: Holders of a Meizhou 居住证 not enrolled in 居民医保 at their place of origin (or, 2025, in 职工医保; that part is conditions.not_in_employee_insurance).
# custom:
#   clause: {"2025": 一, "2023": 一}
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
#     not_mainland: The Meizhou 居住证 is the mainland residence permit of residents without a Meizhou hukou; HMT residents and foreigners enroll through their own categories (permit issuer on record %s).
residence_permit_holder := trail.entry_with(
	rego.metadata.chain(),
	_permit_outcome,
	_permit_variant,
	{"zh": [regions.label(_permit, "zh")], "en": [regions.label(_permit, "en")]},
	_permit_reading,
)

_permit_reading := {"reading": "R-PERMIT-MAINLAND"} if _permit_variant == "not_mainland"

_permit_reading := {} if _permit_variant != "not_mainland"

_residence := resident.field("residence_region")

_hmt_outcome := "not_applicable" if {
	_r.id_type != "hmt_residence_permit"
} else := "failed" if {
	not resident.lives_in_meizhou
} else := "failed" if {
	_r.employed
} else := "passed"

_hmt_variant := "not_resident" if {
	_hmt_outcome == "failed"
	not resident.lives_in_meizhou
} else := "employed" if {
	_hmt_outcome == "failed"
} else := _hmt_outcome

# METADATA
# title: 在本市居住且办理港澳台居民居住证的未就业港澳台居民
# description: Hong Kong, Macao and Taiwan residents with a 港澳台居民居住证, living in Meizhou and not employed. The permit need not be Meizhou's (R-HMT-PERMIT).
# custom:
#   clause: {"2025": 一, "2023": 一}
#   reading: R-HMT-PERMIT
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
hmt_resident := trail.entry_with(
	rego.metadata.chain(),
	_hmt_outcome,
	_hmt_variant,
	{"zh": [regions.label(_residence, "zh")], "en": [regions.label(_residence, "en")]},
	{},
)
