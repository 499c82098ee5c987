# 梅市医保〔2024〕3号 一, the categories both notices word alike: hukou
# residents, 居住证 holders not insured at origin, HMT residents (R-HMT-PERMIT).
package mz.medins.common.categories_test

import data.mz.medins.common.categories
import data.mz.medins.lib.fixtures_test as f

in_window(resident) := f.on("2024-10-10", resident)

permit := f.plus(f.outsider, {"residence_region": "441481", "residence_permit_region": "441481"})

test_hukou_resident if {
	every code in ["441400", "441402", "441403", "441422", "441423", "441424", "441426", "441427", "441481"] {
		e := categories.hukou_resident with input as in_window(f.plus(f.adult, {"hukou_region": code}))
		e.outcome == "passed"
	}
	out := categories.hukou_resident with input as in_window(f.outsider)
	out.outcome == "failed"
	out.message.en == "Household registration 450102 is not in Meizhou."
	none := categories.hukou_resident with input as in_window(f.foreigner)
	none.outcome == "failed"
	none.message.zh == "户籍地 无 不属本市，不属本市户籍城乡居民。"
}

test_hukou_message_names_the_region if {
	e := categories.hukou_resident with input as in_window(f.adult)
	e.message.zh == "户籍地 441402 梅江区 属本市，属本市户籍城乡居民。"
	e.message.en == "Household registration 441402 (Meijiang District) is in Meizhou, so the resident is a Meizhou-registered resident."
}

test_residence_permit_holder if {
	ok := categories.residence_permit_holder with input as in_window(permit)
	ok.outcome == "passed"
	ok.message.en == "Holds a Meizhou residence permit (441481 (Xingning City)) and is not enrolled in resident insurance at the place of origin."

	origin := categories.residence_permit_holder with input as in_window(f.plus(permit, {"resident_insurance_elsewhere": true}))
	origin.outcome == "failed"
	contains(origin.message.en, "already enrolled in resident insurance at origin or elsewhere")

	away := categories.residence_permit_holder with input as in_window(f.plus(permit, {"residence_permit_region": "440106"}))
	away.outcome == "failed"
	away.message.en == "The residence permit was issued by 440106, outside Meizhou."
}

test_residence_permit_not_applicable if {
	none := categories.residence_permit_holder with input as in_window(f.outsider)
	none.outcome == "not_applicable"

	# A Meizhou hukou resident's permit adds no category.
	local := categories.residence_permit_holder with input as in_window(f.plus(f.adult, {"residence_permit_region": "441481"}))
	local.outcome == "not_applicable"
}

test_hmt_resident if {
	ok := categories.hmt_resident with input as in_window(f.hmt)
	ok.outcome == "passed"
	ok.reading == "R-HMT-PERMIT"
	ok.message.zh == "持港澳台居民居住证，居住在本市（441403 梅县区），未就业。"

	working := categories.hmt_resident with input as in_window(f.plus(f.hmt, {"employed": true}))
	working.outcome == "failed"
	contains(working.message.en, "but is employed")

	away := categories.hmt_resident with input as in_window(f.plus(f.hmt, {"residence_region": "440106"}))
	away.outcome == "failed"
	away.message.en == "Holds an HMT residence permit but lives in 440106, outside Meizhou."

	no_residence := categories.hmt_resident with input as in_window(object.remove(f.hmt, ["residence_region"]))
	no_residence.outcome == "failed"

	other := categories.hmt_resident with input as in_window(f.adult)
	other.outcome == "not_applicable"
	not other.reading
}

# R-HMT-PERMIT: living in Meizhou is what counts, not the permit's issuer.
test_hmt_permit_need_not_be_meizhous if {
	e := categories.hmt_resident with input as in_window(f.plus(f.hmt, {"residence_permit_region": "440106"}))
	e.outcome == "passed"
}
