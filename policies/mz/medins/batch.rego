# Many decisions in one query (DESIGN.md, "Many decisions at once"): a
# roster's requests go to OPA a few hundred at a time as
# {"requests": [request, ...]}, and every request gets exactly one answer in
# its place: the decision of data.mz.medins.decision, its defined error, or
# {"error": {"code": "undefined"}} should the decision ever be undefined (a
# plain comprehension would silently drop that request). A rule conflict is an
# OPA error for the whole query; the CLI splits the batch to find the row.
#
# The roster reports (免缴台账, 重复参保) read `rows`, which adds to each
# decision the facts of the 免缴台账 taken from the same evaluation.
package mz.medins.batch

import data.mz.medins.common.contribution

# METADATA
# title: 批量参保缴费决定
# description: One answer per request of input.requests, in order; each is the decision for that request (CONTRACT §3) or a defined error.
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh: 名册中每名居民的参保、缴费、资助与待遇决定，按名册顺序逐行给出。
#   en: The decision for every resident of a roster, one per request, in roster order.
decisions := _over_bound if {
	_too_many
} else := [one(r) | some r in _requests]

# METADATA
# title: 单个请求的决定
# custom:
#   clause: {"2025": 一, "2023": 一}
#   zh: 一个请求的决定；决定未定义时给出 undefined 错误而不丢行。
#   en: The decision for one request; an undefined decision is an error answer, never a dropped row.
one(r) := d if {
	d := data.mz.medins.decision with input as r
} else := _undefined

# METADATA
# title: 名册行：决定与免缴台账
# description: For the roster reports, each request's decision with its 免缴台账 facts (the subsidy source, the identities that qualify under it, the list owner and the clause), from one evaluation.
# custom:
#   clause: {"2025": 五(三), "2023": 三(四)}
#   zh: 名册中每名居民的决定，以及政府全额资助人员的资助来源、身份类别、名单责任部门和依据条款。
#   en: Each resident's decision and, for the fully subsidised, the source, the qualifying identities, the list owner and the clause.
rows := _over_bound if {
	_too_many
} else := [row(r) | some r in _requests]

# METADATA
# title: 单个请求的名册行
# custom:
#   clause: {"2025": 五(三), "2023": 三(四)}
#   zh: 一个请求的决定及其免缴台账信息。
#   en: One request's decision and its 免缴台账 facts.
row(r) := {"decision": d, "ledger": ledger(d, identities)} if {
	[d, identities] := [
		data.mz.medins.decision,
		{
			"medical_assistance": contribution.medical_assistance_identities,
			"county_government": contribution.county_subsidy_identities,
		},
	] with input as r
} else := {"decision": _undefined, "ledger": null}

_requests := input.requests if is_array(input.requests)

# A query's requests are bounded by the batch schema's maxItems, so that one
# query's time is bounded too; mzpolicy batch sends at most that many.
_limit := data.mz.schemas.batch.properties.requests.maxItems

_too_many if count(_requests) > _limit

_over_bound := {"error": {"code": "invalid_input", "problems": [{
	"field": "requests",
	"message": sprintf("has %d requests, at most %d in one query: split the batch", [count(_requests), _limit]),
}]}}

_requests := [] if not is_array(input.requests)

_undefined := {"error": {
	"code": "undefined",
	"message": "the policy gave no decision for this request",
}}

