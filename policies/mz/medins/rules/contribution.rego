# What a year costs and who pays the individual share: the standard (2025 二,
# 2023 一) and the full subsidy of the individual share by 医疗救助 or by the
# county government (2025 五(三), 2023 三(三)).

# METADATA
# scope: package
# custom:
#   explains: [contribution, payment]
package mz.medins.rules.contribution

import data.mz.medins.lib.names
import data.mz.medins.lib.regions
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.rules.eligibility

_p := request.params

# METADATA
# title: 筹资标准
# custom:
#   short_name: total
#   zh: 每人每年筹资标准；通知未规定时为空。
#   en: The per-person standard for the year; null where the notice states none.
total := object.get(_p.contribution, "total", null)

# METADATA
# title: 财政补助
# custom:
#   short_name: fiscal_subsidy
#   zh: 每人每年财政补助；通知未规定时为空。
#   en: The fiscal subsidy per person; null where the notice states none.
fiscal_subsidy := object.get(_p.contribution, "fiscal_subsidy", null)

# METADATA
# title: 个人缴费标准
# custom:
#   short_name: individual
#   zh: 每人每年个人缴费标准。
#   en: The individual share per person per year.
individual := _p.contribution.individual

# METADATA
# title: 筹资标准与个人缴费标准
# description: The year's contribution standard. 2025 states the total and the fiscal subsidy; 2023 states only the individual share.
# custom:
#   short_name: contribution_standard
#   zh:
#     with_total: 本年度筹资标准 %v 元，其中财政补助 %v 元，个人缴费标准每人每年 %v 元。
#     individual_only: 本年度个人缴费标准每人每年 %v 元（通知未规定筹资总额）。
#   en:
#     with_total: This year's standard is %v yuan, of which the fiscal subsidy is %v yuan and the individual share %v yuan a person a year.
#     individual_only: This year's individual share is %v yuan a person a year (the notice states no total).
outcome["contribution_standard"] := "passed"

explain["contribution_standard"] := {"v": "with_total", "zh": f, "en": f} if {
	total != null
	f := [total, fiscal_subsidy, individual]
} else := {"v": "individual_only", "zh": [individual], "en": [individual]}

# Identities recognised outside Meizhou are subsidised by that region's
# funds (the notices fund locally recognised lists); R-SUBSIDY-LOCAL.
default _recognised_locally := false

_recognised_locally if not request.resident.identity_region

_recognised_locally if regions.in_meizhou(request.resident.identity_region)

# METADATA
# title: 资助参保身份（医疗救助）
# custom:
#   short_name: medical_assistance_identities
#   zh: 居民所具有的、由医疗救助全额资助个人缴费的身份。
#   en: The resident's statuses whose individual share medical assistance pays in full.
medical_assistance_identities := request.identities & {i | some i in _p.medical_assistance.identities}

_assistance_variant := "not_applicable" if {
	count(medical_assistance_identities) == 0
} else := "not_applicable" if {
	not eligibility.eligible
} else := "failed" if {
	not _recognised_locally
} else := "passed"

_subsidy_fact := individual if _recognised_locally

_subsidy_fact := request.resident.identity_region if not _recognised_locally

# METADATA
# title: 医疗救助全额资助个人缴费
# description: 民政 lists (特困、孤儿、事实无人抚养儿童、低保、低保边缘) and the 农业农村 (2023 乡村振兴) list of 农村易返贫致贫人口 have their individual share paid in full by 医疗救助.
# custom:
#   short_name: medical_assistance
#   zh:
#     passed: 属%s，个人缴费 %v 元由医疗救助全额资助。
#     failed: 属%s，但身份认定地 %v 不在本市，本市医疗救助不资助。
#     not_applicable: 无医疗救助资助参保身份，或不属参保对象。
#   en:
#     passed: As %s, the individual share of %v yuan is paid in full by medical assistance.
#     failed: As %s, but the status was recognised in %v, outside Meizhou; Meizhou medical assistance does not pay.
#     not_applicable: No medical-assistance status, or not covered.
outcome["medical_assistance"] := _assistance_variant

explain["medical_assistance"] := {"zh": [n.zh, _subsidy_fact], "en": [n.en, _subsidy_fact]} if {
	n := names.list("identities", medical_assistance_identities)
}

# The girls of 纯二女结扎 families are in 「年龄在14周岁以内」: 以内 includes
# the number (民法典 第1259条), age in completed years on the payment date
# (R-GIRL-AGE).
_girl := "two_daughter_girl"

_has_girl if _girl in request.identities

_girl_age := resident.age_on(resident.payment_date) if _has_girl

default _girl_in_age := false

_girl_in_age if _girl_age <= _p.county_full_subsidy.girl_age_limit

_county_listed := {i | some i in _p.county_full_subsidy.identities}

# METADATA
# title: 县级政府全额补助身份
# custom:
#   short_name: county_subsidy_identities
#   zh: 居民所具有的、由县级政府全额补助个人缴费的身份（女孩限14周岁以内）。
#   en: The resident's statuses whose individual share the county pays in full (girls within the age limit).
county_subsidy_identities := (request.identities & _county_listed) - {_girl} if {
	not _girl_in_age
} else := request.identities & _county_listed

