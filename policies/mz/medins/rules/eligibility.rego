# Whether the resident may enroll (2025 一, 2023 一): some category of the
# year fits and no condition of the year fails. The year's table says which
# categories and conditions serve it (the build lists them in the resolved
# year); their outcomes are read by id, so only those rules are evaluated.

# METADATA
# scope: package
# custom:
#   explains: [eligible, categories]
package mz.medins.rules.eligibility

import data.mz.medins.lib.names
import data.mz.medins.lib.request

# METADATA
# title: 参保对象类别
# description: The codes of the year's 参保对象 categories the resident falls in (the ids of the categories rules that passed).
# custom:
#   short_name: categories
#   zh: 居民符合的参保对象类别。
#   en: The 参保对象 categories the resident falls in.
categories := sort([id |
	some id in request.params.categories
	data.mz.medins.rules.categories.outcome[id] == "passed"
])

_failed_conditions := [id |
	some id in request.params.conditions
	data.mz.medins.rules.conditions.outcome[id] == "failed"
]

default eligible := false

# METADATA
# title: 可否参加本市居民医保
# custom:
#   short_name: eligible
#   zh: 至少符合一类参保对象且满足全部条件。
#   en: At least one category fits and no condition fails.
eligible if {
	count(categories) > 0
	count(_failed_conditions) == 0
}

# METADATA
# title: 属居民医保参保对象
# description: The resident falls in at least one 参保对象 category and meets every condition.
# custom:
#   short_name: enrollment_scope
#   zh:
#     passed: "属参保对象（%[1]s），可参加本市居民医保。"
#     failed: "不属参保对象：符合的类别 %[1]s，未满足的条件 %[2]s。"
#   en:
#     passed: "Covered (%[1]s); may enroll in Meizhou resident insurance."
#     failed: "Not covered; matching categories %[1]s, unmet conditions %[2]s."
outcome["enrollment_scope"] := {true: "passed", false: "failed"}[eligible]

explain["enrollment_scope"] := {"zh": [c.zh, f.zh], "en": [c.en, f.en]} if {
	c := names.ordered("categories", categories)
	f := names.ordered("conditions", _failed_conditions)
}
