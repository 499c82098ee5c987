# 梅市医保〔2024〕3号 四 (benefit year) and 六(二) (waiting period after the
# window, its length per 国办发〔2024〕38号 as waiting-period-note.md reports it;
# 中途参保 starts by R-MIDYEAR-GROUPS).
package mz.medins.rules.benefit_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.benefit

late(resident) := f.on("2025-03-01", resident)

# ---- the waiting period's length -------------------------------------------

test_fixed_three_months_for_a_late_payer_without_a_break if {
	benefit.waiting_months == 3 with input as late(f.adult)
	benefit.waiting == {
		"fixed_months": 3,
		"variable_months": 0,
		"exempt_reason": null,
		"break_years": 0,
		"history_known": true,
	} with input as late(f.adult)
}

test_years_at_or_after_the_policy_year_are_no_earlier_coverage if {
	r := f.plus(f.adult, {"enrolled_years": [2022, 2025, 2026]})
	benefit.waiting.break_years == 2 with input as late(r)
	benefit.waiting_months == 5 with input as late(r)
}

test_only_broken_years_paid_back_shorten_the_wait if {
	# 2020 is before the last covered year and 2025 is this year: neither repairs.
	r := f.plus(f.adult, {"enrolled_years": [2022], "repaired_years": [2020, 2023, 2025]})
	benefit.waiting.variable_months == 1 with input as late(r)
	benefit.waiting_months == 4 with input as late(r)
}

test_repair_never_makes_the_variable_part_negative if {
	r := f.plus(f.adult, {"enrolled_years": [2023], "repaired_years": [2024]})
	benefit.waiting.break_years == 1 with input as late(r)
	benefit.waiting.variable_months == 0 with input as late(r)
	benefit.waiting_months == 3 with input as late(r)
}

test_no_earlier_coverage_is_no_break_and_repair_has_nothing_to_repair if {
	r := f.plus(f.adult, {"enrolled_years": [], "repaired_years": [2023]})
	benefit.waiting.break_years == 0 with input as late(r)
	benefit.waiting.variable_months == 0 with input as late(r)
	benefit.waiting_months == 3 with input as late(r)
}

test_unknown_history_adds_nothing if {
	r := object.remove(f.adult, ["enrolled_years"])
	benefit.waiting == {
		"fixed_months": 3,
		"variable_months": 0,
		"exempt_reason": null,
		"break_years": null,
		"history_known": false,
	} with input as late(r)
}

# R-WAIT-CAP: no cap is in hand; an officer who sets one gets it applied.
test_a_cap_set_in_the_parameters_limits_the_total if {
	r := f.plus(f.adult, {"enrolled_years": [2018]})
	benefit.waiting_months == 9 with input as late(r)
	benefit.waiting_months == 4 with input as late(r)
		with data.params["2025"].waiting_period.max_total_months as 4
	benefit.start == "2025-07-01" with input as late(r)
		with data.params["2025"].waiting_period.max_total_months as 4
}

test_no_wait_inside_the_window_before_it_or_when_ineligible if {
	broken := f.plus(f.adult, {"enrolled_years": [2015]})
	benefit.waiting_months == 0 with input as f.on("2024-10-10", broken)
	benefit.waiting.fixed_months == 0 with input as f.on("2024-10-10", broken)
	benefit.waiting_months == 0 with input as f.on("2024-09-14", broken)
	benefit.waiting_months == 0 with input as late(f.plus(broken, {"employee_insurance": true}))
}

test_a_year_without_a_waiting_period_parameter_has_none if {
	params := object.remove(data.params["2025"], ["waiting_period"])
	benefit.waiting_months == 0 with input as late(f.adult) with data.params["2025"] as params
	benefit.waiting == {
		"fixed_months": 0,
		"variable_months": 0,
		"exempt_reason": null,
		"break_years": null,
		"history_known": true,
	} with input as late(f.adult)
		with data.params["2025"] as params
	benefit.start == "2025-03-01" with input as late(f.adult) with data.params["2025"] as params
}

# ---- exemptions (六(二): 新生儿、政府全额资助 等) -----------------------------------

test_exempt_reasons if {
	benefit.waiting.exempt_reason == "newborn" with input as late(f.baby_2025)
	benefit.waiting.exempt_reason == "fully_funded" with input as late(f.plus(f.wuhua_adult, {"identities": ["orphan"]}))
	benefit.waiting.exempt_reason == "mid_year_group" with input as late(f.plus(f.adult, {"events": {"employee_insurance_ended": "2025-02-20"}}))
	benefit.waiting.exempt_reason == null with input as late(f.adult)
	benefit.waiting_months == 0 with input as late(f.baby_2025)
}

# A newborn who is also fully funded is named by the first reason.
test_newborn_reason_wins_over_fully_funded if {
	r := f.plus(f.baby_2025, {"identities": ["orphan"]})
	benefit.waiting.exempt_reason == "newborn" with input as late(r)
	benefit.start == "2025-02-01" with input as late(r)
}

# ---- benefit dates ---------------------------------------------------------

test_window_payment_covers_the_benefit_year if {
	benefit.start == "2025-01-01" with input as f.on("2024-09-15", f.adult)
	benefit.end == "2025-12-31" with input as f.on("2024-09-15", f.adult)
}

test_late_start_is_the_payment_day_plus_the_wait_clamped_to_month_end if {
	benefit.start == "2025-04-30" with input as f.on("2025-01-31", f.adult)
	benefit.end == "2025-12-31" with input as f.on("2025-01-31", f.adult)
}

