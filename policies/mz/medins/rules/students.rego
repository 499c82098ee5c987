# 梅市医保〔2024〕3号 六(三): full-time students at Meizhou schools need no
# filing (备案) for treatment elsewhere in the listed cases.

# METADATA
# scope: package
# custom:
#   explains: [benefit]
package mz.medins.rules.students

import data.mz.medins.lib.request
import data.mz.medins.lib.resident
import data.mz.medins.rules.eligibility

default out_of_area_without_filing := false

# METADATA
# title: 参保学生异地就医免备案
# custom:
#   short_name: out_of_area_without_filing
#   first_year: 2025
#   zh: 在本市就读的全日制在校学生参保人，异地就医符合规定情形的免备案。
#   en: An enrolled full-time student at a Meizhou school needs no filing for eligible treatment elsewhere.
out_of_area_without_filing if {
	eligibility.eligible
	resident.studies_in_meizhou
	request.resident.student.full_time
}

# METADATA
# title: 参保学生异地就医免备案
# description: Full-time students at Meizhou schools get in-city benefits for eligible costs elsewhere without filing, in the cases the rules list.
# custom:
#   short_name: student_out_of_area_treatment
#   first_year: 2025
#   zh:
#     passed: 在本市就读的全日制在校学生，异地就医符合规定情形的不需办理备案，享受市内就医同等待遇。
#     not_applicable: 非在本市就读的全日制在校学生参保人，本条不适用。
#   en:
#     passed: A full-time student at a Meizhou school; eligible treatment elsewhere needs no filing and gets in-city benefits.
#     not_applicable: Not an enrolled full-time student at a Meizhou school.
outcome["student_out_of_area_treatment"] := {true: "passed", false: "not_applicable"}[out_of_area_without_filing]

explain["student_out_of_area_treatment"] := {"zh": [], "en": []}
