# Payment channels open to the resident (2025 五(一)/(二), 2023 三(一)).
# The channel list is the year's parameter; a channel with `requires` is
# open only to residents with that fact.
package mz.medins.common.channels

import data.mz.medins.common.contribution
import data.mz.medins.common.eligibility
import data.mz.medins.common.enrollment
import data.mz.medins.lib.names
import data.mz.medins.lib.request
import data.mz.medins.lib.trail

_p := request.params

_r := request.resident

_has("relative_employee_account") if _r.relative_employee_account

_has("rural") if _r.rural

# 五(二): 大专院校、技工学校 enroll and collect as a school where the school is,
# so the school collects only from students who enroll there (a part-time
# student who enrolls through her hukou pays as any resident does).
_has("school_organised") if {
	_r.student.level in _p.channels.school_organised_levels
	enrollment.place.via == "school"
}

_open(channel) if not channel.requires

_open(channel) if _has(channel.requires)

# The fully subsidised pay nothing through any channel (「除享受政府全额资助
# 参保的特殊人群外」); the ineligible have nothing to pay.
# METADATA
# title: 可用缴费渠道
# custom:
#   clause: {"2025": 五(一), "2023": 三(一)}
#   zh: 居民可用的缴费渠道代码；全额资助或不属参保对象时为空。
#   en: "Channel codes open to the resident; empty for the fully subsidised and the not covered."
channels := [] if {
	not eligibility.eligible
} else := [] if {
	contribution.fully_funded
} else := [c.code | some c in _p.channels.list; _open(c)]

_variant := "ineligible" if {
	not eligibility.eligible
} else := "fully_funded" if {
	contribution.fully_funded
} else := "passed"

# METADATA
# title: 参保缴费方式
# description: Online and offline channels for everyone who pays; the fully subsidised use none. 2025 adds a close relative's 职工医保个人账户 and school-organised payment for 大专院校、技工学校; 2023 adds 乡村金融服务站 for rural residents.
# custom:
#   clause: {"2025": 五(一), "2023": 三(一)}
#   zh:
#     passed: "可用缴费渠道：%v。"
#     fully_funded: 享受政府全额资助参保，个人无需缴费，不适用缴费渠道。
#     ineligible: 不属参保对象，无缴费渠道。
#   en:
#     passed: "Payment channels open: %v."
#     fully_funded: Fully subsidised by government; nothing to pay, so no payment channel.
#     ineligible: Not covered; no payment channel.
payment_channels := trail.entry_with(
	rego.metadata.chain(),
	_outcome,
	_variant,
	{"zh": [names.ordered("channels", channels, "zh")], "en": [names.ordered("channels", channels, "en")]},
	{},
)

_outcome := "passed" if _variant == "passed"

_outcome := "not_applicable" if _variant != "passed"
