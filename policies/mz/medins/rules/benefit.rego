# When benefits run for a payment on the payment day (the record's, or
# as_of): the benefit year (2025 四; 2023 by 梅市府〔2019〕14号), the waiting
# period after a late enrollment (2025 六(二), its length from
# 国办发〔2024〕38号), and the start for 中途参保 groups (2023 四(二); 2025 by
# R-MIDYEAR-GROUPS).

# METADATA
# scope: package
# custom:
#   explains: [benefit]
package mz.medins.rules.benefit

import data.mz.medins.lib.dates
import data.mz.medins.lib.names
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.rules.payment

_p := request.params

_year := _p.benefit_year

_day := resident.payment_date

_status := payment.payment_day_status

_groups := payment.mid_year_groups

# ---- waiting period -------------------------------------------------------

_wait := _p.waiting_period

_waits if {
	_wait
	_status == "late"
}

# Years of broken coverage: the policy years between the last covered year
# and this one. A person with no covered year before has broken nothing
# (R-WAIT-NEVER); an unknown history adds nothing (CONTRACT §2).
_last_covered := max({y | some y in request.enrolled_years; y < request.policy_year})

_break_years := (request.policy_year - 1) - _last_covered if {
	request.history_known
	_last_covered
} else := 0

_repaired := count({y | some y in request.repaired_years; y > _last_covered; y < request.policy_year})

_repair_credit := min([_repaired, _wait.repair_max_years]) * _wait.repair_months_per_year if _last_covered

_repair_credit := 0 if not _last_covered

_variable_months := max([0, (_break_years * _wait.variable_months_per_break_year) - _repair_credit]) if _waits

_variable_months := 0 if not _waits

_fixed_months := _wait.fixed_months if _waits

_fixed_months := 0 if not _waits

_uncapped := _fixed_months + _variable_months

# METADATA
# title: 待遇等待期月数
# custom:
#   short_name: waiting_months
#   zh: 补缴参保人员的待遇等待期（固定加变动，按上限截取）。
#   en: Months of waiting for a late enrollee (fixed plus variable, capped where a cap is set).
waiting_months := min([_uncapped, _wait.max_total_months]) if is_number(_wait.max_total_months)

waiting_months := _uncapped if not is_number(object.get(_p, ["waiting_period", "max_total_months"], null))

_exempt_reason := "newborn" if {
	_status == "mid_year"
	"newborn" in _groups
} else := "fully_funded" if {
	_status == "mid_year"
	"fully_funded" in _groups
} else := "mid_year_group" if {
	_status == "mid_year"
} else := null

# METADATA
# title: 待遇等待期的构成
# custom:
#   short_name: waiting
#   zh: 固定等待期、变动等待期、断保年数和免设等待期的原因。
#   en: The fixed and variable parts, the years of broken coverage and why no wait applies.
waiting := {
	"fixed_months": _fixed_months,
	"variable_months": _variable_months,
	"exempt_reason": _exempt_reason,
	"break_years": _break_years,
	"history_known": request.history_known,
} if {
	_wait
	request.history_known
} else := {
	"fixed_months": _fixed_months,
	"variable_months": _variable_months,
	"exempt_reason": _exempt_reason,
	"break_years": null,
	"history_known": false,
} if {
	_wait
} else := {
	"fixed_months": 0,
	"variable_months": 0,
	"exempt_reason": null,
	"break_years": null,
	"history_known": request.history_known,
}

_waiting_variant := "exempt" if {
	_exempt_reason != null
} else := "in_window" if {
	_status == "open"
} else := "passed" if {
	_waits
} else := "not_applicable"

