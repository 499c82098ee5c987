# What a year costs and who pays the individual share: 梅市医保〔2024〕3号 二
# (standard) and 五(三) (医疗救助 / 县级政府 full subsidy), and what
# 梅市医保〔2022〕4号 三(三) adds for 2023 (稳定脱贫人口, 优抚对象, 接续衔接).
package mz.medins.rules.contribution_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.rules.contribution

in_window(resident) := f.on("2024-10-10", resident)

with_identities(ids) := in_window(f.plus(f.wuhua_adult, {"identities": ids}))

test_standard_1070_is_670_plus_400 if {
	contribution.total == 1070 with input as in_window(f.adult)
	contribution.fiscal_subsidy == 670 with input as in_window(f.adult)
	contribution.individual == 400 with input as in_window(f.adult)
	contribution.total == contribution.fiscal_subsidy + contribution.individual with input as in_window(f.adult)
	e := f.entry("contribution_standard", in_window(f.adult))
	e.outcome == "passed"
	e.clause == "梅市医保〔2024〕3号 二"
	e.message.zh == "本年度筹资标准 1070 元，其中财政补助 670 元，个人缴费标准每人每年 400 元。"
}

# A year whose notice states only the individual share (2023 一) says so.
test_standard_without_a_total if {
	c := {"total": null, "fiscal_subsidy": null, "individual": 350, "clause": "二"}
	contribution.total == null with input as in_window(f.adult) with data.params["2025"].contribution as c
	contribution.fiscal_subsidy == null with input as in_window(f.adult) with data.params["2025"].contribution as c
	e := f.entry("contribution_standard", in_window(f.adult)) with data.params["2025"].contribution as c
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
	e := f.entry("assistance_priority", with_identities(ids))
	e.outcome == "passed"
	e.reading == "R-SUBSIDY-PRIORITY"
	e.message.zh == "同时符合医疗救助与县级政府全额资助，由医疗救助资助，不重复资助。"
}

test_priority_entry_not_applicable_with_one_source_or_none if {
	one := f.entry("assistance_priority", with_identities(["orphan"]))
	one.outcome == "not_applicable"
	not one.reading
	none := f.entry("assistance_priority", in_window(f.adult))
	none.outcome == "not_applicable"
}

test_ineligible_gets_no_subsidy_and_no_amount if {
	r := f.plus(f.wuhua_adult, {"identities": ["orphan", "severe_disability"], "employee_insurance": true})
	contribution.assistance == null with input as in_window(r)
	contribution.individual_due == null with input as in_window(r)
	ma := f.entry("medical_assistance", in_window(r))
	ma.outcome == "not_applicable"
	county := f.entry("county_full_subsidy", in_window(r))
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
	inside := f.entry("county_full_subsidy", in_window(f.girl_2010))
	inside.outcome == "passed"
	inside.reading == "R-GIRL-AGE"

	over := f.entry("county_full_subsidy", in_window(f.girl_2009))
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
	e := f.entry("county_full_subsidy", in_window(r))
	e.outcome == "passed"
	contains(e.message.en, "person with a severe disability")
}

test_county_entry_for_other_identities_rests_on_no_reading if {
	e := f.entry("county_full_subsidy", with_identities(["entitled_group"]))
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

	ma := f.entry("medical_assistance", in_window(r))
	ma.outcome == "failed"
	ma.reading == "R-SUBSIDY-LOCAL"
	ma.message.en == "As orphan, but the status was recognised in 450102, outside Meizhou; Meizhou medical assistance does not pay."

	county := f.entry("county_full_subsidy", in_window(r))
	county.outcome == "failed"
	county.reading == "R-SUBSIDY-LOCAL"
	county.message.en == "As person with a severe disability, but the status was recognised in 450102, outside Meizhou."
}

