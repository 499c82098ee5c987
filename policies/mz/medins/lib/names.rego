# Display names for codes in trail messages (data.mz.reference); no policy.
package mz.medins.lib.names

_separator := {"zh": "、", "en": ", "}

_none := {"zh": "无", "en": "none"}

# Names of the codes of one kind of reference list, sorted, or "none".
list(kind, codes, lang) := concat(_separator[lang], sort([data.mz.reference[kind][c][lang] | some c in codes])) if {
	count(codes) > 0
}

list(_, codes, lang) := _none[lang] if count(codes) == 0
