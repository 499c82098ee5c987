# When and how much the resident may pay: the collection window (2025 三,
# 2023 二), 补缴 after it (2025 六(一)), 中途参保 for the groups that may
# enroll during the year (2023 四(二); 2025 六(二) by R-MIDYEAR-GROUPS), and
# 一次性足额 payment (2025 二, 2023 一). Everything is a function of a date so
# the same rules answer for as_of and for the record's payment date.
package mz.medins.common.payment

import data.mz.medins.common.contribution
import data.mz.medins.common.eligibility
import data.mz.medins.lib.dates
import data.mz.medins.lib.names
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.lib.trail

_p := request.params

_r := request.resident

# METADATA
# title: 集中缴费期
# custom:
#   clause: {"2025": 三, "2023": 二}
#   zh: 本年度集中缴费期的起止日期。
#   en: "The start and end of the year's collection window."
window := {"start": _p.window.start, "end": _p.window.end}

_tiers := object.get(_p, ["late_payment", "tiers"], [])

_mid_year := _p.mid_year_enrollment

_late_tier(date) := tier if {
	some tier in _tiers
	dates.within(date, tier.from, tier.until)
}

# The 中途参保 groups the resident belongs to on a date.
# METADATA
# title: 某日所属的中途参保人员类别
# custom:
#   clause: {"2025": 六(二), "2023": 四(二)}
#   zh: 居民在某日所属的可中途参保的人员类别。
#   en: "The mid-year enrollment groups the resident belongs to on a date."
mid_year_groups(date) := (_fully_funded_group | _newborn_group(date)) | _trigger_groups(date)

_fully_funded_group := {"fully_funded" | contribution.fully_funded}

# 「出生6个月内」: through the day six calendar months after birth, 以内
# including the number (R-NEWBORN-MONTHS).
_newborn_group(date) := {"newborn" | date <= dates.add_months(request.birth_date, _mid_year.newborn_months)}

# A life event counts from the day the window opens (R-MIDYEAR-TRIGGER): one
# that happened earlier left the whole window to enroll in.
_trigger_groups(date) := {trigger |
	some trigger in _mid_year.triggers
	happened := request.events[trigger]
	dates.within(happened, window.start, date)
}

# METADATA
# title: 某日的缴费状态
# custom:
#   clause: {"2025": 三, "2023": 二}
#   zh: 某日能否缴费：未开始、缴费期内、补缴、中途参保或已截止。
#   en: "Whether the resident may pay on a date: not open, open, late, mid-year or closed."
status_on(date) := "not_applicable" if {
	not eligibility.eligible
} else := "not_open" if {
	dates.valid(date)
	date < window.start
} else := "open" if {
	date <= window.end
} else := "mid_year" if {
	date <= _mid_year.until
	count(mid_year_groups(date)) > 0
} else := "late" if {
	_late_tier(date)
} else := "closed"

# METADATA
# title: 某日可缴金额
# custom:
#   clause: {"2025": 六(一), "2023": 一}
#   zh: 某日可一次性足额缴纳的金额；不能缴费时为空。
#   en: "The full amount the resident may pay on a date; null when no payment is possible."
amount_due_on(date) := contribution.individual_due if {
	status_on(date) in {"open", "mid_year"}
} else := contribution.individual_due if {
	status_on(date) == "late"
	_late_tier(date).basis == "individual"
} else := contribution.total if {
	status_on(date) == "late"
	_late_tier(date).basis == "total"
} else := null

# METADATA
# title: 判断日期的缴费状态
# custom:
#   clause: {"2025": 三, "2023": 二}
#   zh: 判断日期（as_of）的缴费状态。
#   en: "The payment status on as_of."
status := status_on(request.as_of)

# METADATA
# title: 判断日期可缴金额
# custom:
#   clause: {"2025": 六(一), "2023": 一}
#   zh: 判断日期（as_of）可缴金额。
#   en: "The amount the resident may pay on as_of."
amount_due := amount_due_on(request.as_of)

_paid := _r.payment

# 一次性足额: the whole amount due on the payment date, no part, and not more
# (R-EXACT-AMOUNT).
# METADATA
# title: 记录中的缴费是否确认
# custom:
#   clause: {"2025": 二, "2023": 一}
#   zh: 记录中的缴费是否在允许缴费之日一次性足额缴纳；无缴费时为空。
#   en: "Whether the record's payment was made on a permitted day, in full and at once; null without a payment."
accepted := null if {
	not resident.has_payment
} else := false if {
	not status_on(_paid.date) in {"open", "late", "mid_year"}
} else := _paid.amount == amount_due_on(_paid.date)

default _as_of_in_window := false

_as_of_in_window if dates.within(request.as_of, window.start, window.end)

# METADATA
# title: 集中缴费期
# custom:
#   clause: {"2025": 三, "2023": 二}
#   zh:
#     passed: 集中缴费期 %s 至 %s，%s 在缴费期内。
#     failed: 集中缴费期 %s 至 %s，%s 不在缴费期内。
#   en:
#     passed: The collection window runs from %s to %s; %s is inside it.
#     failed: The collection window runs from %s to %s; %s is outside it.
collection_window := trail.entry(
	rego.metadata.chain(),
	trail.outcome(_as_of_in_window),
	[window.start, window.end, request.as_of],
)

_late_outcome := "not_applicable" if {
	not status in {"late", "closed"}
} else := "passed" if {
	status == "late"
} else := "failed"

_late_args := [request.as_of, _late_tier(request.as_of).until, amount_due] if status == "late"

_late_args := [request.as_of, _tiers[count(_tiers) - 1].until, null] if status != "late"

_late_variant := "tier_total" if {
	status == "late"
	_late_tier(request.as_of).basis == "total"
} else := _late_outcome

