# When and how much the resident may pay: the collection window (2025 三,
# 2023 二), 补缴 after it (2025 六(一)), 中途参保 for the groups that may
# enroll during the year (2023 四(二); 2025 六(二) by R-MIDYEAR-GROUPS), and
# 一次性足额 payment (2025 二, 2023 一). The same rules answer for as_of and
# for the record's payment day.

# METADATA
# scope: package
# custom:
#   explains: [payment, benefit]
package mz.medins.rules.payment

import data.mz.medins.lib.dates
import data.mz.medins.lib.names
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.rules.contribution
import data.mz.medins.rules.eligibility

_p := request.params

_r := request.resident

# METADATA
# title: 集中缴费期
# custom:
#   short_name: window
#   zh: 本年度集中缴费期的起止日期。
#   en: The start and end of the year's collection window.
window := {"start": _p.window.start, "end": _p.window.end}

_tiers := object.get(_p, ["late_payment", "tiers"], [])

_mid_year := _p.mid_year_enrollment

# The 补缴 tier a date falls in, if any.
_late_tier(date) := tier if {
	some tier in _tiers
	tier.from <= date
	date <= tier.until
}

_fully_funded_group := {"fully_funded" | contribution.fully_funded}

# The 中途参保 groups the resident belongs to on a date: the fully funded,
# a newborn within 6 months (resident.newborn_until), and whoever had a
# group's life event on or after the day the window opened
# (R-MIDYEAR-TRIGGER: one that happened earlier left the whole window to
# enroll in).
_groups_on(date) := (_fully_funded_group | {"newborn" | date <= resident.newborn_until}) | {trigger |
	some trigger in _mid_year.triggers
	happened := request.events[trigger]
	window.start <= happened
	happened <= date
}

# METADATA
# title: 某日的缴费状态
# description: The one status function every payment answer rests on, for any date of the year (the next-steps timeline asks it for the dates ahead).
# custom:
#   short_name: status_on
#   zh: 任一日期能否缴费：未开始、缴费期内、补缴、中途参保或已截止。
#   en: Whether the resident may pay on a given date - not open, open, late, mid-year or closed.
status_on(date) := "not_applicable" if {
	not eligibility.eligible
} else := "not_open" if {
	dates.valid(date)
	date < window.start
} else := "open" if {
	date <= window.end
} else := "mid_year" if {
	date <= _mid_year.until
	count(_groups_on(date)) > 0
} else := "late" if {
	some tier in _tiers
	tier.from <= date
	date <= tier.until
} else := "closed"

# METADATA
# title: 某日可缴金额
# custom:
#   short_name: amount_due_on
#   zh: 任一日期在该日缴费状态下可一次性足额缴纳的金额；不能缴费时为空。
#   en: The full amount the resident may pay on a given date in that day's status; null when no payment is possible.
amount_due_on(date, status) := contribution.individual_due if {
	status in {"open", "mid_year"}
} else := contribution.individual_due if {
	status == "late"
	_late_tier(date).basis == "individual"
} else := contribution.total if {
	status == "late"
	_late_tier(date).basis == "total"
} else := null

# METADATA
# title: 判断日期的缴费状态
# custom:
#   short_name: status
#   zh: 判断日期（as_of）能否缴费：未开始、缴费期内、补缴、中途参保或已截止。
#   en: Whether the resident may pay on as_of - not open, open, late, mid-year or closed.
status := status_on(request.as_of)

# METADATA
# title: 判断日期可缴金额
# custom:
#   short_name: amount_due
#   zh: 判断日期（as_of）可一次性足额缴纳的金额；不能缴费时为空。
#   en: The full amount the resident may pay on as_of; null when no payment is possible.
amount_due := amount_due_on(request.as_of, status)

# METADATA
# title: 缴费日的缴费状态
# description: The status on the payment day (the record's payment date, else as_of), which the benefit dates and the refund rest on.
# custom:
#   short_name: payment_day_status
#   zh: 缴费日（记录中的缴费日期，无缴费时为判断日期）的缴费状态。
#   en: The payment status on the payment day (the record's payment date, else as_of).
payment_day_status := status_on(resident.payment_date) if {
	resident.has_payment
} else := status

_payment_day_amount_due := amount_due_on(resident.payment_date, payment_day_status) if {
	resident.has_payment
} else := amount_due

# METADATA
# title: 缴费日所属的中途参保人员类别
# custom:
#   short_name: mid_year_groups
#   zh: 居民在缴费日所属的可中途参保的人员类别。
#   en: The mid-year enrollment groups the resident belongs to on the payment day.
mid_year_groups := _groups_on(resident.payment_date)

_paid := _r.payment

