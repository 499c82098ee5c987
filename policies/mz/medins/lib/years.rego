# Policy years: whether a loaded year is complete.
#
# A year is what `mzpolicy build-years` resolved from its table
# (policies/params/<year>/table/data.yaml) into data.params["<year>"].
# year_problems is the whole check of every loaded year: the table against the
# rules both ways, and the invariants the notices imply. CI evaluates it
# (years_test.rego: every loaded year passes) and so does the build, which
# stores the answer in the year; the running policy refuses a year that was
# never built, still holds a `todo:`, or was built with problems, answering
# {"error": {"code": "year_incomplete", ...}} instead of a decision. (Walking
# the rule index and the invariants costs more than the rest of a decision
# does, so the running policy reads the stored answer.)
package mz.medins.lib.years

import data.mz.medins.lib.request

# ---- the table against the rules, both ways (Regal's config_test shape) ----------

_first(rule) := rule.first_year if is_number(rule.first_year)

_first(rule) := 0 if not is_number(rule.first_year)

_last(rule) := rule.last_year if is_number(rule.last_year)

_last(rule) := 9999 if not is_number(rule.last_year)

_serves(rule, year) if {
	_first(rule) <= year
	year <= _last(rule)
}

_years_of(rule) := sprintf("%v-%v", [object.get(rule, "first_year", null), object.get(rule, "last_year", null)])

# What is wrong with each year's `rules:` against the rules the policies
# define (data.mz.index, read from their annotations): an id that is no rule,
# a rule the table lists outside the years it serves, a rule that serves the
# year but is missing.
manifest_problems[key] := problems if {
	some key, year in data.params
	regex.match(`^[0-9]{4}$`, key)
	y := to_number(key)
	listed := object.get(year, "rules", {})
	problems := ({sprintf("rules.%s: no rule has this id", [id]) |
		some id, _ in listed
		not data.mz.index[id]
	} | {sprintf("rules.%s: the rule serves the years %s, not %d", [id, _years_of(rule), y]) |
		some id, _ in listed
		rule := data.mz.index[id]
		not _serves(rule, y)
	}) | {sprintf("rules.%s: missing, though the rule serves %d (years %s)", [id, y, _years_of(rule)]) |
		some id, rule in data.mz.index
		_serves(rule, y)
		not listed[id]
	}
}

# ---- the invariants the notices imply --------------------------------------------

_date := `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`

default _in_year(_, _) := false

_in_year(date, y) if {
	regex.match(_date, date)
	to_number(substring(date, 0, 4)) == y
}

default _number_or_null(_) := false

_number_or_null(x) if is_number(x)

_number_or_null(null)

_tiers(p) := object.get(p, ["late_payment", "tiers"], [])

# [holds, what is wrong] for one year's values: amounts are numbers, the total
# is the fiscal subsidy plus the individual share where both are given, the
# benefit year is the policy year, the collection window runs in the autumn
# before it, and 补缴 and 中途参保 periods lie in the benefit year after it.
_invariants(p, y) := [
	[regex.match(`^\S+〔[0-9]{4}〕[0-9]+号$`, object.get(p, "document", "")), "document is not a notice number such as 梅市医保〔2024〕3号"],
	[is_number(object.get(p, ["contribution", "individual"], null)), "contribution.individual is not a number"],
	[_number_or_null(object.get(p, ["contribution", "total"], null)), "contribution.total is neither a number nor null"],
	[_number_or_null(object.get(p, ["contribution", "fiscal_subsidy"], null)), "contribution.fiscal_subsidy is neither a number nor null"],
	[_sum_holds(object.get(p, "contribution", {})), "contribution.total is not fiscal_subsidy + individual"],
	[
		object.get(p, ["benefit_year", "start"], "") == sprintf("%d-01-01", [y]),
		sprintf("benefit_year.start is not %d-01-01", [y]),
	],
	[
		object.get(p, ["benefit_year", "end"], "") == sprintf("%d-12-31", [y]),
		sprintf("benefit_year.end is not %d-12-31", [y]),
	],
	[_in_year(object.get(p, ["window", "start"], ""), y - 1), sprintf("window.start is not a date of %d", [y - 1])],
	[_in_year(object.get(p, ["window", "end"], ""), y - 1), sprintf("window.end is not a date of %d", [y - 1])],
	[object.get(p, ["window", "start"], "") <= object.get(p, ["window", "end"], ""), "window.start is after window.end"],
	[_in_year(object.get(p, ["mid_year_enrollment", "until"], ""), y), sprintf("mid_year_enrollment.until is not a date of %d", [y])],
	[_tiers_hold(_tiers(p), p, y), sprintf("late_payment.tiers are not consecutive periods of %d after the window", [y])],
]

default _sum_holds(_) := true

_sum_holds(c) := c.total == (c.fiscal_subsidy + c.individual) if {
	is_number(c.total)
	is_number(c.fiscal_subsidy)
	is_number(c.individual)
}

default _tiers_hold(_, _, _) := false

_tiers_hold(tiers, p, y) if {
	every i, tier in tiers {
		_in_year(tier.from, y)
		_in_year(tier.until, y)
		tier.from <= tier.until
		tier.from > p.window.end
		_after_previous(tiers, i)
	}
}

_after_previous(_, 0)

_after_previous(tiers, i) if {
	i > 0
	tiers[i].from > tiers[i - 1].until
}

value_problems(p, y) := [message | some [holds, message] in _invariants(p, y); not holds]

# METADATA
# title: 医保年度参数表的完整性检查
# description: Every loaded year's problems, the table against the rules and the values against the notices' invariants; empty for a complete year.
# entrypoint: true
year_problems[key] := sort(manifest_problems[key] | {m | some m in value_problems(data.params[key], to_number(key))}) if {
	some key, _ in manifest_problems
}

# ---- what the running policy answers with ----------------------------------------

# The requested year's problems: a table never built, values still marked to
# fill in or confirm, what the build's check found.
problems := ["the year's table has not been built into data.params: run `mzpolicy build-years`"] if {
	not request.params.trail
} else := [sprintf("still to fill in or confirm in the year's table: %s", [concat(", ", request.params.todo)])] if {
	count(request.params.todo) > 0
} else := request.params.problems

complete if count(problems) == 0
