# Facts about the resident that several rules read; no policy numbers.
package mz.medins.lib.resident

import data.mz.medins.lib.dates
import data.mz.medins.lib.regions
import data.mz.medins.lib.request

_r := request.resident

field(name) := object.get(_r, name, null)

default hukou_in_meizhou := false

hukou_in_meizhou if regions.in_meizhou(_r.hukou_region)

default lives_in_meizhou := false

lives_in_meizhou if regions.in_meizhou(_r.residence_region)

default is_student := false

is_student if is_object(_r.student)

default studies_in_meizhou := false

studies_in_meizhou if regions.in_meizhou(_r.student.school_region)

default full_time_or_preschool := false

full_time_or_preschool if _r.student.full_time == true

full_time_or_preschool if _r.student.level == "preschool"

# Full-time pupils and students, and preschool children, at a Meizhou school.
default enrolled_at_meizhou_school := false

enrolled_at_meizhou_school if {
	studies_in_meizhou
	full_time_or_preschool
}

has_identity(identity) if identity in request.identities

age_on(date) := dates.age_years(request.birth_date, date)

# 「出生6个月内」 (2023 四(二), and 2025 by R-MIDYEAR-GROUPS): through the day
# six calendar months after birth, 以内 including the number (R-NEWBORN-MONTHS).
newborn_until := dates.add_months(request.birth_date, request.params.mid_year_enrollment.newborn_months)

# The day a payment is made: the record's payment date where it gives one,
# otherwise as_of (CONTRACT §3, benefit.start).
payment_date := _r.payment.date

payment_date := request.as_of if not _r.payment

default has_payment := false

has_payment if is_object(_r.payment)
