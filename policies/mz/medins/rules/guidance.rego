# What the resident does next, as facts the renderer words (issue 14: the
# 下一步 / Next steps block): what to pay and until when, the payment periods
# still ahead this year with their amounts (400 becomes 1070 on 2025-07-01),
# the change that made today's amount what it is, the channels, when
# benefits begin, a refund to apply for, and the office to go to. Every
# fact is read from the rules of the other packages or the year's table; no
# fact here decides anything the decision does not.
# METADATA
# scope: package
# custom:
#   explains: [next_steps]
package mz.medins.rules.guidance

import data.mz.medins.lib.dates
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.rules.benefit
import data.mz.medins.rules.channels
import data.mz.medins.rules.eligibility
import data.mz.medins.rules.enrollment
import data.mz.medins.rules.payment
import data.mz.medins.rules.refund

_p := request.params

_as_of := request.as_of

_r := request.resident

# The payment timeline from as_of to the year's end, asked of payment's own
# status function at every date where a status or amount can change (the
# window's ends, each 补缴 tier's ends, the 中途参保 deadline, the day a
# newborn's six months run out), so it can never say other than payment does.
_changes := (({d |
	some d in {
		_p.window.start, dates.add_days(_p.window.end, 1),
		dates.add_days(_p.mid_year_enrollment.until, 1),
	}
} | {t.from | some t in _tiers}) | {dates.add_days(t.until, 1) | some t in _tiers}) | _newborn_change

_tiers := object.get(_p, ["late_payment", "tiers"], [])

_newborn_change := {dates.add_days(resident.newborn_until, 1)} if {
	dates.valid(resident.newborn_until)
} else := set()

# The state (status and amount) from each change date on, asked once per
# date; between two change dates it cannot differ, so the state the day
# before a change is the state of the change before it.
_dates := sort(_changes)

_states := [{"status": status, "amount": payment.amount_due_on(d, status)} |
	some d in _dates
	status := payment.status_on(d)
]

_today := {"status": payment.status, "amount": payment.amount_due}

# The indexes of the change dates after as_of where the state turns.
_turns := [i |
	some i, d in _dates
	d > _as_of
	_turns_at(i)
]

_turns_at(i) if {
	not _dates[i - 1] > _as_of
	_states[i] != _today
}

_turns_at(i) if {
	_dates[i - 1] > _as_of
	_states[i] != _states[i - 1]
}

_payable(state) if is_number(state.amount)

_ahead := [object.union(_states[i], {"from": _dates[i], "until": _until_of(k)}) |
	some k, i in _turns
	_payable(_states[i])
]

_until_of(k) := dates.add_days(_dates[_turns[k + 1]], -1) if {
	k + 1 < count(_turns)
} else := null

_until := dates.add_days(_dates[_turns[0]], -1) if {
	_payable(_today)
	count(_turns) > 0
} else := null

# The last change on or before as_of, when it changed the amount (on
# 2025-08-10, 补缴 is 1070 since 2025-07-01, where it was 400).
_since := {"on": _dates[i], "amount_before": before.amount, "amount": now.amount} if {
	i := max({i |
		some i, d in _dates
		d <= _as_of
		i > 0
		_states[i] != _states[i - 1]
	})
	now := _states[i]
	before := _states[i - 1]
	is_number(before.amount)
	is_number(now.amount)
	before.amount != now.amount
} else := null

# Where to go: the 医保经办机构 of the county the resident enrolls in, else of the
# Meizhou county of the hukou or residence, else the city's (reference data).
_office := enrollment.place.region if {
	is_string(enrollment.place.region)
} else := _r.hukou_region if {
	data.mz.reference.offices[_r.hukou_region]
} else := _r.residence_region if {
	data.mz.reference.offices[_r.residence_region]
} else := data.mz.reference.city_region

# METADATA
# title: 下一步
# description: What the resident does next, as facts (the renderer words them); null fields do not apply.
# custom:
#   short_name: next_steps
#   zh: 居民下一步应办的事：缴多少、到何日、之后金额何时变化、用哪些渠道、待遇何时开始、可否申请退费、到哪个医保经办机构办理。
#   en: What the resident does next - what to pay and until when, when the amount changes, the channels, when benefits begin, a refund to apply for, the office to go to.
next_steps := {
	"eligible": eligibility.eligible,
	"paid": payment.accepted == true,
	"status": payment.status,
	"amount_due": payment.amount_due,
	"until": _until,
	"opens": _opens,
	"since": _since,
	"ahead": _ahead,
	"channels": channels.channels,
	"benefit_start": benefit.start,
	"benefit_end": benefit.end,
	"waiting_months": benefit.waiting_months,
	"refund": refund.eligible,
	"office": _office,
} if {
	eligibility.eligible
} else := {
	"eligible": false,
	"paid": false,
	"status": payment.status,
	"amount_due": null,
	"until": null,
	"opens": null,
	"since": null,
	"ahead": [],
	"channels": [],
	"benefit_start": null,
	"benefit_end": null,
	"waiting_months": 0,
	"refund": refund.eligible,
	"office": _office,
}

_opens := _p.window.start if payment.status == "not_open"

else := null
