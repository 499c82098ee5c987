# 梅市医保〔2024〕3号 三 (window), 六(一) (补缴 tiers), 六(二) (中途参保 groups,
# R-MIDYEAR-GROUPS) and 二 (一次性足额). A status or amount "on a date" is
# the one for a request on that date: the rules answer for as_of.
package mz.medins.rules.payment_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.payment

# ---- status and amount due by date (三, 六(一)) ----------------------------

test_status_by_date_for_an_ordinary_resident if {
	payment.status == "not_open" with input as f.on_2025("2024-09-14", f.adult)
	payment.status == "open" with input as f.on_2025("2024-09-15", f.adult)
	payment.status == "open" with input as f.on_2025("2024-12-31", f.adult)
	payment.status == "late" with input as f.on_2025("2025-01-01", f.adult)
	payment.status == "late" with input as f.on_2025("2025-09-30", f.adult)
	payment.status == "closed" with input as f.on_2025("2025-10-01", f.adult)
}

test_amount_due_by_tier if {
	payment.amount_due == null with input as f.on_2025("2024-09-14", f.adult)
	payment.amount_due == 400 with input as f.on_2025("2024-12-31", f.adult)
	payment.amount_due == 400 with input as f.on_2025("2025-01-01", f.adult)
	payment.amount_due == 400 with input as f.on_2025("2025-06-30", f.adult)
	payment.amount_due == 1070 with input as f.on_2025("2025-07-01", f.adult)
	payment.amount_due == 1070 with input as f.on_2025("2025-09-30", f.adult)
	payment.amount_due == null with input as f.on_2025("2025-10-01", f.adult)
}

test_ineligible_status_is_not_applicable_on_every_date if {
	r := f.plus(f.adult, {"employee_insurance": true})
	payment.status == "not_applicable" with input as f.on("2024-10-10", r)
	payment.status == "not_applicable" with input as f.on("2025-03-01", r)
	payment.amount_due == null with input as f.on("2024-10-10", r)
}

test_window_is_the_years_parameter if {
	payment.window == {"start": "2024-09-15", "end": "2024-12-31"} with input as f.on("2024-10-10", f.adult)
}

# ---- 中途参保 groups (六(二), R-MIDYEAR-GROUPS) -------------------------------

# 「出生6个月内」: 2025-02-01 + 6 months is 2025-08-01, still in (R-NEWBORN-MONTHS).
test_newborn_group_ends_six_months_after_birth if {
	payment.mid_year_groups == {"newborn"} with input as f.on("2025-08-01", f.baby_2025)
	payment.mid_year_groups == set() with input as f.on("2025-08-02", f.baby_2025)
	payment.status == "mid_year" with input as f.on("2025-08-01", f.baby_2025)
	payment.amount_due == 400 with input as f.on("2025-08-01", f.baby_2025)
	payment.status == "late" with input as f.on("2025-08-02", f.baby_2025)
	payment.amount_due == 1070 with input as f.on("2025-08-02", f.baby_2025)
}

test_fully_funded_is_a_mid_year_group_paying_nothing if {
	r := f.plus(f.wuhua_adult, {"identities": ["orphan"]})
	payment.mid_year_groups == {"fully_funded"} with input as f.on("2025-03-01", r)
	payment.status == "mid_year" with input as f.on("2025-03-01", r)
	payment.amount_due == 0 with input as f.on("2025-03-01", r)
	payment.status == "mid_year" with input as f.on("2025-08-10", r)
	payment.amount_due == 0 with input as f.on("2025-08-10", r)
}

# A trigger counts from the window's opening day (R-MIDYEAR-TRIGGER); one
# before it left the whole window to enroll in, one after the date has not
# happened yet.
test_a_life_event_counts_only_from_the_window_to_the_date if {
	moved := f.plus(f.adult, {"events": {"hukou_moved_in": "2025-02-15"}})
	payment.mid_year_groups == {"hukou_moved_in"} with input as f.on("2025-03-01", moved)
	payment.status == "mid_year" with input as f.on("2025-03-01", moved)
	payment.amount_due == 400 with input as f.on("2025-03-01", moved)

	early := f.plus(f.adult, {"events": {"hukou_moved_in": "2024-08-01"}})
	payment.mid_year_groups == set() with input as f.on("2025-03-01", early)
	payment.status == "late" with input as f.on("2025-03-01", early)

	later := f.plus(f.adult, {"events": {"discharged_from_military": "2025-04-01"}})
	payment.status == "late" with input as f.on("2025-03-01", later)
	payment.status == "mid_year" with input as f.on("2025-04-01", later)
}

test_refund_events_are_no_mid_year_trigger if {
	r := f.plus(f.adult, {"events": {"death": "2025-02-01", "employee_insurance_started": "2025-02-01"}})
	payment.mid_year_groups == set() with input as f.on("2025-03-01", r)
}

test_mid_year_ends_with_the_year if {
	r := f.plus(f.wuhua_adult, {"identities": ["subsistence_allowance"]})
	payment.status == "mid_year" with input as f.on_2025("2025-12-31", r)
	payment.status == "closed" with input as f.on_2025("2026-01-05", r)
	payment.amount_due == null with input as f.on_2025("2026-01-05", r)
}

