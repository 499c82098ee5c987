# 梅市医保〔2024〕3号 五(一) (channels; the fully funded use none) and 五(二)
# (大专院校、技工学校 collect as a school where the school is).
package mz.medins.rules.channels_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.channels

ordinary := ["yueyibao", "yueshengshi", "yueshuitong", "bank_window", "tax_office_window", "bank_direct_debit"]

in_window(resident) := f.on("2024-10-10", resident)

test_ordinary_resident if {
	channels.channels == ordinary with input as in_window(f.adult)
	e := f.entry("payment_channels", in_window(f.adult))
	e.outcome == "passed"
	e.clause == "梅市医保〔2024〕3号 五(一)"
	e.message.en == "Payment channels open: Yueyibao (粤医保), Yueshengshi (粤省事), Yueshuitong (粤税通), bank counter, tax office counter, bank direct debit."
	e.message.zh == "可用缴费渠道：粤医保、粤省事、粤税通、银行窗口、税务部门窗口、签约银行扣款。"
}

test_relative_employee_account_only_when_available if {
	channels.channels == array.concat(ordinary, ["employee_account_relative"]) with input as in_window(f.plus(f.adult, {"relative_employee_account": true}))
	channels.channels == ordinary with input as in_window(f.plus(f.adult, {"relative_employee_account": false}))
}

# The 2023 乡村金融服务站 is no 2025 channel, rural or not.
test_rural_adds_nothing_in_2025 if {
	channels.channels == ordinary with input as in_window(f.plus(f.adult, {"rural": true}))
}

# A year whose list has a rural-only channel opens it to rural residents only.
test_a_rural_only_channel if {
	list := [{"code": "yueyibao", "kind": "online"}, {"code": "rural_station", "kind": "offline", "requires": "rural"}]
	channels.channels == ["yueyibao", "rural_station"] with input as in_window(f.plus(f.adult, {"rural": true}))
		with data.params["2025"].channels.list as list
	channels.channels == ["yueyibao"] with input as in_window(f.adult)
		with data.params["2025"].channels.list as list
}

test_school_channel_for_higher_education_and_vocational_in_meizhou if {
	every level in ["higher_education", "vocational"] {
		r := f.plus(f.adult, {"student": {"level": level, "full_time": true, "school_region": "441402"}})
		channels.channels == array.concat(ordinary, ["school"]) with input as in_window(r)
	}
}

test_no_school_channel_for_other_levels if {
	every level in ["primary", "secondary"] {
		r := f.plus(f.adult, {"student": {"level": level, "full_time": true, "school_region": "441402"}})
		channels.channels == ordinary with input as in_window(r)
	}
	kid := f.plus(f.adult, {"student": {"level": "preschool", "school_region": "441402"}})
	channels.channels == ordinary with input as in_window(kid)
}

# A Meizhou-hukou student at a university elsewhere pays at home, not through
# that school (属地管理).
test_no_school_channel_for_a_school_outside_meizhou if {
	r := f.plus(f.adult, {"student": {"level": "higher_education", "full_time": true, "school_region": "440106"}})
	channels.channels == ordinary with input as in_window(r)
}

test_fully_funded_and_ineligible_have_none if {
	funded := f.plus(f.wuhua_adult, {"identities": ["de_facto_unsupported_child"], "relative_employee_account": true})
	channels.channels == [] with input as in_window(funded)
	e := f.entry("payment_channels", in_window(funded))
	e.outcome == "not_applicable"
	e.message.en == "Fully subsidised by government; nothing to pay, so no payment channel."

	out := f.plus(f.adult, {"employee_insurance": true})
	channels.channels == [] with input as in_window(out)
	i := f.entry("payment_channels", in_window(out))
	i.outcome == "not_applicable"
	i.message.zh == "不属参保对象，无缴费渠道。"
}

test_fully_funded_student_has_no_school_channel if {
	r := f.plus(f.adult, {"identities": ["orphan"], "student": {"level": "higher_education", "full_time": true, "school_region": "441402"}})
	channels.channels == [] with input as in_window(r)
}
