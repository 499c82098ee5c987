# GB/T 2260 region codes: which belong to Meizhou, and how they read.
package mz.medins.lib.regions

in_meizhou(code) if data.mz.reference.regions[code]

# How a code reads in both languages: its name, 梅江区 / Meijiang District (no
# code is shown to a person where a name exists, issue 14 point 1); a code
# outside Meizhou, which has no name here, stands alone; no code reads 无 / none.
# One call for both languages: the trail needs both, and a call costs more
# than the two sprintf it makes.
label(code) := {"zh": n.zh, "en": n.en} if {
	n := data.mz.reference.regions[code]
} else := {"zh": code, "en": code} if {
	code != null
} else := {"zh": "无", "en": "none"}
