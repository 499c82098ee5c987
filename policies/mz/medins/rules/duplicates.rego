# 梅市医保〔2022〕4号 四(一): a person insured twice keeps one enrollment that
# can enjoy benefits and the duplicate ends. Which one stands follows
# 粤医保函〔2021〕333号, not in hand; the reading taken is R-2023-DUPLICATE:
# 职工医保 stands over 居民医保 (一 covers only people outside 职工医保); a
# student covered at a Meizhou school keeps the enrollment where the school
# is (三(二)); anyone else keeps the enrollment elsewhere and the Meizhou one
# ends (四(三) refunds a Meizhou payment for 「在其他统筹地区重复参加居民医保」).

# METADATA
# scope: package
# custom:
#   explains: []
package mz.medins.rules.duplicates

import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.rules.eligibility

_r := request.resident

_events := request.events

default _employee_side := false

_employee_side if _r.employee_insurance

_employee_side if _events.employee_insurance_started

_variant := "employee_insurance" if {
	_employee_side
	resident.has_payment
} else := "student_at_school" if {
	_r.resident_insurance_elsewhere
	resident.enrolled_at_meizhou_school
	eligibility.eligible
} else := "elsewhere" if {
	_r.resident_insurance_elsewhere
	resident.has_payment
} else := "elsewhere_unpaid" if {
	_r.resident_insurance_elsewhere
} else := "event" if {
	_events.duplicate_enrollment
} else := "not_applicable"

_paid := [_r.payment.date, _r.payment.amount] if resident.has_payment

_paid := ["", ""] if not resident.has_payment

_event_date := object.get(_events, "duplicate_enrollment", "")

# METADATA
# title: 清理重复参保，保留一个可享受待遇的参保关系
# description: Two enrollments with normal payment status for the same period (制度内 or 跨制度) are not allowed; the duplicate ends and one enrollment that can enjoy benefits is kept. Which one follows 粤医保函〔2021〕333号, not in hand (R-2023-DUPLICATE).
# custom:
#   short_name: duplicate_enrollment
#   last_year: 2023
#   zh:
#     employee_insurance: 跨制度重复参保：已参加职工医保，又于 %[1]s 缴纳居民医保费 %[2]v 元。保留职工医保参保关系，终止本市居民医保参保关系；个人缴费是否退回按四(三)。
#     student_at_school: 制度内重复参保：本年度已在外地参加居民医保，又在本市学校就读。保留学校所在地（本市）的参保关系，暂停外地参保关系（三(二)）。
#     elsewhere: 制度内重复参保：本年度已在外地参加居民医保。保留外地参保关系，不在本市重复参保；已在本市缴费的（%[1]s，%[2]v 元），终止本市参保关系，个人缴费是否退回按四(三)。
#     elsewhere_unpaid: 制度内重复参保：本年度已在外地参加居民医保。保留外地参保关系，不在本市重复参保。
#     event: "%[3]s 出现重复参保或重复缴费：终止重复的本市参保关系，保留一个可享受待遇的参保关系；个人缴费是否退回按四(三)。"
#     not_applicable: 记录未显示重复参保。
#   en:
#     employee_insurance: "Insured across systems: in employee insurance and also paid %[1]v yuan of resident insurance on %[2]s. The employee insurance stands; the Meizhou resident enrollment ends, and a refund follows 四(三)."
#     student_at_school: Insured twice in resident insurance, elsewhere and as a student at a Meizhou school. The enrollment where the school is (Meizhou) stands; the one elsewhere is suspended (三(二)).
#     elsewhere: "Insured twice in resident insurance: already enrolled elsewhere for this year. That enrollment stands and the person does not enroll in Meizhou as well; a Meizhou payment (%[1]v yuan on %[2]s) ends with the Meizhou enrollment, and a refund follows 四(三)."
#     elsewhere_unpaid: Already enrolled in resident insurance elsewhere for this year; that enrollment stands and the person does not enroll in Meizhou as well.
#     event: "A duplicate enrollment or payment arose on %[3]s; the duplicate Meizhou enrollment ends and one enrollment that can enjoy benefits is kept; a refund follows 四(三)."
#     not_applicable: The record shows no duplicate enrollment.
outcome["duplicate_enrollment"] := "not_applicable" if {
	_variant == "not_applicable"
} else := "passed" if {
	_variant == "student_at_school"
} else := "failed"

explain["duplicate_enrollment"] := {
	"v": _variant,
	"zh": [_paid[0], _paid[1], _event_date],
	"en": [_paid[1], _paid[0], _event_date],
}

# METADATA
# title: 清理重复参保
# description: |
#   The same person enrolled twice in one period (in one scheme or across
#   schemes) keeps one enrollment; the others end at once, and a payment made
#   twice may be refunded on application before the benefit period (四(三)).
#   The roster's duplicates report applies it to an ID number that appears
#   more than once. 2025 has no such clause; the 2023 one is carried over as
#   the refund rule is.
# custom:
#   short_name: duplicate_enrollment_cleanup
#   zh: 同一参保人员同一时间段内有两条及以上参保缴费状态正常的参保记录的，应及时终止重复的参保关系，按规定保留一个可享受待遇的参保关系；重复缴费在待遇享受期开始前可依申请退费（四(三)）。
#   en: Where one person has two or more valid enrollments for the same period, the duplicates are ended at once and one enrollment with benefits is kept; a payment made twice may be refunded on application before the benefit period begins (四(三)).
duplicate_enrollment_cleanup := true