# ---- 一次性足额 (二, R-EXACT-AMOUNT) ------------------------------------------

# An adult who paid `amount` on `date`, asked on 2025-08-10.
paid(date, amount) := f.on("2025-08-10", f.plus(f.adult, {"payment": {"date": date, "amount": amount}}))

test_accepted_is_null_without_a_payment if {
	payment.accepted == null with input as f.on("2024-10-10", f.adult)
}

test_accepted_only_for_the_exact_amount_on_a_payable_day if {
	payment.accepted with input as paid("2024-10-01", 400)
	payment.accepted == false with input as paid("2024-10-01", 399.5)
	payment.accepted == false with input as paid("2024-10-01", 1070)
	payment.accepted with input as paid("2025-06-30", 400)
	payment.accepted == false with input as paid("2025-07-01", 400)
	payment.accepted with input as paid("2025-07-01", 1070)
	payment.accepted == false with input as paid("2024-09-14", 400)
}

test_fully_funded_payment_of_nothing_is_the_contribution if {
	r := f.plus(f.wuhua_adult, {"identities": ["entitled_group"], "payment": {"date": "2024-10-01", "amount": 0}})
	payment.accepted with input as f.on("2024-10-20", r)
}

test_full_payment_entry_variants if {
	ok := f.entry("one_time_full_payment", paid("2024-10-01", 400))
	ok.outcome == "passed"
	ok.reading == "R-EXACT-AMOUNT"
	contains(ok.message.en, "Paid 400 yuan on 2024-10-01, the full 400 yuan due that day")

	part := f.entry("one_time_full_payment", paid("2024-10-01", 200))
	part.outcome == "failed"
	contains(part.message.en, "Paid 200 yuan on 2024-10-01, but the full 400 yuan")
	contains(part.message.zh, "缴费 200 元，当日应一次性足额缴纳 400 元")

	closed := f.entry("one_time_full_payment", paid("2024-09-01", 400))
	closed.outcome == "failed"
	contains(closed.message.en, "a day on which no payment is possible")
	contains(closed.message.en, "(before the collection window opens)")

	none := f.entry("one_time_full_payment", f.on("2024-10-10", f.adult))
	none.outcome == "not_applicable"
	none.message.en == "The record has no payment."
	not none.reading
}

# ---- trail entries ---------------------------------------------------------

test_collection_window_entry if {
	inside := f.entry("collection_window", f.on("2024-12-31", f.adult))
	inside.outcome == "passed"
	inside.clause == "梅市医保〔2024〕3号 三"
	contains(inside.message.zh, "2024-12-31 在缴费期内")
	outside := f.entry("collection_window", f.on("2025-01-01", f.adult))
	outside.outcome == "failed"
	contains(outside.message.en, "2025-01-01 is outside it")
}

test_late_payment_entry_variants if {
	first := f.entry("late_payment", f.on("2025-03-01", f.adult))
	first.outcome == "passed"
	first.clause == "梅市医保〔2024〕3号 六(一)"
	contains(first.message.en, "(until 2025-06-30); pay the individual standard of 400 yuan")

	second := f.entry("late_payment", f.on("2025-07-01", f.adult))
	second.outcome == "passed"
	contains(second.message.en, "(until 2025-09-30); pay the full standard of 1070 yuan")
	contains(second.message.zh, "全额筹资标准 1070 元")

	closed := f.entry("late_payment", f.on_2025("2025-10-01", f.adult))
	closed.outcome == "failed"
	contains(closed.message.en, "after the last late-payment day 2025-09-30")

	window := f.entry("late_payment", f.on("2024-10-10", f.adult))
	window.outcome == "not_applicable"

	newborn := f.entry("late_payment", f.on("2025-03-01", f.baby_2025))
	newborn.outcome == "not_applicable"
}

test_mid_year_entry_outcomes if {
	passed := f.entry("mid_year_enrollment", f.on("2025-03-01", f.baby_2025))
	passed.outcome == "passed"
	passed.reading == "R-MIDYEAR-GROUPS"
	contains(passed.message.en, "newborn within 6 months of birth")

	funded := f.plus(f.wuhua_adult, {"identities": ["subsistence_allowance"]})
	after := f.entry("mid_year_enrollment", f.on_2025("2026-01-05", funded))
	after.outcome == "failed"
	contains(after.message.en, "after the year's end (2025-12-31)")

	in_window := f.entry("mid_year_enrollment", f.on("2024-10-10", funded))
	in_window.outcome == "not_applicable"

	no_group := f.entry("mid_year_enrollment", f.on("2025-03-01", f.adult))
	no_group.outcome == "not_applicable"
	contains(no_group.message.en, "(none;")

	ineligible := f.entry("mid_year_enrollment", f.on("2025-03-01", f.plus(f.baby_2025, {"hukou_region": "440106"})))
	ineligible.outcome == "not_applicable"
}

test_several_groups_are_named_together if {
	r := f.plus(f.baby_2025, {"identities": ["orphan"]})
	e := f.entry("mid_year_enrollment", f.on("2025-03-01", r))
	contains(e.message.zh, "出生6个月内的新生儿、政府全额资助参保人员")
}
