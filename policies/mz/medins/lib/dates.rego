# Calendar arithmetic on ISO dates (YYYY-MM-DD). ISO strings compare
# correctly as strings, so rules compare dates with < and <= directly.
package mz.medins.lib.dates

parts(date) := [y, m, d] if {
	[y, m, d] := time.date(time.parse_ns("2006-01-02", date))
}

valid(date) if parts(date)

format(y, m, d) := sprintf("%04d-%02d-%02d", [y, m, d])

leap_year(y) if {
	y % 4 == 0
	y % 100 != 0
}

leap_year(y) if y % 400 == 0

days_in_month(y, 2) := 29 if leap_year(y)

days_in_month(y, m) := n if {
	not _is_leap_february(y, m)
	n := [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
}

_is_leap_february(y, 2) if leap_year(y)

# Calendar months later, on the same day of the month or the month's last day
# (2025-01-31 plus one month is 2025-02-28).
add_months(date, n) := result if {
	[y, m, d] := parts(date)
	months := (((y * 12) + m) - 1) + n
	ny := floor(months / 12)
	nm := (months - (ny * 12)) + 1
	result := format(ny, nm, min([d, days_in_month(ny, nm)]))
}

add_days(date, n) := result if {
	[y, m, d] := time.date(time.add_date(time.parse_ns("2006-01-02", date), 0, 0, n))
	result := format(y, m, d)
}

first_of_next_month(date) := format(ny, nm, 1) if {
	[y, m, _] := parts(date)
	ny := y + floor(m / 12)
	nm := (m % 12) + 1
}

# Completed years of age (周岁) on a date. A birthday on 29 February is
# reached on 1 March in a common year, the usual civil reading.
age_years(birth, on) := age if {
	[by, bm, bd] := parts(birth)
	[oy, om, od] := parts(on)
	age := (oy - by) - _before_birthday(bm, bd, om, od)
}

_before_birthday(bm, bd, om, od) := 1 if [om, od] < [bm, bd]

_before_birthday(bm, bd, om, od) := 0 if [om, od] >= [bm, bd]

later(a, b) := a if a >= b

later(a, b) := b if a < b

within(date, start, end) if {
	start <= date
	date <= end
}
