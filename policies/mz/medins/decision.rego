# The decision for one resident on one date (CONTRACT §3): refused input, a
# year with no policy loaded and a year whose table is incomplete are defined
# answers, never an empty result. A pure function of input, so rosters batch
# it with `with input as`.
#
# The decision's fields are the rules' own outcomes and values; the trail is
# filled from the year's resolved table (data.params[year].trail: each entry's
# id, package, citation and reading, in the notice's section order) and the
# rule index (data.mz.index: each rule's message templates, read from the
# rules' annotations when the year was built), so a decision only fills in
# the resident's facts.
package mz.medins

import data.mz.medins.lib.request
import data.mz.medins.lib.validation
import data.mz.medins.lib.years
import data.mz.medins.rules.benefit
import data.mz.medins.rules.channels
import data.mz.medins.rules.contribution
import data.mz.medins.rules.eligibility
import data.mz.medins.rules.enrollment
import data.mz.medins.rules.guidance
import data.mz.medins.rules.payment
import data.mz.medins.rules.refund
import data.mz.medins.rules.students

# METADATA
# title: 已载入的医保年度
# description: The policy years this bundle can decide (CONTRACT §1), one per year table built into data.params; a request for another year is answered with year_not_loaded.
# entrypoint: true
loaded_years := request.loaded_years

# METADATA
# title: 城乡居民医保参保缴费决定
# description: The whole decision for one resident on one date (CONTRACT §3), or a defined error.
# entrypoint: true
decision := _refusal if {
	_refusal
} else := _decision

# METADATA
# title: 名册用的精简决定
# description: |
#   The decision's headline fields and the ids of the trail's rules that
#   failed, without the trail's messages, for rosters (mzpolicy batch's CSV,
#   the reports): the same answer as the decision's fields, at a fraction of
#   the cost, since no explanation is evaluated. Or the same defined error.
# entrypoint: true
lean := _refusal if {
	_refusal
} else := {
	"policy_year": request.policy_year,
	"as_of": request.as_of,
	"document": request.params.document,
	"eligible": eligibility.eligible,
	"categories": _categories,
	"contribution": {
		"individual": contribution.individual,
		"assistance": _assistance,
		"individual_due": contribution.individual_due,
	},
	"payment": {"status": payment.status, "amount_due": payment.amount_due, "accepted": _accepted},
	"benefit": {"start": benefit.start, "end": benefit.end, "waiting_months": _waiting_months},
	"enrollment": enrollment.place,
	"refund": {"eligible": refund.eligible},
	"failed": [s.id | some s in request.params.trail; data.mz.medins.rules[s.pkg].outcome[s.id] == "failed"],
}

# A request that gets no decision, and the defined error it gets instead
# (CONTRACT §1, §3); undefined for a request that is decided.
_refusal := {"error": _no_input} if {
	not _input_given
} else := {"error": {"code": "invalid_input", "problems": validation.problem_list}} if {
	count(validation.problems) > 0
} else := {"error": _year_not_loaded} if {
	not request.year_loaded
} else := {"error": _year_incomplete} if {
	not years.complete
}

# OPA leaves input undefined when the POST body has no "input" key: an
# empty body, {}, or a request sent bare instead of inside {"input": ...}.
_input_given if {
	_ = input
}

_no_input := {
	"code": "no_input",
	"message": `the POST body has no "input": send {"input": {"as_of": "YYYY-MM-DD", "resident": {...}}}`,
}

# Where as_of still lies after a loaded year's window and before the end of
# its 补缴 or 中途参保 period (September 2025 is both 2025's last 补缴 month and
# the start of 2026's collection), the error says so and names that year.
_still_open_years := [y |
	some y in request.loaded_years
	p := data.params[format_int(y, 10)]
	request.as_of > p.window.end
	request.as_of <= max({p.mid_year_enrollment.until} | {t.until | some t in object.get(p, ["late_payment", "tiers"], [])})
]

_year_not_loaded := object.union(
	{
		"code": "year_not_loaded",
		"policy_year": request.policy_year,
		"loaded_years": request.loaded_years,
		"message": sprintf("policy year %d is not loaded; loaded years: %v", [request.policy_year, request.loaded_years]),
	},
	_still_open_hint,
)