_girl_over_age if {
	_has_girl
	not _girl_in_age
}

_county_variant := "not_applicable" if {
	count(county_subsidy_identities) == 0
	not _girl_over_age
} else := "not_applicable" if {
	not eligibility.eligible
} else := "girl_over_age" if {
	count(county_subsidy_identities) == 0
} else := "elsewhere" if {
	not _recognised_locally
} else := "passed"

_county_outcomes := {"not_applicable": "not_applicable", "girl_over_age": "failed", "elsewhere": "failed", "passed": "passed"}

# METADATA
# title: 县级政府全额补助个人缴费
# description: 重度残疾人员, both parents of rural 纯生二女结扎 families and their girls aged 14 周岁以内, and (2025) 优抚对象 have the individual share paid in full by the county government.
# custom:
#   short_name: county_full_subsidy
#   zh:
#     passed: 属%s，个人缴费 %v 元由县级政府全额补助。
#     girl_over_age: 纯二女结扎家庭的女孩%s，缴费日已满 %v 周岁，超过14周岁以内的年龄范围。
#     elsewhere: 属%s，但身份认定地 %v 不在本市。
#     not_applicable: 无县级政府全额补助身份，或不属参保对象。
#   en:
#     passed: As %s, the individual share of %v yuan is paid in full by the county government.
#     girl_over_age: A girl of a two-daughter family%s, aged %v on the payment date, above the limit of 14.
#     elsewhere: As %s, but the status was recognised in %v, outside Meizhou.
#     not_applicable: No county full-subsidy status, or not covered.
outcome["county_full_subsidy"] := _county_outcomes[_county_variant]

# The girl_over_age message names no identity (she has no county one left).
# The entry rests on R-SUBSIDY-LOCAL where the status was recognised outside
# Meizhou, and on R-GIRL-AGE where a girl's age decided it.
explain["county_full_subsidy"] := {"v": "girl_over_age", "zh": f, "en": f, "r": {"reading": "R-GIRL-AGE"}} if {
	_county_variant == "girl_over_age"
	f := ["", _girl_age]
} else := {"v": "elsewhere", "zh": [n.zh, region], "en": [n.en, region], "r": {"reading": "R-SUBSIDY-LOCAL"}} if {
	_county_variant == "elsewhere"
	n := names.list("identities", county_subsidy_identities)
	region := request.resident.identity_region
} else := object.union(_county_named, {"r": {"reading": "R-GIRL-AGE"}}) if {
	_county_variant != "not_applicable"
	_has_girl
} else := _county_named

_county_named := {"v": _county_variant, "zh": [n.zh, individual], "en": [n.en, individual]} if {
	n := names.list("identities", county_subsidy_identities)
}

# Candidates are collected first and one source chosen by an explicit
# priority, so two identities under different funds never conflict.
_sources contains "medical_assistance" if outcome.medical_assistance == "passed"

_sources contains "county_government" if outcome.county_full_subsidy == "passed"

_priority := ["medical_assistance", "county_government"]

_chosen := [s | some s in _priority; s in _sources][0]

# METADATA
# title: 个人缴费的全额资助
# custom:
#   short_name: assistance
#   zh: 由医疗救助或县级政府全额资助的个人缴费，按优先次序只取一个来源。
#   en: The individual share paid in full by medical assistance or the county, one source by priority.
assistance := {"source": _chosen, "amount": individual} if count(_sources) > 0

assistance := null if count(_sources) == 0

default fully_funded := false

# METADATA
# title: 政府全额资助参保
# custom:
#   short_name: fully_funded
#   zh: 个人缴费由医疗救助或县级政府全额资助。
#   en: The individual share is paid in full by medical assistance or the county.
fully_funded if count(_sources) > 0

# METADATA
# title: 个人应缴
# custom:
#   short_name: individual_due
#   zh: 扣除全额资助后个人应缴的全年费用；不属参保对象时为空。
#   en: What the resident pays for the year after any full subsidy; null when not covered.
individual_due := individual - assistance.amount if {
	eligibility.eligible
	assistance != null
} else := individual if {
	eligibility.eligible
} else := null

# METADATA
# title: 同时符合医疗救助与县级政府全额资助时的资助来源
# description: A resident on both kinds of list (低保 and 重度残疾) is funded once, by 医疗救助 first (R-SUBSIDY-PRIORITY); 梅市医保函〔2024〕86号, which sets the procedure, is not in hand.
# custom:
#   short_name: assistance_priority
#   zh:
#     passed: 同时符合医疗救助与县级政府全额资助，由%v资助，不重复资助。
#     not_applicable: 只有一个或没有资助来源。
#   en:
#     passed: Qualifies for both medical assistance and the county subsidy; funded once, by %v.
#     not_applicable: One subsidy source or none.
outcome["assistance_priority"] := {true: "passed", false: "not_applicable"}[count(_sources) > 1]

explain["assistance_priority"] := {"zh": [n.zh], "en": [n.en]} if n := names.label("assistance_sources", _chosen_or_none)

_chosen_or_none := _chosen if count(_sources) > 0

_chosen_or_none := null if count(_sources) == 0