# METADATA
# title: 免缴台账记录
# description: |
#   A fully subsidised resident's entry in the 免缴台账: 医保、残联、卫健 each
#   report their own list to 财政 and confirm the funds (2023 三(四)); the
#   identities are those the decision's subsidy rule accepted under the chosen
#   source; the list owner of a county subsidy is that of the first qualifying
#   identity in list_owners order. null for everyone else.
# custom:
#   clause: {"2025": 五(三), "2023": 三(四)}
#   zh: 政府全额资助人员的资助来源、身份类别、名单责任部门及依据条款；其他人员为空。
#   en: For the fully subsidised, the source, the qualifying identities, the list owner and the clause; null otherwise.
ledger(d, identities) := entry if {
	source := d.contribution.assistance.source
	ids := sort(identities[source])
	owners := [o.code | some o in list_owners; o.source == source; _owns(o, ids)]
	entry := {
		"source": source,
		"amount": d.contribution.assistance.amount,
		"identities": ids,
		"list_owner": owners[0],
		"clause": [t.clause | some t in d.trail; t.rule == _subsidy_rules[source]][0],
		"rule": _subsidy_rules[source],
	}
} else := null

_subsidy_rules := {
	"medical_assistance": "mz.medins.common.contribution.medical_assistance",
	"county_government": "mz.medins.common.contribution.county_full_subsidy",
}

_owns(owner, _) if not owner.identities

_owns(owner, ids) if {
	some i in ids
	i in owner.identities
}

# METADATA
# title: 全额资助名单的责任部门
# description: |
#   Who keeps each list and asks 财政 for its funds. 2023 三(四) names 医保 (the
#   医疗救助 lists gathered from 民政 and 乡村振兴, now 农业农村), 残联 and 卫健;
#   2025 七(一) keeps the departments' duties. 优抚对象 (2025 only) are not named
#   in either notice; they are put with 退役军人事务, the department that
#   recognises them and is copied on the 2025 notice.
# custom:
#   clause: {"2025": 梅市医保〔2022〕4号 三(四), "2023": 三(四)}
#   reading: {"2025": R-LIST-OWNER}
#   zh: 医疗救助名单由医保部门汇总，重度残疾人员名单由残联报送，纯二女结扎家庭名单由卫健部门报送，优抚对象名单由退役军人事务部门报送。
#   en: Medical-assistance lists are kept by the healthcare security bureau, the severe-disability list by the disabled persons' federation, the two-daughter families by the health commission, entitled groups by veterans affairs.
list_owners := [
	{"code": "healthcare_security", "zh": "医保部门", "en": "healthcare security bureau", "source": "medical_assistance"},
	{
		"code": "disabled_persons_federation", "zh": "残联", "en": "disabled persons' federation",
		"source": "county_government", "identities": ["severe_disability"],
	},
	{
		"code": "health_commission", "zh": "卫健部门", "en": "health commission",
		"source": "county_government", "identities": ["two_daughter_parent", "two_daughter_girl"],
	},
	{
		"code": "veterans_affairs", "zh": "退役军人事务部门", "en": "veterans affairs",
		"source": "county_government", "identities": ["entitled_group"],
	},
]

# METADATA
# title: 清理重复参保
# description: |
#   The same person enrolled twice in one period (in one scheme or across
#   schemes) keeps one enrollment; the others end at once, and a payment made
#   twice may be refunded on application before the benefit period (四(三)).
#   2025 has no such clause; the 2023 one is carried over as the refund rule is.
# custom:
#   clause: {"2025": 梅市医保〔2022〕4号 四(一), "2023": 四(一)}
#   zh: 同一参保人员同一时间段内有两条及以上参保缴费状态正常的参保记录的，应及时终止重复的参保关系，按规定保留一个可享受待遇的参保关系；重复缴费在待遇享受期开始前可依申请退费（四(三)）。
#   en: Where one person has two or more valid enrollments for the same period, the duplicates are ended at once and one enrollment with benefits is kept; a payment made twice may be refunded on application before the benefit period begins (四(三)).
duplicate_enrollment := {
	"title": annotation.title,
	"clause": {y: _citation(y, c) | some y, c in annotation.custom.clause},
	"message": {"zh": annotation.custom.zh, "en": annotation.custom.en},
} if {
	annotation := rego.metadata.rule()
}

_citation(_, section) := section if contains(section, "〔")

_citation(year, section) := sprintf("%s %s", [data.params[year].document, section]) if not contains(section, "〔")
