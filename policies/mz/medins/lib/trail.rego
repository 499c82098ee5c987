# Trail entries built from the METADATA of the rule that calls the helper
# (DESIGN.md, "The reasoning trail"): custom.clause maps a policy year to the
# section the rule rests on in that year's notice (or to a whole citation of
# another document, which contains "〔"); custom.zh / custom.en are sprintf
# templates, one string or one per outcome; custom.reading names the README
# row a reading rests on (one string, or one per year). A rule whose clause
# map lacks the requested year does not serve that year: the helper is then
# undefined and so is the rule, and it stays out of the trail.
package mz.medins.lib.trail

import data.mz.medins.lib.request

# args: one list for both languages, or {"zh": [...], "en": [...]} where a
# fact reads differently (a region's name).
entry(chain, outcome, args) := entry_with(chain, outcome, outcome, args, {})

# variant: the template key where one outcome has several messages (a rule
# that fails for different reasons); extra: fields that override or add to
# the entry, e.g. a reading id where only one branch rests on a reading.
entry_with(chain, outcome, variant, args, extra) := object.union(base, extra) if {
	annotations := chain[0].annotations
	section := annotations.custom.clause[request.year_key]
	base := object.union(
		{
			"rule": rule_path(chain[0].path),
			"clause": citation(section),
			"outcome": outcome,
			"message": {
				"zh": _message(annotations.custom.zh, variant, _args(args, "zh")),
				"en": _message(annotations.custom.en, variant, _args(args, "en")),
			},
			"order": _order(section, annotations.custom),
		},
		_reading(annotations.custom, outcome),
	)
}

# OPA 1.22 gives the path without the "data" root; drop one should it appear.
# (On the hot path: once per trail entry, so no per-element function calls.)
rule_path(path) := concat(".", array.slice(path, 1, count(path))) if path[0] == "data"

rule_path(path) := concat(".", path) if path[0] != "data"

citation(section) := section if contains(section, "〔")

citation(section) := sprintf("%s %s", [request.document, section]) if not contains(section, "〔")

_args(args, _) := args if is_array(args)

_args(args, lang) := args[lang] if is_object(args)

_message(template, _, args) := _fill(template, args) if is_string(template)

_message(templates, variant, args) := _fill(templates[variant], args) if is_object(templates)

# A template with no verbs is the message itself (sprintf would append the
# unused facts as %!(EXTRA …)).
_fill(template, args) := sprintf(template, args) if contains(template, "%")

_fill(template, _) := template if not contains(template, "%")

# A template missing for a variant shows itself instead of dropping the entry;
# the tests fail on this marker.
_message(templates, variant, _) := sprintf("(no message for %s)", [variant]) if {
	is_object(templates)
	not templates[variant]
}

# A not-applicable entry rests on no reading, so it names none.
_reading(custom, outcome) := _reading_value(object.get(custom, "reading", null)) if outcome != "not_applicable"

_reading(_, "not_applicable") := {}

_reading_value(reading) := {"reading": reading} if is_string(reading)

_reading_value(reading) := {"reading": reading[request.year_key]} if is_string(reading[request.year_key])

_reading_value(null) := {}

_reading_value(reading) := {} if {
	is_object(reading)
	not reading[request.year_key]
}

# Trail order is the notice's section order: 一 < 二 < … and 五(一) < 五(三).
# A citation of another document sorts under the section named by
# custom.sort_under for the year.
_order(section, custom) := section_key(custom.sort_under[request.year_key]) if contains(section, "〔")

# Citations that no section of the year's notice owns go last.
_order(section, custom) := [99, 0] if {
	contains(section, "〔")
	not custom.sort_under[request.year_key]
}

_order(section, _) := section_key(section) if not contains(section, "〔")

_numerals := {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

section_key(section) := [major, minor] if {
	major := _numerals[substring(section, 0, 1)]
	minor := _minor(section)
}

_minor(section) := _numerals[m[1]] if {
	m := regex.find_all_string_submatch_n(`\((.)\)`, section, 1)[0]
}

_minor(section) := 0 if not regex.match(`\(.\)`, section)

outcome(true) := "passed"

outcome(false) := "failed"
