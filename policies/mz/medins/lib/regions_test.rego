# Region codes and display names (lib/regions.rego, lib/names.rego).
package mz.medins.lib.regions_test

import data.mz.medins.lib.names
import data.mz.medins.lib.regions

test_meizhou_codes if {
	every code in ["441400", "441402", "441403", "441422", "441423", "441424", "441426", "441427", "441481"] {
		regions.in_meizhou(code)
	}
	not regions.in_meizhou("441421")
	not regions.in_meizhou("440106")
}

test_labels if {
	regions.label("441403") == {"zh": "梅县区", "en": "Meixian District"}
	regions.label("450102") == {"zh": "450102", "en": "450102"}
	regions.label(null) == {"zh": "无", "en": "none"}
}

test_name_lists if {
	names.list("identities", {"orphan", "severe_disability"}).zh == "孤儿、重度残疾人员"
	names.list("mid_year_groups", ["newborn"]).en == "newborn within 6 months of birth"
	names.list("identities", set()) == {"zh": "无", "en": "none"}
	names.ordered("channels", ["yueyibao", "school"]).zh == "粤医保、学校统一办理"
	names.label("assistance_sources", null).en == "none"
	names.label("assistance_sources", "county_government").zh == "县级政府"
}
