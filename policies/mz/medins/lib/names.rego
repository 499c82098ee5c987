# Display names for codes in trail messages (data.mz.reference); no policy.
package mz.medins.lib.names

_separator := {"zh": "、", "en": ", "}

_none := {"zh": "无", "en": "none"}

# Names of the codes of one kind of reference list, sorted, or "none".
list(kind, codes, lang) := concat(_separator[lang], sort([data.mz.reference[kind][c][lang] | some c in codes])) if {
	count(codes) > 0
}

list(_, codes, lang) := _none[lang] if count(codes) == 0

# The name of one code ("无"/"none" for null).
label(_, null, lang) := _none[lang]

label(kind, code, lang) := data.mz.reference[kind][code][lang] if code != null

# Names of codes in the order given (a year's channel list keeps its own order).
ordered(kind, codes, lang) := concat(_separator[lang], [data.mz.reference[kind][c][lang] | some c in codes]) if {
	count(codes) > 0
}

ordered(_, codes, lang) := _none[lang] if count(codes) == 0
