# The policy years checked both ways, in the shape of Regal's config_test: every
# rule id a year's table lists is a rule, and every rule is in the table of
# each year it serves (custom.first_year / last_year); a year's values hold
# the invariants the notices imply. Then the negative cases, one fault each,
# to show the check finds it, and what the running policy answers for a year
# that is incomplete.
package mz.medins.lib.years_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.lib.years

_y2025 := data.params["2025"]

_y2023 := data.params["2023"]

_serves(rule, _) if {
	object.get(rule, "first_year", null) == null
	object.get(rule, "last_year", null) == null
}

_serves(rule, y) if {
	is_number(rule.first_year)
	object.get(rule, "last_year", null) == null
	rule.first_year <= y
}

_serves(rule, y) if {
	object.get(rule, "first_year", null) == null
	is_number(rule.last_year)
	y <= rule.last_year
}

_serves(rule, y) if {
	rule.first_year <= y
	y <= rule.last_year
}

# ---- the loaded years, both ways -----------------------------------------

test_two_years_are_loaded_and_checked if {
	{2023, 2025} - {y | some y in data.mz.medins.loaded_years} == set()
	{to_number(k) | some k, _ in years.year_problems} == {y | some y in data.mz.medins.loaded_years}
}

test_every_loaded_year_has_no_problems if {
	every key, problems in years.year_problems {
		problems == []
		data.params[key].problems == []
		data.params[key].todo == []
	}
}

# One way: every id a table lists is a rule of the policies.
test_every_listed_id_is_a_rule if {
	every y in data.mz.medins.loaded_years {
		listed := {id | some id, _ in data.params[format_int(y, 10)].rules}
		count(listed) > 0
		listed - {id | some id, _ in data.mz.index} == set()
	}
}

# The other way: every rule is in the table of each year it serves, and in no
# other year's.
test_every_rule_is_listed_for_exactly_the_years_it_serves if {
	count(data.mz.index) > 0
	every y in data.mz.medins.loaded_years {
		listed := {id | some id, _ in data.params[format_int(y, 10)].rules}
		serving := {id | some id, rule in data.mz.index; _serves(rule, y)}
		serving == listed
	}
}

# The rules worded in one notice only are where they belong (a check of the
# check's own year arithmetic).
test_year_bounds_of_some_rules if {
	_y2025.rules.non_hukou_student
	not _y2023.rules.non_hukou_student
	_y2023.rules.foreigners_not_named
	not _y2025.rules.foreigners_not_named
	_y2023.rules.hukou_resident
	_y2025.rules.hukou_resident
}

# ---- the table against the rules: one fault each -------------------------

# The year's problems when data.params holds only `year` (a resolved year) as key.
_problems_of(key, year) := problems if {
	problems := years.year_problems[key] with data.params as {key: year}
}

_only(problems, words) if {
	count(problems) == 1
	every w in words {
		contains(problems[0], w)
	}
}

test_the_real_years_alone_have_no_problems if {
	_problems_of("2025", _y2025) == []
	_problems_of("2023", _y2023) == []
}

test_an_id_that_is_no_rule if {
	bad := f.year_with("2025", {"rules": object.union(_y2025.rules, {"hukou_residnet": {"section": "一"}})})
	_only(_problems_of("2025", bad), ["rules.hukou_residnet", "no rule"])
}

test_a_rule_missing_from_a_year_it_serves if {
	# hukou_resident serves every year; non_hukou_student from 2025 on.
	no_hukou := f.year_with("2025", {"rules": object.remove(_y2025.rules, ["hukou_resident"])})
	_only(_problems_of("2025", no_hukou), ["rules.hukou_resident", "missing"])
	no_student := f.year_with("2025", {"rules": object.remove(_y2025.rules, ["non_hukou_student"])})
	_only(_problems_of("2025", no_student), ["rules.non_hukou_student", "missing", "2025"])

	# hmt_student serves up to 2023.
	no_hmt := f.year_with("2023", {"rules": object.remove(_y2023.rules, ["hmt_student"])})
	_only(_problems_of("2023", no_hmt), ["rules.hmt_student", "missing", "2023"])
}

test_a_rule_listed_outside_its_years if {
	# hmt_student's last year is 2023; non_hukou_student's first is 2025.
	late := f.year_with("2025", {"rules": object.union(_y2025.rules, {"hmt_student": {"section": "一"}})})
	_only(_problems_of("2025", late), ["rules.hmt_student", "serves the years", "not 2025"])
	early := f.year_with("2023", {"rules": object.union(_y2023.rules, {"non_hukou_student": {"section": "一"}})})
	_only(_problems_of("2023", early), ["rules.non_hukou_student", "serves the years", "not 2023"])
}

