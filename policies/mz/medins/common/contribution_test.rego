# 梅市医保〔2024〕3号 二 (standard) and 五(三) (医疗救助 / 县级政府 full subsidy).
package mz.medins.common.contribution_test

import data.mz.medins.common.contribution
import data.mz.medins.lib.fixtures_test as f

in_window(resident) := f.on("2024-10-10", resident)

with_identities(ids) := in_window(f.plus(f.wuhua_adult, {"identities": ids}))

test_standard_1070_is_670_plus_400 if {
	contribution.total == 1070 with input as in_window(f.adult)
	contribution.fiscal_subsidy == 670 with input as in_window(f.adult)
	contribution.individual == 400 with input as in_window(f.adult)
	contribution.total == contribution.fiscal_subsidy + contribution.individual with input as in_window(f.adult)
	e := contribution.standard with input as in_window(f.adult)
	e.outcome == "passed"
	e.clause == "梅市医保〔2024〕3号 二"
	e.message.zh == "本年度筹资标准 1070 元，其中财政补助 670 元，个人缴费标准每人每年 400 元。"
}

# A year whose notice states only the individual share (2023 一) says so.
test_standard_without_a_total if {
	c := {"total": null, "fiscal_subsidy": null, "individual": 350, "clause": "二"}
	contribution.total == null with input as in_window(f.adult) with data.params["2025"].contribution as c
	contribution.fiscal_subsidy == null with input as in_window(f.adult) with data.params["2025"].contribution as c
	e := contribution.standard with input as in_window(f.adult) with data.params["2025"].contribution as c
	e.message.en == "This year's individual share is 350 yuan a person a year (the notice states no total)."
}

test_no_status_no_assistance if {
	contribution.assistance == null with input as in_window(f.adult)
	contribution.individual_due == 400 with input as in_window(f.adult)
	not contribution.fully_funded with input as in_window(f.adult)
}

test_every_medical_assistance_identity if {
	every id in ["extreme_poverty", "orphan", "de_facto_unsupported_child", "subsistence_allowance", "marginal_subsistence", "rural_poverty_risk"] {
		contribution.assistance == {"source": "medical_assistance", "amount": 400} with input as with_identities([id])
		contribution.individual_due == 0 with input as with_identities([id])
		contribution.fully_funded with input as with_identities([id])
	}
}

test_every_county_identity if {
	every id in ["severe_disability", "two_daughter_parent", "entitled_group"] {
		contribution.assistance == {"source": "county_government", "amount": 400} with input as with_identities([id])
		contribution.individual_due == 0 with input as with_identities([id])
	}
}

test_stable_poverty_exit_is_not_subsidised_in_2025 if {
	contribution.assistance == null with input as with_identities(["stable_poverty_exit"])
	contribution.individual_due == 400 with input as with_identities(["stable_poverty_exit"])
}

# R-SUBSIDY-PRIORITY: one source, 医疗救助 first.
test_two_sources_fund_once_by_medical_assistance if {
	ids := ["severe_disability", "marginal_subsistence"]
	contribution.assistance == {"source": "medical_assistance", "amount": 400} with input as with_identities(ids)
	contribution.individual_due == 0 with input as with_identities(ids)
	e := contribution.assistance_priority with input as with_identities(ids)
	e.outcome == "passed"
	e.reading == "R-SUBSIDY-PRIORITY"
	e.message.zh == "同时符合医疗救助与县级政府全额资助，由医疗救助资助，不重复资助。"
}

test_priority_entry_not_applicable_with_one_source_or_none if {
	one := contribution.assistance_priority with input as with_identities(["orphan"])
	one.outcome == "not_applicable"
	not one.reading
	none := contribution.assistance_priority with input as in_window(f.adult)
	none.outcome == "not_applicable"
}

test_ineligible_gets_no_subsidy_and_no_amount if {
	r := f.plus(f.wuhua_adult, {"identities": ["orphan", "severe_disability"], "employee_insurance": true})
	contribution.assistance == null with input as in_window(r)
	contribution.individual_due == null with input as in_window(r)
	ma := contribution.medical_assistance with input as in_window(r)
	ma.outcome == "not_applicable"
	county := contribution.county_full_subsidy with input as in_window(r)
	county.outcome == "not_applicable"
}

