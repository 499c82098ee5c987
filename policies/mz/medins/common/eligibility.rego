# Whether the resident may enroll: some category of 一 fits and no
# condition fails. Categories come from common.categories and the requested
# year's own categories package.
package mz.medins.common.eligibility

import data.mz.medins.lib.names
import data.mz.medins.lib.request
import data.mz.medins.lib.trail
import data.mz.medins.lib.years

_year_categories := years.category_packages[request.year_key]

_year_categories := {} if not years.category_packages[request.year_key]

_category_entries := object.union(data.mz.medins.common.categories, _year_categories)

# METADATA
# title: 参保对象类别
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh: 居民符合的参保对象类别（规则名）。
#   en: "The 参保对象 categories the resident falls in (rule names)."
categories := sort([name |
	some name, entry in _category_entries
	is_object(entry)
	entry.outcome == "passed"
])

_failed_conditions := [name |
	some name, entry in data.mz.medins.common.conditions
	is_object(entry)
	entry.outcome == "failed"
]

default eligible := false

# METADATA
# title: 可否参加本市居民医保
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh: 至少符合一类参保对象且满足全部条件。
#   en: "At least one category fits and no condition fails."
eligible if {
	count(categories) > 0
	count(_failed_conditions) == 0
}

# METADATA
# title: 属居民医保参保对象
# description: The resident falls in at least one 参保对象 category and meets every condition.
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh:
#     passed: "属参保对象（%[1]s），可参加本市居民医保。"
#     failed: "不属参保对象：符合的类别 %[1]s，未满足的条件 %[2]s。"
#   en:
#     passed: "Covered (%[1]s); may enroll in Meizhou resident insurance."
#     failed: "Not covered; matching categories %[1]s, unmet conditions %[2]s."
enrollment_scope := trail.entry(
	rego.metadata.chain(),
	trail.outcome(eligible),
	{
		"zh": [names.ordered("categories", categories, "zh"), names.ordered("conditions", _failed_conditions, "zh")],
		"en": [names.ordered("categories", categories, "en"), names.ordered("conditions", _failed_conditions, "en")],
	},
)
