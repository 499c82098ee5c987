# Names of codes in both languages (data.mz.reference); no policy.
package mz.medins.lib.names

_none := {"zh": "无", "en": "none"}

# The name of one code (无 / none for null).
label(kind, code) := data.mz.reference[kind][code] if code != null

else := _none

# Names of a set of codes, each language sorted by its own names, or 无 / none.
list(kind, codes) := {
	"zh": concat("、", sort([data.mz.reference[kind][c].zh | some c in codes])),
	"en": concat(", ", sort([data.mz.reference[kind][c].en | some c in codes])),
} if {
	count(codes) > 0
} else := _none

# Names of codes in the order given (a year's channel list keeps its own order).
ordered(kind, codes) := {
	"zh": concat("、", [data.mz.reference[kind][c].zh | some c in codes]),
	"en": concat(", ", [data.mz.reference[kind][c].en | some c in codes]),
} if {
	count(codes) > 0
} else := _none