_still_open_hint := {
	"still_open_years": _still_open_years,
	"as_of": request.as_of,
	"hint": sprintf("%s still lies in the late-payment or mid-year period of policy year %d; set policy_year to %d in the request", [request.as_of, _still_open_years[0], _still_open_years[0]]),
} if {
	count(_still_open_years) > 0
} else := {}

_year_incomplete := {
	"code": "year_incomplete",
	"policy_year": request.policy_year,
	"incomplete": years.problems,
	"message": sprintf("policy year %d is loaded but its table is incomplete: %s", [request.policy_year, concat("; ", years.problems)]),
}

_decision := {
	"policy_year": request.policy_year,
	"as_of": request.as_of,
	"document": request.params.document,
	"eligible": eligibility.eligible,
	"categories": _categories,
	"contribution": {
		"total": contribution.total,
		"fiscal_subsidy": contribution.fiscal_subsidy,
		"individual": contribution.individual,
		"assistance": _assistance,
		"individual_due": contribution.individual_due,
	},
	"payment": {
		"window": payment.window,
		"status": payment.status,
		"amount_due": payment.amount_due,
		"accepted": _accepted,
	},
	"benefit": {
		"start": benefit.start,
		"end": benefit.end,
		"waiting_months": _waiting_months,
		"waiting": benefit.waiting,
		"out_of_area_without_filing": _out_of_area,
	},
	"channels": channels.channels,
	"enrollment": enrollment.place,
	"refund": {"eligible": refund.eligible},
	"next_steps": guidance.next_steps,
	"trail": trail,
}

# CONTRACT §3, "ineligible": no categories, no assistance, no wait.
_categories := eligibility.categories if eligibility.eligible

_categories := [] if not eligibility.eligible

_assistance := contribution.assistance if eligibility.eligible

_assistance := null if not eligibility.eligible

_accepted := payment.accepted if eligibility.eligible

_accepted := false if {
	not eligibility.eligible
	payment.accepted != null
}

_accepted := null if {
	not eligibility.eligible
	payment.accepted == null
}

_waiting_months := benefit.waiting_months if eligibility.eligible

_waiting_months := 0 if not eligibility.eligible

# 2025 六(三); null for a year whose table does not list the rule.
_out_of_area := students.out_of_area_without_filing if request.params.rules.out_of_area_without_filing

_out_of_area := null if not request.params.rules.out_of_area_without_filing

# METADATA
# title: 决定依据
# description: |
#   The trail (CONTRACT §3): one entry for each rule of the year's table that
#   explains, in the table's order, with the outcome the rule decided and its
#   message filled with the resident's facts, and whether it decided
#   (`decided`: it applies, and is not a category the resident missed while
#   another made her eligible). The reading is the table's for
#   the year unless the entry is not applicable; where the table names none,
#   the rule may name the reading one of its branches rests on.
# entrypoint: true
trail := [object.union_n([s.head, {"outcome": outcome, "decided": decided, "message": message}, reading]) |
	some s in request.params.trail
	outcome := data.mz.medins.rules[s.pkg].outcome[s.id]
	decided := object.get(_deciding, [s.pkg, outcome], outcome != "not_applicable")
	x := data.mz.medins.rules[s.pkg].explain[s.id]
	variant := object.get(x, "v", outcome)
	zh := object.get(s.zh, variant, s.zh["*"])
	en := object.get(s.en, variant, s.en["*"])
	message := {"zh": sprintf(zh.t, array.slice(x.zh, 0, zh.n)), "en": sprintf(en.t, array.slice(x.en, 0, en.n))}
	reading := object.get(x, "r", object.get(s.reading, outcome, {}))
]

# Which entries decided (issue 14: what a person is shown by default): every
# entry that applies, except a category the resident does not fall in when
# another category made her eligible (an alternative route not taken).
_deciding := {"categories": {"failed": _failed_category_decides}}

default _failed_category_decides := true

_failed_category_decides := false if eligibility.eligible
