# Refunds (R-REFUND-2025): 梅市医保〔2022〕4号 四(三) carried over - death,
# duplicate payment, joining 职工医保 or enrolling elsewhere before the
# person's benefit period begins; never once it has begun.
package mz.medins.rules.refund_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.refund

paid_in_window(events) := f.plus(f.adult, {"payment": {"date": "2024-10-08", "amount": 400}, "events": events})

test_no_payment_or_no_trigger_is_null if {
	refund.eligible == null with input as f.on("2024-12-10", f.plus(f.adult, {"events": {"death": "2024-12-01"}}))
	refund.eligible == null with input as f.on("2024-12-10", paid_in_window({}))

	# A mid-year trigger is no refund trigger.
	refund.eligible == null with input as f.on("2025-03-10", paid_in_window({"released_from_prison": "2025-03-01"}))
	e := f.entry("refund", f.on("2024-12-10", paid_in_window({})))
	e.outcome == "not_applicable"
	e.message.en == "No payment or no refund case; not applicable."
	not e.reading
}

test_trigger_before_the_benefit_year if {
	every t in ["death", "duplicate_enrollment", "employee_insurance_started"] {
		refund.eligible with input as f.on("2024-12-30", paid_in_window({t: "2024-12-31"}))
	}
}

test_trigger_on_or_after_the_first_benefit_day if {
	refund.eligible == false with input as f.on("2025-01-05", paid_in_window({"death": "2025-01-01"}))
	e := f.entry("refund", f.on("2025-01-05", paid_in_window({"death": "2025-01-01"})))
	e.outcome == "failed"
	e.reading == "R-REFUND-2025"
	e.clause == "梅市医保〔2022〕4号 四(三)"
	e.message.en == "A refund case (death) arose on 2025-01-01, after the benefit period began on 2025-01-01; the payment is not refunded."
}

# The earliest of several triggers decides.
test_earliest_trigger if {
	r := paid_in_window({"death": "2025-02-01", "duplicate_enrollment": "2024-11-30"})
	refund.eligible with input as f.on("2025-02-10", r)
	e := f.entry("refund", f.on("2025-02-10", r))
	e.outcome == "passed"
	e.message.en == "A refund case (death, duplicate enrollment or payment) arose on 2024-11-30, before the benefit period starts on 2025-01-01; the payment may be refunded on application."
}

# R-REFUND-START: a late payer's own start (payment day + wait) decides.
test_late_payers_own_benefit_start if {
	r := f.plus(f.adult, {"payment": {"date": "2025-03-01", "amount": 400}, "events": {"death": "2025-05-31"}})
	refund.eligible with input as f.on("2025-06-10", r)
	r2 := f.plus(f.adult, {"payment": {"date": "2025-03-01", "amount": 400}, "events": {"death": "2025-06-01"}})
	refund.eligible == false with input as f.on("2025-06-10", r2)
}

# A payment that was never the year's contribution is corrected, not refunded.
test_a_rejected_payment_is_no_refund_case if {
	r := f.plus(f.adult, {"payment": {"date": "2024-10-08", "amount": 200}, "events": {"death": "2024-12-01"}})
	refund.eligible == false with input as f.on("2024-12-10", r)
	e := f.entry("refund", f.on("2024-12-10", r))
	e.outcome == "not_applicable"
	contains(e.message.en, "was not accepted as the year's contribution")
}

# Joining 职工医保 or enrolling elsewhere makes the person ineligible on
# as_of; the payment is judged as it stood before that trigger.
test_the_trigger_itself_does_not_reject_the_payment if {
	joined := f.plus(paid_in_window({"employee_insurance_started": "2024-12-01"}), {"employee_insurance": true})
	refund.eligible with input as f.on("2024-12-10", joined)
	twice := f.plus(paid_in_window({"duplicate_enrollment": "2024-12-01"}), {"resident_insurance_elsewhere": true})
	refund.eligible with input as f.on("2024-12-10", twice)
	late := f.plus(paid_in_window({"employee_insurance_started": "2025-03-01"}), {"employee_insurance": true})
	refund.eligible == false with input as f.on("2025-03-10", late)
}