# METADATA
# title: 集中缴费期结束后参保的待遇等待期
# description: From 2025, except newborns, the fully subsidised and other 中途参保 groups, whoever enrolls after the window ends waits before benefits start.
# custom:
#   short_name: waiting_period
#   first_year: 2025
#   zh:
#     passed: "%[1]s 在集中缴费期结束后参保（补缴），设置待遇等待期 %[2]v 个月。"
#     exempt: "%[1]s 参保属中途参保人员（%[2]v），不设待遇等待期。"
#     in_window: "%[1]s 在集中缴费期内缴费，不设待遇等待期。"
#     not_applicable: "%[1]s 不能缴费，待遇等待期不适用。"
#   en:
#     passed: "Enrolling on %[1]s, after the window (late payment); a waiting period of %[2]v months."
#     exempt: "Enrolling on %[1]s as a mid-year group (%[2]v); no waiting period."
#     in_window: "Paying on %[1]s, inside the window; no waiting period."
#     not_applicable: "No payment is possible on %[1]s, so no waiting period applies."
outcome["waiting_period"] := "passed" if _waits

else := "not_applicable"

explain["waiting_period"] := {"v": "exempt", "zh": [_day, g.zh], "en": [_day, g.en]} if {
	_waiting_variant == "exempt"
	g := names.list("mid_year_groups", _groups)
} else := {"v": _waiting_variant, "zh": f, "en": f} if f := [_day, waiting_months]

_history_variant := "unknown" if {
	not request.history_known
} else := "never" if {
	not _last_covered
} else := "known"

# METADATA
# title: 待遇等待期的长度（固定等待期与变动等待期）
# description: 国办发〔2024〕38号 as waiting-period-note.md reports it - a fixed 3 months, 1 more month for each year of broken coverage, less 1 month for each missed year paid back (at most 5). How years are counted and the missing cap are readings (R-WAIT-*).
# custom:
#   short_name: waiting_period_length
#   first_year: 2025
#   zh:
#     known: "固定等待期 %v 个月；上次参保年度 %v，断保 %v 年，已修复 %v 年，变动等待期 %v 个月；合计 %v 个月。"
#     never: "固定等待期 %[1]v 个月；此前无参保记录，无断保年度，变动等待期 %[5]v 个月；合计 %[6]v 个月。"
#     unknown: "固定等待期 %[1]v 个月；记录未列参保历史（历年参保年度），变动等待期未计算，按 %[5]v 个月；合计 %[6]v 个月。"
#   en:
#     known: "Fixed waiting period %v months; last covered year %v, %v years of broken coverage, %v repaired, variable part %v months; %v months in all."
#     never: "Fixed waiting period %[1]v months; no earlier coverage, so no broken years, variable part %[5]v months; %[6]v months in all."
#     unknown: "Fixed waiting period %[1]v months; the record lists no coverage history (the years covered before), so the variable part was not computed and is taken as %[5]v months; %[6]v months in all."
outcome["waiting_period_length"] := "passed" if _waits

explain["waiting_period_length"] := {"v": _history_variant, "zh": f, "en": f} if {
	f := [_fixed_months, _last_covered_or_empty, _break_years, _repaired_or_empty, _variable_months, waiting_months]
}

_last_covered_or_empty := _last_covered if _last_covered

_last_covered_or_empty := "" if not _last_covered

_repaired_or_empty := _repaired if _last_covered

_repaired_or_empty := "" if not _last_covered

# ---- benefit dates --------------------------------------------------------

# 中途参保 starts (2023 四(二)): newborns from birth, the fully subsidised from
# registration (taken as the payment day, R-REGISTRATION-DAY), others from the
# month after payment. The earliest applies where several groups hold.
_registration_start := max([_day, _year.start])

_mid_year_starts contains max([request.birth_date, _year.start]) if "newborn" in _groups

_mid_year_starts contains _registration_start if "fully_funded" in _groups

_mid_year_starts contains dates.first_of_next_month(_day) if {
	some g in _groups
	not g in {"newborn", "fully_funded"}
}

_start := _year.start if {
	_status == "open"
} else := min(_mid_year_starts) if {
	_status == "mid_year"
} else := max([dates.add_months(_day, waiting_months), _year.start]) if {
	_status == "late"
}

# A payment on the record that is not the year's contribution buys nothing
# (R-REJECTED-PAYMENT); a start after the year's end leaves no benefit this year.
_has_benefit if {
	_start <= _year.end
	payment.accepted != false
}

