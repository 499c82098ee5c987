# Payment channels open to the resident (2025 五(一)/(二), 2023 三(一)). The
# channel list is the year's parameter; a channel with `requires` is open only
# to residents with that fact.

# METADATA
# scope: package
# custom:
#   explains: [channels]
package mz.medins.rules.channels

import data.mz.medins.lib.names
import data.mz.medins.lib.request
import data.mz.medins.rules.contribution
import data.mz.medins.rules.eligibility
import data.mz.medins.rules.enrollment

_p := request.params

_r := request.resident

# 五(二): 大专院校、技工学校 enroll and collect as a school where the school is,
# so the school collects only from students who enroll there (a part-time
# student who enrolls through her hukou pays as any resident does).
default _school_organised := false

_school_organised if {
	_r.student.level in _p.channels.school_organised_levels
	enrollment.place.via == "school"
}

# What a channel may require of the resident (its `requires`), and "" for
# the channels open to everyone who pays.
_held := {fact |
	some fact, held in {
		"relative_employee_account": _r.relative_employee_account,
		"rural": _r.rural,
		"school_organised": _school_organised,
	}
	held
} | {""}

_variant := "ineligible" if {
	not eligibility.eligible
} else := "fully_funded" if {
	contribution.fully_funded
} else := "passed"

# The fully subsidised pay nothing through any channel (「除享受政府全额资助
# 参保的特殊人群外」); the ineligible have nothing to pay.
# METADATA
# title: 可用缴费渠道
# custom:
#   short_name: channels
#   zh: 居民可用的缴费渠道代码；全额资助或不属参保对象时为空。
#   en: Channel codes open to the resident; empty for the fully subsidised and the not covered.
channels := [c.code | some c in _p.channels.list; object.get(c, "requires", "") in _held] if {
	_variant == "passed"
} else := []

# METADATA
# title: 参保缴费方式
# description: Online and offline channels for everyone who pays; the fully subsidised use none. 2025 adds a close relative's 职工医保个人账户 and school-organised payment for 大专院校、技工学校; 2023 adds 乡村金融服务站 for rural residents.
# custom:
#   short_name: payment_channels
#   zh:
#     passed: "可用缴费渠道：%v。"
#     fully_funded: 享受政府全额资助参保，个人无需缴费，不适用缴费渠道。
#     ineligible: 不属参保对象，无缴费渠道。
#   en:
#     passed: "Payment channels open: %v."
#     fully_funded: Fully subsidised by government; nothing to pay, so no payment channel.
#     ineligible: Not covered; no payment channel.
outcome["payment_channels"] := {true: "passed", false: "not_applicable"}[_variant == "passed"]

explain["payment_channels"] := {"v": _variant, "zh": [n.zh], "en": [n.en]} if n := names.ordered("channels", channels)
