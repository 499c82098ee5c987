# Conditions every enrollee meets whatever the category (2025 一; 2023 一 and
# 四(一)): a failed condition makes the resident ineligible. Each rule is a
# trail entry; eligibility reads the conditions the year's table lists.

# METADATA
# scope: package
# custom:
#   explains: [eligible, categories]
package mz.medins.rules.conditions

import data.mz.medins.lib.request
import data.mz.medins.lib.resident

_r := request.resident

# METADATA
# title: 未参加职工基本医疗保险
# description: 居民医保 covers only people outside 职工医保; the notices state it for hukou residents and 居住证 holders, and it is applied to every category (R-EMPLOYEE-ALL).
# custom:
#   short_name: not_in_employee_insurance
#   zh:
#     passed: 目前未参加职工基本医疗保险。
#     failed: 目前已参加职工基本医疗保险，不属居民医保参保对象。
#   en:
#     passed: Not currently covered by employee basic medical insurance.
#     failed: Currently covered by employee basic medical insurance, so not covered by resident insurance.
outcome["not_in_employee_insurance"] := {true: "failed", false: "passed"}[_r.employee_insurance]

explain["not_in_employee_insurance"] := {"zh": [], "en": []}

_one_enrollment_variant := "passed" if {
	not _r.resident_insurance_elsewhere
} else := "student_moves" if {
	resident.enrolled_at_meizhou_school
} else := "failed"

# METADATA
# title: 同一年度只保留一个居民医保参保关系
# description: A person enrolled in 居民医保 elsewhere for the year may not enroll here as well; a student at a Meizhou school suspends the enrollment at origin and joins where the school is (2023 三(二), 2025 五(二) 含外市户籍学生).
# custom:
#   short_name: one_enrollment_only
#   zh:
#     passed: 本年度未在其他地区参加居民医保。
#     student_moves: 本年度已在其他地区参加居民医保；在本市学校就读，可暂停原参保关系后在学校所在地参保。
#     failed: 本年度已在原籍地或其他地区参加居民医保，不能在本市重复参保。
#   en:
#     passed: Not enrolled in resident insurance elsewhere for this year.
#     student_moves: Enrolled in resident insurance elsewhere for this year; as a student at a Meizhou school, may suspend that enrollment and join where the school is.
#     failed: Already enrolled in resident insurance at origin or elsewhere for this year; may not enroll in Meizhou as well.
outcome["one_enrollment_only"] := {"passed": "passed", "student_moves": "passed", "failed": "failed"}[_one_enrollment_variant]

explain["one_enrollment_only"] := {"v": _one_enrollment_variant, "zh": [], "en": []}