# METADATA
# title: 集中缴费期后补缴
# description: After the window, 补缴 at the individual standard until 06-30 and at the full standard (individual + fiscal subsidy) from 07-01 to 09-30; nothing after.
# custom:
#   clause: {"2025": 六(一)}
#   zh:
#     passed: "%s 在补缴期内（至 %s），按当年度个人缴费标准 %v 元补缴。"
#     tier_total: "%s 在补缴期内（至 %s），按当年度居民医保全额筹资标准 %v 元（个人缴费+财政补助）补缴。"
#     failed: "%[1]s 已过补缴截止日 %[2]s，不能补缴。"
#     not_applicable: "%[1]s 不需按补缴规定办理（在集中缴费期内、尚未开始或可中途参保）。"
#   en:
#     passed: "%s is in the late-payment period (until %s); pay the individual standard of %v yuan."
#     tier_total: "%s is in the late-payment period (until %s); pay the full standard of %v yuan (individual share plus fiscal subsidy)."
#     failed: "%[1]s is after the last late-payment day %[2]s; late payment is no longer possible."
#     not_applicable: "%[1]s falls under no late-payment rule (inside the window, before it, or mid-year enrollment applies)."
late_payment := trail.entry_with(
	rego.metadata.chain(),
	_late_outcome,
	_late_variant,
	_late_args,
	{},
)

_groups_now := mid_year_groups(resident.payment_date)

# METADATA
# title: 中途参保人员类别名称
# custom:
#   clause: {"2025": 六(二), "2023": 四(二)}
#   zh: 中途参保人员类别的中文或英文名称。
#   en: "Display names of mid-year enrollment groups."
group_label(groups, lang) := names.list("mid_year_groups", groups, lang)

_mid_year_outcome := "not_applicable" if {
	not eligibility.eligible
} else := "not_applicable" if {
	resident.payment_date <= window.end
} else := "not_applicable" if {
	count(_groups_now) == 0
} else := "passed" if {
	resident.payment_date <= _mid_year.until
} else := "failed"

# METADATA
# title: 中途参保
# description: Groups that may enroll during the year, after the window. 2023 四(二) lists them; 2025 六(二) names 新生儿、政府全额资助 「等」 and the same provincial list is read into it (R-MIDYEAR-GROUPS).
# custom:
#   clause: {"2025": 六(二), "2023": 四(二)}
#   reading: {"2025": R-MIDYEAR-GROUPS}
#   zh:
#     passed: "属中途参保人员（%s），%s 可在当年度内（至 %s）参保缴费。"
#     failed: "属中途参保人员（%s），但 %s 已过当年度（至 %s）。"
#     not_applicable: "中途参保规定不适用（%s；日期 %s，年度截至 %s）。"
#   en:
#     passed: "May enroll mid-year (%s): on %s, within the year (until %s)."
#     failed: "A mid-year group (%s), but %s is after the year's end (%s)."
#     not_applicable: "Mid-year enrollment does not apply (%s; date %s, year ends %s)."
mid_year_enrollment := trail.entry(
	rego.metadata.chain(),
	_mid_year_outcome,
	{
		"zh": [group_label(_groups_now, "zh"), resident.payment_date, _mid_year.until],
		"en": [group_label(_groups_now, "en"), resident.payment_date, _mid_year.until],
	},
)

_full_payment_outcome := "not_applicable" if {
	accepted == null
} else := trail.outcome(accepted)

_full_payment_variant := "not_applicable" if {
	accepted == null
} else := "ineligible" if {
	not eligibility.eligible
} else := "passed" if {
	accepted
} else := "date_closed" if {
	not status_on(_paid.date) in {"open", "late", "mid_year"}
} else := "wrong_amount"

_full_payment_args := {lang: [_paid.date, _paid.amount, amount_due_on(_paid.date), names.label("payment_statuses", status_on(_paid.date), lang)] |
	some lang in ["zh", "en"]
} if resident.has_payment

_full_payment_args := [] if not resident.has_payment

# METADATA
# title: 一次性足额缴纳全年居民医保费
# description: The year's contribution is paid once, in full; a part payment (or any other amount than the one due that day) is not the year's contribution (R-EXACT-AMOUNT).
# custom:
#   clause: {"2025": 二, "2023": 一}
#   reading: R-EXACT-AMOUNT
#   zh:
#     passed: "%s 缴费 %v 元，等于当日应缴 %v 元，一次性足额缴纳（%s）。"
#     wrong_amount: "%s 缴费 %v 元，当日应一次性足额缴纳 %v 元，不予确认（%s）。"
#     date_closed: "%[1]s 缴费 %[2]v 元，但该日%[4]s，不能缴费，不予确认。"
#     ineligible: "%[1]s 缴费 %[2]v 元，但居民现不属本年度参保对象，该缴费不确认为本年度缴费（能否退费见退费规定）。"
#     not_applicable: 记录中没有缴费。
#   en:
#     passed: "Paid %[2]v yuan on %[1]s, the full %[3]v yuan due that day, in one payment (%[4]s)."
#     wrong_amount: "Paid %[2]v yuan on %[1]s, but the full %[3]v yuan due that day must be paid at once; not accepted (%[4]s)."
#     date_closed: "Paid %[2]v yuan on %[1]s, a day on which no payment is possible (%[4]s); not accepted."
#     ineligible: "Paid %[2]v yuan on %[1]s, but the resident is not covered for this year now, so the payment is not accepted as the year's contribution (see the refund rule)."
#     not_applicable: The record has no payment.
one_time_full_payment := trail.entry_with(
	rego.metadata.chain(),
	_full_payment_outcome,
	_full_payment_variant,
	_full_payment_args,
	{},
)
