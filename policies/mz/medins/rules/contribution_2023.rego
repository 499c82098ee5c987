# What 梅市医保〔2022〕4号 三(三) says beyond the lists the subsidy rules read
# from the year's table: 稳定脱贫人口 outside monitoring leave the 医疗救助
# subsidy, 优抚对象 are not among the fully funded, and 医疗救助 recipients
# who leave 职工医保 re-enter 居民医保 subsidised (接续衔接).
package mz.medins.rules.contribution

import data.mz.medins.lib.request
import data.mz.medins.rules.eligibility

_funded_variant := "funded_otherwise" if {
	fully_funded
} else := "failed"

_status_variant(identity) := "not_applicable" if {
	not identity in request.identities
} else := "not_applicable" if {
	not eligibility.eligible
} else := _funded_variant

_stable_variant := _status_variant("stable_poverty_exit")

# METADATA
# title: 稳定脱贫人口按标准退出医疗救助资助参保
# description: 未纳入农村低收入人口监测范围的稳定脱贫人口 no longer have their individual share paid by 医疗救助; the three monitored types (农村易返贫致贫人口) still do.
# custom:
#   short_name: stable_poverty_exit
#   last_year: 2023
#   zh:
#     failed: 属未纳入农村低收入人口监测范围的稳定脱贫人口，按标准退出，不再享受医疗救助资助参保，个人缴费 %v 元。
#     funded_otherwise: 稳定脱贫人口身份不再享受医疗救助资助参保；个人缴费由其他资助身份全额资助（应缴 %v 元）。
#     not_applicable: 无稳定脱贫人口身份，或不属参保对象。
#   en:
#     failed: Stably out of poverty and not monitored, so withdrawn from the medical-assistance subsidy; the individual share of %v yuan is due.
#     funded_otherwise: Being stably out of poverty no longer brings the medical-assistance subsidy; another status funds the share in full (%v yuan due).
#     not_applicable: Not stably out of poverty, or not covered.
outcome["stable_poverty_exit"] := {true: "not_applicable", false: "failed"}[_stable_variant == "not_applicable"]

explain["stable_poverty_exit"] := {"v": _stable_variant, "zh": [individual_due], "en": [individual_due]}

_entitled_variant := _status_variant("entitled_group")

# METADATA
# title: 优抚对象不在2023年度全额资助范围
# description: 三(三) names 重度残疾人员 and the 纯二女结扎 families for the county's full subsidy; 优抚对象, added by the 2025 notice, are not named, so the status alone pays nothing in 2023 (R-2023-ENTITLED).
# custom:
#   short_name: entitled_group_not_named
#   last_year: 2023
#   zh:
#     failed: 属优抚对象；2023年度通知未将优抚对象列入县级政府全额补助范围，个人缴费 %v 元。
#     funded_otherwise: 属优抚对象（2023年度不在全额补助范围）；个人缴费由其他资助身份全额资助（应缴 %v 元）。
#     not_applicable: 无优抚对象身份，或不属参保对象。
#   en:
#     failed: An entitled-group member (优抚对象); the 2023 notice does not name them for the county's full subsidy, so the individual share of %v yuan is due.
#     funded_otherwise: An entitled-group member (not named in 2023); another status funds the share in full (%v yuan due).
#     not_applicable: Not an entitled-group member, or not covered.
outcome["entitled_group_not_named"] := {true: "not_applicable", false: "failed"}[_entitled_variant == "not_applicable"]

explain["entitled_group_not_named"] := {"v": _entitled_variant, "zh": [individual_due], "en": [individual_due]}

# ---- 三(三) second paragraph: 接续衔接 after 职工医保 -------------------------

_assisted if count(request.identities & {i | some i in _p.medical_assistance.identities}) > 0

_left_employee_insurance := request.events.employee_insurance_ended

_reentry_outcome := "not_applicable" if {
	not _assisted
} else := "not_applicable" if {
	not _left_employee_insurance
} else := {true: "passed", false: "failed"}[outcome.medical_assistance == "passed"]

# METADATA
# title: 医疗救助对象中断职工医保后的资助参保接续
# description: A 医疗救助 recipient who had joined 职工医保 through work and stopped paying there re-enters 居民医保 with the individual share paid by 医疗救助; as a 困难群体 mid-year enrollee, benefits start on registration (四(二), R-REGISTRATION-DAY).
# custom:
#   short_name: employee_insurance_reentry
#   last_year: 2023
#   zh:
#     passed: "%s 中断职工医保的医疗救助对象，接续参加居民医保，个人缴费由医疗救助全额资助，应缴 %v 元。"
#     failed: "%s 中断职工医保，但医疗救助资助参保未能接续（不属参保对象或身份认定地不在本市），应缴 %v 元。"
#     not_applicable: 非中断职工医保的医疗救助对象，本条不适用。
#   en:
#     passed: "A medical-assistance recipient whose employee insurance ended on %s re-enters resident insurance with the share paid by medical assistance; %v yuan due."
#     failed: "Employee insurance ended on %s, but the subsidised re-entry does not apply (not covered, or the status was recognised outside Meizhou); %v yuan due."
#     not_applicable: Not a medical-assistance recipient leaving employee insurance.
outcome["employee_insurance_reentry"] := _reentry_outcome

explain["employee_insurance_reentry"] := {"zh": f, "en": f} if {
	f := [object.get(request.events, "employee_insurance_ended", ""), individual_due]
}
