# Refund of a payment already made (2023 四(三); carried to 2025, which has
# no refund clause, by R-REFUND-2025): on application, for death, duplicate
# payment, joining 职工医保 or enrolling elsewhere, before the benefit period
# begins; never once it has begun.

# METADATA
# scope: package
# custom:
#   explains: [refund]
package mz.medins.rules.refund

import data.mz.medins.lib.names
import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.rules.benefit
import data.mz.medins.rules.payment

_p := request.params

_triggers := {t: d | some t in _p.refund.triggers; d := request.events[t]}

_first_trigger := min({d | some _, d in _triggers}) if count(_triggers) > 0

# Joining 职工医保 or enrolling elsewhere is itself what makes the person
# ineligible on as_of; the payment is judged as the record stood before
# that trigger (2023 四(三) refunds exactly these cases).
_undone := {"employee_insurance_started": "employee_insurance", "duplicate_enrollment": "resident_insurance_elsewhere"}

_undo := {flag: false | some t, flag in _undone; _triggers[t]}

_accepted := payment.accepted if count(_undo) == 0

_accepted := a if {
	count(_undo) > 0
	a := payment.accepted with input.resident as object.union(input.resident, _undo)
}

_own_start := benefit.start if count(_undo) == 0

_own_start := s if {
	count(_undo) > 0
	s := benefit.start with input.resident as object.union(input.resident, _undo)
}

# The person's own benefit start decides (R-REFUND-START); the trigger's
# date, not the application's, is compared with it (R-REFUND-TRIGGER-DATE).
_benefit_start := _own_start if _own_start != null

_benefit_start := _p.benefit_year.start if _own_start == null

# METADATA
# title: 可否依申请退费
# custom:
#   short_name: refund_eligible
#   zh: 已缴费且有退费情形时，情形发生在待遇享受期开始前则可退费。
#   en: With a payment and a refund case, refundable when the case arose before the benefit period began.
eligible := null if {
	not resident.has_payment
} else := null if {
	count(_triggers) == 0
} else := false if {
	_accepted == false
} else := _first_trigger < _benefit_start

_variant := "no_case" if {
	eligible == null
} else := "not_contribution" if {
	_accepted == false
} else := "before_benefit" if {
	eligible
} else := "after_benefit"

# METADATA
# title: 退费
# description: A payment may be refunded on application when the person dies, paid twice, joined 职工医保 or enrolled elsewhere before the benefit period began; not once it has begun.
# custom:
#   short_name: refund
#   zh:
#     before_benefit: "%[1]v 发生退费情形（%[2]v），早于待遇享受期开始日 %[3]v，可依申请退费。"
#     after_benefit: "%[1]v 发生退费情形（%[2]v），待遇享受期已于 %[3]v 开始，个人缴费不再退回。"
#     not_contribution: 记录中的缴费未被确认为本年度缴费，不按退费规定处理（应予更正）。
#     no_case: 没有缴费或没有退费情形，本条不适用。
#   en:
#     before_benefit: "A refund case (%[2]v) arose on %[1]v, before the benefit period starts on %[3]v; the payment may be refunded on application."
#     after_benefit: "A refund case (%[2]v) arose on %[1]v, after the benefit period began on %[3]v; the payment is not refunded."
#     not_contribution: The record's payment was not accepted as the year's contribution, so the refund rule does not apply (it is corrected instead).
#     no_case: No payment or no refund case; not applicable.
outcome["refund"] := "not_applicable" if {
	_variant in {"no_case", "not_contribution"}
} else := {true: "passed", false: "failed"}[eligible]

explain["refund"] := {
	"v": _variant,
	"zh": [_first_trigger_or_empty, n.zh, _benefit_start],
	"en": [_first_trigger_or_empty, n.en, _benefit_start],
} if n := names.list("events", object.keys(_triggers))

_first_trigger_or_empty := _first_trigger if count(_triggers) > 0

_first_trigger_or_empty := "" if count(_triggers) == 0