test_status_recognised_in_a_meizhou_county_is_funded if {
	r := f.plus(f.adult, {"identities": ["orphan"], "identity_region": "441427"})
	contribution.assistance.source == "medical_assistance" with input as in_window(r)
	e := f.entry("medical_assistance", in_window(r))
	e.message.zh == "属孤儿，个人缴费 400 元由医疗救助全额资助。"
}

test_medical_assistance_entry_without_status if {
	e := f.entry("medical_assistance", in_window(f.adult))
	e.outcome == "not_applicable"
	not e.reading
}

# ---- 2023 三(三): 稳定脱贫人口, 优抚对象, 接续衔接 ---------------------------------

_person(identities) := {
	"id_type": "resident_id",
	"id_number": "441402196001011233",
	"hukou_region": "441402",
	"identities": identities,
}

test_stable_poverty_exit_is_no_longer_subsidised if {
	r := f.entry("stable_poverty_exit", f.on_2023("2022-10-10", _person(["stable_poverty_exit"])))
	r.outcome == "failed"
	r.clause == "梅市医保〔2022〕4号 三(三)"
	contains(r.message.en, "350 yuan is due")
	d := f.decide(f.on_2023("2022-10-10", _person(["stable_poverty_exit"])))
	d.contribution.assistance == null
	d.contribution.individual_due == 350
}

test_monitored_rural_poverty_risk_is_subsidised if {
	d := f.decide(f.on_2023("2022-10-10", _person(["rural_poverty_risk"])))
	d.contribution.assistance == {"source": "medical_assistance", "amount": 350}
	d.payment.amount_due == 0
	d.channels == []
	r := f.entry("stable_poverty_exit", f.on_2023("2022-10-10", _person(["rural_poverty_risk"])))
	r.outcome == "not_applicable"
}

test_stable_exit_with_another_status_is_funded_by_that_status if {
	r := f.entry("stable_poverty_exit", f.on_2023("2022-10-10", _person(["stable_poverty_exit", "subsistence_allowance"])))
	r.outcome == "failed"
	contains(r.message.en, "another status")
}

test_entitled_group_not_named_in_2023 if {
	r := f.entry("entitled_group_not_named", f.on_2023("2022-10-10", _person(["entitled_group"])))
	r.outcome == "failed"
	r.reading == "R-2023-ENTITLED"
	d := f.decide(f.on_2023("2022-10-10", _person(["entitled_group"])))
	d.contribution.assistance == null
}

test_reentry_after_employee_insurance if {
	p := object.union(_person(["subsistence_allowance"]), {"events": {"employee_insurance_ended": "2023-03-10"}})
	r := f.entry("employee_insurance_reentry", f.on_2023("2023-03-20", p))
	r.outcome == "passed"
	d := f.decide(f.on_2023("2023-03-20", p))
	d.payment.status == "mid_year"
	d.payment.amount_due == 0
	d.benefit.start == "2023-03-20"
}

test_reentry_needs_a_local_assistance_status if {
	p := object.union(_person(["subsistence_allowance"]), {"identity_region": "440102", "events": {"employee_insurance_ended": "2023-03-10"}})
	r := f.entry("employee_insurance_reentry", f.on_2023("2023-03-20", p))
	r.outcome == "failed"
	n := f.entry("employee_insurance_reentry", f.on_2023("2023-03-20", object.union(_person([]), {"events": {"employee_insurance_ended": "2023-03-10"}})))
	n.outcome == "not_applicable"
}

test_2023_assistance_rules_do_not_serve_2025 if {
	f.absent("stable_poverty_exit", {"as_of": "2024-10-10", "policy_year": 2025, "resident": _person(["stable_poverty_exit"])})
}

# The 2023 三(三) entries speak only of people who are covered.
test_2023_status_entries_not_applicable_when_not_covered if {
	req := f.on_2023("2022-10-10", object.union(_person(["stable_poverty_exit", "entitled_group"]), {"employee_insurance": true}))
	f.entry("stable_poverty_exit", req).outcome == "not_applicable"
	f.entry("entitled_group_not_named", req).outcome == "not_applicable"
}