# The other side of the same check: the rule index (what the rules' METADATA
# says), not the table, changes.
test_a_rule_whose_years_change_is_found_in_the_tables if {
	new_rule := {"path": "mz.medins.rules.categories.outcome.new_category", "pkg": "categories", "entry": true, "title": "新类别", "first_year": 2025, "last_year": null}
	with_new := object.union(data.mz.index, {"new_category": new_rule})
	_only(years.year_problems["2025"], ["rules.new_category", "missing"]) with data.mz.index as with_new
	years.year_problems["2023"] == [] with data.mz.index as with_new

	ended := object.union(data.mz.index, {"hukou_resident": {"last_year": 2023}})
	_only(years.year_problems["2025"], ["rules.hukou_resident", "not 2025"]) with data.mz.index as ended
	years.year_problems["2023"] == [] with data.mz.index as ended
}

# ---- the values against the notices' invariants ---------------------------

test_total_is_fiscal_subsidy_plus_individual if {
	bad := f.year_with("2025", {"contribution": {"total": 1000, "fiscal_subsidy": 670, "individual": 400, "clause": "二"}})
	_only(_problems_of("2025", bad), ["contribution.total", "fiscal_subsidy + individual"])
	years.value_problems(bad, 2025) == _problems_of("2025", bad)

	# 2023 states the individual share only: nothing to add up.
	years.value_problems(_y2023, 2023) == []
	_y2023.contribution.total == null
}

test_a_window_outside_the_year_before_the_policy_year if {
	in_policy_year := f.year_with("2025", {"window": {"start": "2025-09-15", "end": "2025-12-31", "clause": "三"}})
	problems := years.value_problems(in_policy_year, 2025)
	count(problems) > 0
	some p in problems
	contains(p, "window.start is not a date of 2024")
	some q in problems
	contains(q, "window.end is not a date of 2024")

	reversed := f.year_with("2025", {"window": {"start": "2024-12-31", "end": "2024-09-15", "clause": "三"}})
	_only(years.value_problems(reversed, 2025), ["window.start is after window.end"])
}

test_amounts_as_strings if {
	strings := f.year_with("2025", {"contribution": {"total": "1070", "fiscal_subsidy": 670, "individual": "400", "clause": "二"}})
	problems := years.value_problems(strings, 2025)
	count(problems) == 2
	some p in problems
	contains(p, "contribution.individual is not a number")
	some q in problems
	contains(q, "contribution.total is neither a number nor null")
	_problems_of("2025", strings) == sort(problems)
}

test_late_payment_tiers_out_of_order if {
	swapped := f.year_with("2025", {"late_payment": {"clause": "六(一)", "tiers": [_y2025.late_payment.tiers[1], _y2025.late_payment.tiers[0]]}})
	_only(_problems_of("2025", swapped), ["late_payment.tiers"])

	overlapping := f.year_with("2025", {"late_payment": {"clause": "六(一)", "tiers": [
		_y2025.late_payment.tiers[0],
		object.union(_y2025.late_payment.tiers[1], {"from": "2025-06-30"}),
	]}})
	_only(years.value_problems(overlapping, 2025), ["late_payment.tiers"])

	in_the_window := f.year_with("2025", {"late_payment": {"clause": "六(一)", "tiers": [object.union(_y2025.late_payment.tiers[0], {"from": "2024-12-31"})]}})
	_only(years.value_problems(in_the_window, 2025), ["late_payment.tiers"])
}

# ---- what the running policy answers -------------------------------------

_decide(year) := d if {
	d := f.decide(f.on("2024-10-10", f.adult)) with data.params["2025"] as year
}

test_a_complete_year_decides if {
	years.complete with input as f.on("2024-10-10", f.adult)
	d := _decide(_y2025)
	d.eligible == true
	not d.error
}

test_a_year_with_todo_markers_is_refused if {
	d := _decide(f.year_with("2025", {"todo": ["window.start", "contribution.total"]}))
	d.error.code == "year_incomplete"
	d.error.policy_year == 2025
	[p] := d.error.incomplete
	contains(p, "window.start, contribution.total")
	contains(d.error.message, "window.start")
	not d.trail
}

test_a_year_with_stored_problems_is_refused if {
	found := ["rules.hukou_resident: missing, though the rule serves 2025 (years null-null)"]
	d := _decide(f.year_with("2025", {"problems": found}))
	d.error == {
		"code": "year_incomplete",
		"policy_year": 2025,
		"incomplete": found,
		"message": sprintf("policy year 2025 is loaded but its table is incomplete: %s", [found[0]]),
	}
}

test_a_year_never_built_is_refused if {
	table_only := object.remove(_y2025, ["trail", "categories", "conditions", "todo", "problems", "built_by"])
	d := _decide(table_only)
	d.error.code == "year_incomplete"
	[p] := d.error.incomplete
	contains(p, "has not been built")

	empty := _decide({})
	empty.error.code == "year_incomplete"
}

# The running policy reads the stored answer: a fault the build would have
# found but did not store still decides (CI's test above is what stops it).
test_the_running_policy_reads_the_stored_problems if {
	bad := f.year_with("2025", {"contribution": {"total": 1000, "fiscal_subsidy": 670, "individual": 400, "clause": "二"}})
	years.complete with input as f.on("2024-10-10", f.adult) with data.params["2025"] as bad
	count(_problems_of("2025", bad)) == 1
}
