# The decision for one resident on one date (CONTRACT §3): refused input and
# a year with no policy loaded are defined answers, never an empty result.
# A pure function of input, so rosters batch it with `with input as`.
package mz.medins

import data.mz.medins.common.benefit
import data.mz.medins.common.channels
import data.mz.medins.common.contribution
import data.mz.medins.common.eligibility
import data.mz.medins.common.enrollment
import data.mz.medins.common.payment
import data.mz.medins.common.refund
import data.mz.medins.lib.request
import data.mz.medins.lib.validation
import data.mz.medins.lib.years

# METADATA
# title: 已载入的医保年度
# description: The policy years this bundle can decide (CONTRACT §1); a request for another year is answered with year_not_loaded.
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh: 本决策服务已载入的医保年度。
#   en: The policy years this decision service holds.
loaded_years := request.loaded_years

# METADATA
# title: 城乡居民医保参保缴费决定
# description: The whole decision for one resident on one date (CONTRACT §3), or a defined error.
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh: 一名居民在某一日期的参保、缴费、资助与待遇决定。
#   en: The enrollment, payment, subsidy and benefit decision for one resident on one date.
decision := {"error": _no_input} if {
	not _input_given
} else := {"error": {"code": "invalid_input", "problems": validation.problem_list}} if {
	count(validation.problems) > 0
} else := {"error": _year_not_loaded} if {
	not request.year_loaded
} else := _decision

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
	"hint": sprintf("%s still lies in the late-payment or mid-year period of policy year %d; ask for it with --year %d (policy_year)", [request.as_of, _still_open_years[0], _still_open_years[0]]),
} if {
	count(_still_open_years) > 0
} else := {}

_decision := {
	"policy_year": request.policy_year,
	"as_of": request.as_of,
	"document": request.document,
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
	"trail": _trail,
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

# 2025 六(三); null for a year whose notice says nothing of it.
_out_of_area := years.packages[request.year_key].students.out_of_area_without_filing if {
	years.packages[request.year_key].students.student_out_of_area_treatment
}

_out_of_area := false if {
	years.packages[request.year_key].students.student_out_of_area_treatment
	not years.packages[request.year_key].students.out_of_area_without_filing
}

_out_of_area := null if not years.packages[request.year_key].students.student_out_of_area_treatment

# Every trail entry of the common rules and of the year's own rules, in the
# notice's section order (DESIGN.md: built from METADATA, no second list).
# The packages are named one by one: the *_test packages beside them sit in
# the same tree (mz.medins.common.payment_test), are loaded into the bundle
# too, and reading the whole tree would run every unit test on every
# decision. tests/test_trail_packages.py checks that no rule package is left out.
_common_packages := {
	"benefit": data.mz.medins.common.benefit,
	"categories": data.mz.medins.common.categories,
	"channels": data.mz.medins.common.channels,
	"conditions": data.mz.medins.common.conditions,
	"contribution": data.mz.medins.common.contribution,
	"eligibility": data.mz.medins.common.eligibility,
	"enrollment": data.mz.medins.common.enrollment,
	"payment": data.mz.medins.common.payment,
	"refund": data.mz.medins.common.refund,
}

_entry_trees := [_common_packages, _year_packages]

# Only the requested year's packages: object.get on years.packages would
# evaluate every loaded year's rules for each decision.
default _year_packages := {}

_year_packages := years.packages[request.year_key]

# One pass, no intermediate set (hashing every entry into a set cost more than
# the sort): a package's values that are entries carry a string rule and
# outcome; anything else (a number, a set, another object) lacks them.
_trail := [object.remove(entry, ["order"]) |
	some [_, _, entry] in sort([[e.order, e.rule, e] |
		some tree in _entry_trees
		some package_rules in tree
		some e in package_rules
		is_string(e.outcome)
		is_string(e.rule)
	])
]