# METADATA
# title: 待遇享受开始日
# custom:
#   short_name: benefit_start
#   zh: 按缴费日计算的待遇享受开始日；无待遇时为空。
#   en: The first day of benefits for a payment on the payment day; null where there is none.
start := _start if _has_benefit

start := null if not _has_benefit

# METADATA
# title: 待遇享受结束日
# custom:
#   short_name: benefit_end
#   zh: 待遇享受期的最后一日；无待遇时为空。
#   en: The last day of benefits; null where there is none.
end := _year.end if _has_benefit

end := null if not _has_benefit

_period_variant := "covered" if {
	_has_benefit
} else := "after_year" if {
	_start
	payment.accepted != false
} else := "none"

# METADATA
# title: 待遇享受时间
# description: Paying in the window gives benefits for the whole benefit year; other payments as the mid-year and waiting-period rules say. 2023's benefit year rests on 梅市府〔2019〕14号, named in that notice's preamble.
# custom:
#   short_name: benefit_period
#   zh:
#     covered: "%s 缴费（%s），待遇享受期 %v 至 %v。"
#     after_year: "%s 缴费（%s）后的待遇起始日 %v 已在年度结束（%v）之后，本年度无待遇。"
#     none: "%[1]s 缴费不能取得本年度待遇（%[2]s）。"
#   en:
#     covered: "Paying on %s (%s) gives benefits from %v to %v."
#     after_year: "Paying on %s (%s), benefits would start on %v, after the year's end (%v); no benefit this year."
#     none: "No benefit for this year from a payment on %[1]s (%[2]s)."
outcome["benefit_period"] := {true: "passed", false: "failed"}[_period_variant == "covered"]

explain["benefit_period"] := object.union(
	{
		"v": _period_variant,
		"zh": [_day, s.zh, _start_or_empty, _year.end],
		"en": [_day, s.en, _start_or_empty, _year.end],
	},
	_period_reading,
) if s := names.label("payment_statuses", _status)

# The start after 补缴 and a start past the year's end rest on readings.
_period_reading := {"r": {"reading": "R-WAIT-START"}} if {
	_status == "late"
} else := {"r": {"reading": "R-DECEMBER"}} if {
	_period_variant == "after_year"
} else := {"r": {"reading": "R-REJECTED-PAYMENT"}} if {
	payment.accepted == false
} else := {}

_start_or_empty := _start if _start

_start_or_empty := "" if not _start

# METADATA
# title: 中途参保人员的待遇起始时间
# description: 2023 四(二) - newborns covered from birth, 困难群体 from registration, others from the month after payment. 2025 reads the same provincial rule (R-MIDYEAR-GROUPS).
# custom:
#   short_name: mid_year_benefit_start
#   zh:
#     passed: "中途参保（%s），待遇自 %v 起。"
#     not_applicable: 不属中途参保，本条不适用。
#   en:
#     passed: "Mid-year enrollment (%s); benefits from %v."
#     not_applicable: Not a mid-year enrollment.
outcome["mid_year_benefit_start"] := {true: "passed", false: "not_applicable"}[_status == "mid_year"]

explain["mid_year_benefit_start"] := object.union(
	{"zh": [g.zh, _start_or_empty], "en": [g.en, _start_or_empty]},
	_mid_year_benefit_reading,
) if g := names.list("mid_year_groups", _groups)

# A year that reads its mid-year groups into the notice (2025,
# R-MIDYEAR-GROUPS, its mid_year_enrollment.reading) rests the whole entry on
# that reading, as its table says; otherwise the entry rests on
# R-REGISTRATION-DAY only where the 困难群体 start (the registration day) is
# the one that decided the date.
_mid_year_benefit_reading := {"r": {"reading": "R-REGISTRATION-DAY"}} if {
	_status == "mid_year"
	not _p.mid_year_enrollment.reading
	"fully_funded" in _groups
	_start == _registration_start
} else := {}
