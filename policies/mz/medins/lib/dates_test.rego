package mz.medins.lib.dates_test

import data.mz.medins.lib.dates

test_add_months_clamps_to_month_end if {
	dates.add_months("2025-01-31", 1) == "2025-02-28"
	dates.add_months("2024-01-31", 1) == "2024-02-29"
	dates.add_months("2024-11-15", 3) == "2025-02-15"
	dates.add_months("2025-12-31", 12) == "2026-12-31"
}

test_first_of_next_month_rolls_over_the_year if {
	dates.first_of_next_month("2025-12-10") == "2026-01-01"
	dates.first_of_next_month("2025-02-28") == "2025-03-01"
}

test_age_in_completed_years if {
	dates.age_years("2011-03-01", "2025-02-28") == 13
	dates.age_years("2011-03-01", "2025-03-01") == 14
	dates.age_years("2012-02-29", "2026-02-28") == 13
	dates.age_years("2012-02-29", "2026-03-01") == 14
}

test_invalid_date_is_not_valid if {
	not dates.valid("2025-02-29")
	dates.valid("2024-02-29")
	not dates.valid("2025-13-01")
}

test_add_days if {
	dates.add_days("2024-12-31", 1) == "2025-01-01"
}

test_later if {
	dates.later("2025-01-01", "2024-12-31") == "2025-01-01"
	dates.later("2024-01-01", "2024-12-31") == "2024-12-31"
}