# ---- 14周岁以内 (R-GIRL-AGE): age in completed years on the payment day -------

test_girl_age_limit_includes_fourteen if {
	# born 2010-10-10: 13 the day before her 14th birthday, 14 on it
	contribution.assistance.source == "county_government" with input as in_window(f.girl_2010)
	contribution.assistance.source == "county_government" with input as f.on("2024-10-09", f.girl_2010)

	# born 2009-10-10: 14 on 2024-10-09, 15 on 2024-10-10
	contribution.assistance.source == "county_government" with input as f.on("2024-10-09", f.girl_2009)
	contribution.assistance == null with input as f.on("2024-10-10", f.girl_2009)
	contribution.individual_due == 400 with input as f.on("2024-10-10", f.girl_2009)
}

test_girl_age_is_taken_on_the_records_payment_day if {
	r := f.plus(f.girl_2009, {"payment": {"date": "2024-10-09", "amount": 0}})
	contribution.assistance.source == "county_government" with input as f.on("2024-10-20", r)
}

test_girl_entries_name_the_reading_and_the_age if {
	inside := contribution.county_full_subsidy with input as in_window(f.girl_2010)
	inside.outcome == "passed"
	inside.reading == "R-GIRL-AGE"

	over := contribution.county_full_subsidy with input as in_window(f.girl_2009)
	over.outcome == "failed"
	over.reading == "R-GIRL-AGE"
	over.message.en == "A girl of a two-daughter family, aged 15 on the payment date, above the limit of 14."
	over.message.zh == "纯二女结扎家庭的女孩，缴费日已满 15 周岁，超过14周岁以内的年龄范围。"
}

# An over-age girl whose parents' status she shares keeps no county subsidy,
# but another identity of hers still counts.
test_over_age_girl_with_another_status if {
	r := f.plus(f.girl_2009, {"identities": ["two_daughter_girl", "severe_disability"]})
	contribution.assistance.source == "county_government" with input as in_window(r)
	e := contribution.county_full_subsidy with input as in_window(r)
	e.outcome == "passed"
	contains(e.message.en, "person with a severe disability")
}

test_county_entry_for_other_identities_rests_on_no_reading if {
	e := contribution.county_full_subsidy with input as with_identities(["entitled_group"])
	e.outcome == "passed"
	e.clause == "梅市医保〔2024〕3号 五(三)"
	e.message.en == "As entitled group (优抚对象), the individual share of 400 yuan is paid in full by the county government."
	not e.reading
}

# ---- R-SUBSIDY-LOCAL: a status recognised outside Meizhou ------------------

test_status_recognised_outside_meizhou_is_not_funded_here if {
	r := f.plus(f.wuhua_adult, {"identities": ["orphan", "severe_disability"], "identity_region": "450102"})
	contribution.assistance == null with input as in_window(r)
	contribution.individual_due == 400 with input as in_window(r)

	ma := contribution.medical_assistance with input as in_window(r)
	ma.outcome == "failed"
	ma.reading == "R-SUBSIDY-LOCAL"
	ma.message.en == "As orphan, but the status was recognised in 450102, outside Meizhou; Meizhou medical assistance does not pay."

	county := contribution.county_full_subsidy with input as in_window(r)
	county.outcome == "failed"
	county.reading == "R-SUBSIDY-LOCAL"
	county.message.en == "As person with a severe disability, but the status was recognised in 450102, outside Meizhou."
}

test_status_recognised_in_a_meizhou_county_is_funded if {
	r := f.plus(f.adult, {"identities": ["orphan"], "identity_region": "441427"})
	contribution.assistance.source == "medical_assistance" with input as in_window(r)
	e := contribution.medical_assistance with input as in_window(r)
	e.message.zh == "属孤儿，个人缴费 400 元由医疗救助全额资助。"
}

test_medical_assistance_entry_without_status if {
	e := contribution.medical_assistance with input as in_window(f.adult)
	e.outcome == "not_applicable"
	not e.reading
}
