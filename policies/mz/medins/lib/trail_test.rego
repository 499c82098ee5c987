# The trail helpers on synthetic METADATA chains (policy year 2025).
package mz.medins.lib.trail_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.lib.trail

req := f.on("2024-10-10", f.adult)

chain(custom) := [{"path": ["data", "mz", "medins", "x", "rule"], "annotations": {"custom": custom}}]

test_entry_from_one_template_per_language if {
	e := trail.entry(chain({"clause": {"2025": "五(三)"}, "zh": "甲 %v 元", "en": "A %v yuan"}), "passed", [400]) with input as req
	e == {
		"rule": "mz.medins.x.rule",
		"clause": "梅市医保〔2024〕3号 五(三)",
		"outcome": "passed",
		"message": {"zh": "甲 400 元", "en": "A 400 yuan"},
		"order": [5, 3],
	}
}

test_per_language_arguments if {
	e := trail.entry(chain({"clause": {"2025": "一"}, "zh": "在 %s", "en": "in %s"}), "passed", {"zh": ["梅江区"], "en": ["Meijiang"]}) with input as req
	e.message == {"zh": "在 梅江区", "en": "in Meijiang"}
}

test_a_template_without_verbs_ignores_the_facts if {
	e := trail.entry(chain({"clause": {"2025": "二"}, "zh": "无变量", "en": "No verbs"}), "passed", [1, 2]) with input as req
	e.message == {"zh": "无变量", "en": "No verbs"}
}

test_a_missing_variant_shows_itself if {
	custom := {"clause": {"2025": "二"}, "zh": {"passed": "好"}, "en": {"passed": "good"}}
	e := trail.entry_with(chain(custom), "failed", "failed", [], {}) with input as req
	e.message == {"zh": "(no message for failed)", "en": "(no message for failed)"}
}

test_facts_missing_for_a_language_show_the_marker_not_the_verbs if {
	custom := {"clause": {"2025": "二"}, "zh": "甲 %v", "en": "A %v"}
	e := trail.entry(chain(custom), "passed", {"zh": [1]}) with input as req
	e.message == {"zh": "甲 1", "en": "(no message for passed)"}
}

test_a_rule_without_the_years_clause_makes_no_entry if {
	not trail.entry(chain({"clause": {"2023": "一"}, "zh": "x", "en": "x"}), "passed", []) with input as req
}

test_extra_fields_override if {
	custom := {"clause": {"2025": "四"}, "zh": "x", "en": "x", "reading": "R-A"}
	e := trail.entry_with(chain(custom), "passed", "passed", [], {"reading": "R-B"}) with input as req
	e.reading == "R-B"
}

test_readings if {
	one := trail.entry(chain({"clause": {"2025": "四"}, "zh": "x", "en": "x", "reading": "R-A"}), "failed", []) with input as req
	one.reading == "R-A"
	by_year := trail.entry(chain({"clause": {"2025": "四"}, "zh": "x", "en": "x", "reading": {"2025": "R-B", "2023": "R-C"}}), "passed", []) with input as req
	by_year.reading == "R-B"
	other_year := trail.entry(chain({"clause": {"2025": "四"}, "zh": "x", "en": "x", "reading": {"2023": "R-C"}}), "passed", []) with input as req
	not other_year.reading
	na := trail.entry(chain({"clause": {"2025": "四"}, "zh": "x", "en": "x", "reading": "R-A"}), "not_applicable", []) with input as req
	not na.reading
}

test_another_documents_citation_and_its_order if {
	under := trail.entry(chain({"clause": {"2025": "国办发〔2024〕38号"}, "sort_under": {"2025": "六(二)"}, "zh": "x", "en": "x"}), "passed", []) with input as req
	under.clause == "国办发〔2024〕38号"
	under.order == [6, 2]
	last := trail.entry(chain({"clause": {"2025": "国办发〔2024〕38号"}, "zh": "x", "en": "x"}), "passed", []) with input as req
	last.order == [99, 0]
}

test_section_keys_follow_the_notice if {
	trail.section_key("一") == [1, 0]
	trail.section_key("五(一)") == [5, 1]
	trail.section_key("六(三)") == [6, 3]
	trail.section_key("五(三)") < trail.section_key("六")
	trail.section_key("六") < trail.section_key("六(一)")
}

test_outcome_of_a_boolean if {
	trail.outcome(true) == "passed"
	trail.outcome(false) == "failed"
}

test_the_rule_path_drops_only_the_data_root if {
	with_root := trail.entry(chain({"clause": {"2025": "一"}, "zh": "x", "en": "x"}), "passed", []) with input as req
	with_root.rule == "mz.medins.x.rule"
	inner := [{"path": ["mz", "data", "r"], "annotations": {"custom": {"clause": {"2025": "一"}, "zh": "x", "en": "x"}}}]
	trail.entry(inner, "passed", []).rule == "mz.data.r" with input as req
}
