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
#
# Every decision builds some twenty-five entries, so this is the engine's hot path
# and is written for it: each OPA function call costs about as much as a
# dozen builtins, so the choices below are made with builtins in one body —
# an object keyed by true/false picks a value, and
# object.get({"v": x}, ["v", key], x) reads x[key] when x is an object
# holding key and gives x itself otherwise (a plain string or list).
entry_with(chain, outcome, variant, args, extra) := object.union(entry, extra) if {
	link := chain[0]
	custom := link.annotations.custom
	year := request.year_key
	section := custom.clause[year]
	elsewhere := contains(section, "〔")
	reading_by_year := object.get(custom, "reading", null)
	reading := object.get({"v": reading_by_year}, ["v", year], reading_by_year)

	# A not-applicable entry rests on no reading, so it names none.
	no_reading := object.get({"not_applicable": ["reading"]}, outcome, {true: [], false: ["reading"]}[is_string(reading)])
	sort_section := {false: section, true: object.get(custom, ["sort_under", year], "last")}[elsewhere]
	zh_template := object.get({"v": custom.zh}, ["v", variant], custom.zh)
	en_template := object.get({"v": custom.en}, ["v", variant], custom.en)
	entry := object.remove(
		{
			# OPA 1.22 gives the path without the "data" root; drop one should it appear.
			"rule": trim_prefix(concat(".", link.path), "data."),
			"clause": {true: section, false: sprintf("%s %s", [request.document, section])}[elsewhere],
			"outcome": outcome,
			"message": {
				"zh": _message(zh_template, variant, object.get({"v": args}, ["v", "zh"], args)),
				"en": _message(en_template, variant, object.get({"v": args}, ["v", "en"], args)),
			},
			"order": section_key(sort_section),
			"reading": reading,
		},
		no_reading,
	)
}

# template: the variant's template as entry_with picked it (still the whole
# object when the variant has none). A template with no verbs is the message
# itself (sprintf would append the unused facts as %!(EXTRA …)); a template
# missing for a variant, or one sprintf cannot fill with the facts given (no
# list for the language), shows the marker instead of dropping the entry or
# leaving its verbs unfilled, and the tests fail on this marker.
_message(template, variant, args) := sprintf(template, args) if {
	is_string(template)
	contains(template, "%")
} else := template if {
	is_string(template)
	not contains(template, "%")
} else := sprintf("(no message for %s)", [variant])

_numerals := {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# Trail order is the notice's section order: 一 < 二 < … and 五(一) < 五(三).
# A citation of another document ("〔" in it) sorts under the section named
# by custom.sort_under for the year; with none it goes last ([99, 0]).
section_key(section) := [object.get(_numerals, substring(section, 0, 1), 99), object.get(_numerals, substring(section, 2, 1), 0)]

outcome(true) := "passed"

outcome(false) := "failed"