test_newborn_born_before_the_year_is_covered_from_the_years_first_day if {
	benefit.start == "2025-01-01" with input as f.on("2025-01-10", f.baby_2024)
	benefit.waiting.exempt_reason == "newborn" with input as f.on("2025-01-10", f.baby_2024)
}

test_fully_funded_from_the_payment_day_even_with_a_trigger if {
	r := f.plus(f.wuhua_adult, {"identities": ["orphan"], "events": {"released_from_prison": "2025-03-03"}})
	benefit.start == "2025-03-10" with input as f.on("2025-03-10", r)
}

test_trigger_group_from_the_first_of_the_next_month if {
	r := f.plus(f.adult, {"events": {"school_transfer_in": "2025-11-05"}})
	benefit.start == "2025-12-01" with input as f.on_2025("2025-11-20", r)
	benefit.waiting_months == 0 with input as f.on_2025("2025-11-20", r)

	# Paying in December, the next month is in the next year (R-DECEMBER).
	benefit.start == null with input as f.on_2025("2025-12-10", r)
	e := f.entry("benefit_period", f.on_2025("2025-12-10", r))
	e.reading == "R-DECEMBER"
	contains(e.message.en, "benefits would start on 2026-01-01, after the year's end (2025-12-31)")
}

test_no_benefit_when_nothing_may_be_paid if {
	benefit.start == null with input as f.on("2024-09-14", f.adult)
	benefit.end == null with input as f.on("2024-09-14", f.adult)
	benefit.start == null with input as f.on_2025("2025-10-01", f.adult)
	benefit.start == null with input as f.on("2024-10-10", f.plus(f.adult, {"employee_insurance": true}))
}

test_rejected_payment_buys_no_benefit if {
	r := f.plus(f.adult, {"payment": {"date": "2024-10-01", "amount": 200}})
	benefit.start == null with input as f.on("2024-10-05", r)
	e := f.entry("benefit_period", f.on("2024-10-05", r))
	e.outcome == "failed"
	e.reading == "R-REJECTED-PAYMENT"
	contains(e.message.en, "No benefit for this year from a payment on 2024-10-01 (inside the collection window)")
}

# ---- trail entries ---------------------------------------------------------

test_benefit_period_entry_variants if {
	covered := f.entry("benefit_period", f.on("2024-10-10", f.adult))
	covered.outcome == "passed"
	covered.clause == "梅市医保〔2024〕3号 四"
	covered.message.en == "Paying on 2024-10-10 (inside the collection window) gives benefits from 2025-01-01 to 2025-12-31."
	not covered.reading

	r := f.plus(f.adult, {"enrolled_years": [2020]})
	after := f.entry("benefit_period", f.on_2025("2025-09-15", r))
	after.outcome == "failed"
	after.reading == "R-WAIT-START"
	contains(after.message.en, "benefits would start on 2026-04-15, after the year's end (2025-12-31)")

	none := f.entry("benefit_period", f.on("2024-09-14", f.adult))
	none.outcome == "failed"
	none.message.en == "No benefit for this year from a payment on 2024-09-14 (before the collection window opens)."
}

test_waiting_period_entry_variants if {
	w := f.entry("waiting_period", late(f.adult))
	w.outcome == "passed"
	w.clause == "梅市医保〔2024〕3号 六(二)"
	w.message.en == "Enrolling on 2025-03-01, after the window (late payment); a waiting period of 3 months."

	exempt := f.entry("waiting_period", late(f.baby_2025))
	exempt.outcome == "not_applicable"
	contains(exempt.message.en, "as a mid-year group (newborn within 6 months of birth); no waiting period")

	in_window := f.entry("waiting_period", f.on("2024-10-10", f.adult))
	in_window.outcome == "not_applicable"
	in_window.message.en == "Paying on 2024-10-10, inside the window; no waiting period."

	none := f.entry("waiting_period", f.on_2025("2025-10-01", f.adult))
	none.outcome == "not_applicable"
	none.message.en == "No payment is possible on 2025-10-01, so no waiting period applies."
}

test_waiting_length_entry_says_how_it_was_counted if {
	known := f.entry("waiting_period_length", late(f.plus(f.adult, {"enrolled_years": [2022], "repaired_years": [2023]})))
	known.clause == "国办发〔2024〕38号"
	known.reading == "R-WAIT-COUNT"
	known.message.en == "Fixed waiting period 3 months; last covered year 2022, 2 years of broken coverage, 1 repaired, variable part 1 months; 4 months in all."

	never := f.entry("waiting_period_length", late(f.plus(f.adult, {"enrolled_years": []})))
	contains(never.message.en, "no earlier coverage, so no broken years")

	unknown := f.entry("waiting_period_length", late(object.remove(f.adult, ["enrolled_years"])))
	contains(unknown.message.en, "the variable part was not computed")
	contains(unknown.message.zh, "变动等待期未计算")
}

test_waiting_length_entry_only_for_a_wait if {
	f.absent("waiting_period_length", f.on("2024-10-10", f.adult))
	f.absent("waiting_period_length", late(f.baby_2025))
}

test_mid_year_start_entry if {
	r := f.plus(f.adult, {"events": {"released_from_prison": "2025-03-03"}})
	e := f.entry("mid_year_benefit_start", f.on("2025-03-03", r))
	e.outcome == "passed"
	e.clause == "梅市医保〔2022〕4号 四(二)"
	e.reading == "R-MIDYEAR-GROUPS"
	e.message.en == "Mid-year enrollment (released from prison); benefits from 2025-04-01."

	na := f.entry("mid_year_benefit_start", late(f.adult))
	na.outcome == "not_applicable"
	not na.reading
}
