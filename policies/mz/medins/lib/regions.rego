# GB/T 2260 region codes: which belong to Meizhou, and their names.
package mz.medins.lib.regions

in_meizhou(code) if data.mz.reference.regions[code]

name(code, lang) := data.mz.reference.regions[code][lang]

name(code, _) := code if not data.mz.reference.regions[code]

# "441402 梅江区" / "441402 (Meijiang District)"; a code outside Meizhou stands alone.
label(code, "zh") := sprintf("%s %s", [code, data.mz.reference.regions[code].zh])

label(code, "en") := sprintf("%s (%s)", [code, data.mz.reference.regions[code].en])

label(code, _) := code if {
	code != null
	not data.mz.reference.regions[code]
}

label(null, "zh") := "无"

label(null, "en") := "none"