# 一次性足额: the whole amount due on the payment date, no part, and not more
# (R-EXACT-AMOUNT).
# METADATA
# title: 记录中的缴费是否确认
# custom:
#   short_name: accepted
#   zh: 记录中的缴费是否在允许缴费之日一次性足额缴纳；无缴费时为空。
#   en: Whether the record's payment was made on a permitted day, in full and at once; null without a payment.
accepted := null if {
	not resident.has_payment
} else := false if {
	not payment_day_status in {"open", "late", "mid_year"}
} else := _paid.amount == _payment_day_amount_due

default _as_of_in_window := false

_as_of_in_window if {
	window.start <= request.as_of
	request.as_of <= window.end
}

# METADATA
# title: 集中缴费期
# custom:
#   short_name: collection_window
#   zh:
#     passed: 集中缴费期 %s 至 %s，%s 在缴费期内。
#     failed: 集中缴费期 %s 至 %s，%s 不在缴费期内。
#   en:
#     passed: The collection window runs from %s to %s; %s is inside it.
#     failed: The collection window runs from %s to %s; %s is outside it.
outcome["collection_window"] := {true: "passed", false: "failed"}[_as_of_in_window]

explain["collection_window"] := {"zh": f, "en": f} if f := [window.start, window.end, request.as_of]

_late_variant := "not_applicable" if {
	not status in {"late", "closed"}
} else := "failed" if {
	status == "closed"
} else := "tier_total" if {
	_late_tier(request.as_of).basis == "total"
} else := "passed"

# METADATA
# title: 集中缴费期后补缴
# description: After the window, 补缴 at the individual standard until 06-30 and at the full standard (individual + fiscal subsidy) from 07-01 to 09-30; nothing after.
# custom:
#   short_name: late_payment
#   first_year: 2025
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
outcome["late_payment"] := {"not_applicable": "not_applicable", "failed": "failed", "tier_total": "passed", "passed": "passed"}[_late_variant]

explain["late_payment"] := {"v": _late_variant, "zh": f, "en": f} if {
	status == "late"
	f := [request.as_of, _late_tier(request.as_of).until, amount_due]
} else := {"v": _late_variant, "zh": f, "en": f} if {
	f := [request.as_of, _tiers[count(_tiers) - 1].until, null]
}

_mid_year_outcome := "not_applicable" if {
	not eligibility.eligible
} else := "not_applicable" if {
	resident.payment_date <= window.end
} else := "not_applicable" if {
	count(mid_year_groups) == 0
} else := "passed" if {
	resident.payment_date <= _mid_year.until
} else := "failed"

# METADATA
# title: 中途参保
# description: Groups that may enroll during the year, after the window. 2023 四(二) lists them; 2025 六(二) names 新生儿、政府全额资助 「等」 and the same provincial list is read into it (R-MIDYEAR-GROUPS).
# custom:
#   short_name: mid_year_enrollment
#   zh:
#     passed: "属中途参保人员（%s），%s 可在当年度内（至 %s）参保缴费。"
#     failed: "属中途参保人员（%s），但 %s 已过当年度（至 %s）。"
#     not_applicable: "中途参保规定不适用（%s；日期 %s，年度截至 %s）。"
#   en:
#     passed: "May enroll mid-year (%s): on %s, within the year (until %s)."
#     failed: "A mid-year group (%s), but %s is after the year's end (%s)."
#     not_applicable: "Mid-year enrollment does not apply (%s; date %s, year ends %s)."
outcome["mid_year_enrollment"] := _mid_year_outcome

explain["mid_year_enrollment"] := {
	"zh": [g.zh, resident.payment_date, _mid_year.until],
	"en": [g.en, resident.payment_date, _mid_year.until],
} if g := names.list("mid_year_groups", mid_year_groups)

_full_payment_variant := "not_applicable" if {
	accepted == null
} else := "ineligible" if {
	not eligibility.eligible
} else := "passed" if {
	accepted
} else := "date_closed" if {
	not payment_day_status in {"open", "late", "mid_year"}
} else := "wrong_amount"

# METADATA
# title: 一次性足额缴纳全年居民医保费
# description: The year's contribution is paid once, in full; a part payment (or any other amount than the one due that day) is not the year's contribution (R-EXACT-AMOUNT).
# custom:
#   short_name: one_time_full_payment
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
outcome["one_time_full_payment"] := "not_applicable" if {
	accepted == null
} else := {true: "passed", false: "failed"}[accepted]

explain["one_time_full_payment"] := {
	"v": _full_payment_variant,
	"zh": [_paid.date, _paid.amount, _payment_day_amount_due, s.zh],
	"en": [_paid.date, _paid.amount, _payment_day_amount_due, s.en],
} if {
	resident.has_payment
	s := names.label("payment_statuses", payment_day_status)
} else := {"v": _full_payment_variant, "zh": [], "en": []}
