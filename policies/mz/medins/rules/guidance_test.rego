# The next-steps facts (issue 14): the payment timeline asked of payment's
# status function (梅市医保〔2024〕3号 三, 六(一), 六(二)), and the office.
package mz.medins.rules.guidance_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.guidance

next_steps(request) := n if {
	n := guidance.next_steps with input as request
}

# Before the window opens: it says when, and every period ahead with its amount.
test_before_the_window_it_names_the_opening_and_every_period_ahead if {
	n := next_steps(f.on_2025("2024-09-01", f.adult))
	n.status == "not_open"
	n.opens == "2024-09-15"
	n.until == null
	n.amount_due == null
	n.ahead == [
		{"from": "2024-09-15", "until": "2024-12-31", "status": "open", "amount": 400},
		{"from": "2025-01-01", "until": "2025-06-30", "status": "late", "amount": 400},
		{"from": "2025-07-01", "until": "2025-09-30", "status": "late", "amount": 1070},
	]
}

test_in_the_window_it_says_until_when_and_what_follows if {
	n := next_steps(f.on_2025("2024-10-10", f.adult))
	n.status == "open"
	n.amount_due == 400
	n.until == "2024-12-31"
	n.opens == null
	n.since == null
	[p.from | some p in n.ahead] == ["2025-01-01", "2025-07-01"]
}

# The issue's case: on 2025-08-10 the 1070 is explained by the change on 2025-07-01.
test_after_july_the_amount_names_the_change_that_made_it if {
	n := next_steps(f.on_2025("2025-08-10", f.adult))
	n.amount_due == 1070
	n.until == "2025-09-30"
	n.since == {"on": "2025-07-01", "amount_before": 400, "amount": 1070}
	n.ahead == []
	n.waiting_months == 3
}

# 2025-01-01 turns 缴费期 into 补缴 at the same 400: no amount changed.
test_a_change_of_status_at_the_same_amount_is_not_a_since if {
	n := next_steps(f.on_2025("2025-03-01", f.adult))
	n.status == "late"
	n.since == null
	n.until == "2025-06-30"
}

# A newborn's six months end on 2025-08-01 (R-NEWBORN-MONTHS); the next day
# she pays the 补缴 amount, and the timeline knows both.
test_a_newborns_mid_year_period_ends_with_her_six_months if {
	before := next_steps(f.on("2025-08-01", f.baby_2025))
	before.status == "mid_year"
	before.until == "2025-08-01"
	before.ahead == [{"from": "2025-08-02", "until": "2025-09-30", "status": "late", "amount": 1070}]
	after := next_steps(f.on("2025-08-02", f.baby_2025))
	after.since == {"on": "2025-08-02", "amount_before": 400, "amount": 1070}
}

test_an_accepted_payment_is_paid_with_its_benefit_dates if {
	r := f.plus(f.adult, {"payment": {"date": "2024-10-10", "amount": 400}})
	n := next_steps(f.on_2025("2024-10-10", r))
	n.paid
	n.benefit_start == "2025-01-01"
	n.benefit_end == "2025-12-31"
}

test_the_ineligible_get_no_payment_and_the_office_of_their_county if {
	r := f.plus(f.wuhua_adult, {"employee_insurance": true})
	n := next_steps(f.on("2024-10-10", r))
	not n.eligible
	n.amount_due == null
	n.ahead == []
	n.channels == []
	n.office == "441424"
}

# Where the county is not Meizhou's the office is the residence's, else the city's.
test_the_office_falls_back_to_the_residence_then_the_city if {
	next_steps(f.on("2024-10-10", f.plus(f.outsider, {"residence_region": "441403"}))).office == "441403"
	next_steps(f.on("2024-10-10", f.outsider)).office == data.mz.reference.city_region
}

test_2023_has_no_late_tiers_so_the_window_is_the_last_period if {
	n := next_steps(f.on_2023("2022-10-10", f.adult))
	n.status == "open"
	n.until == "2022-12-31"
	n.ahead == []
}
