# Many decisions in one query (DESIGN.md, "Many decisions at once"): a
# roster's requests go to OPA a few hundred at a time as
# {"requests": [request, ...]}, and every request gets exactly one answer in
# its place: the decision of data.mz.medins.decision, its defined error, or
# {"error": {"code": "undefined"}} should the decision ever be undefined (a
# plain comprehension would silently drop that request). A rule conflict is an
# OPA error for the whole query; the CLI splits the batch to find the row.
#
# `rows` answers each request with its lean decision (data.mz.medins.lean:
# the headline fields and the failed rules' ids, no messages) and its
# 免缴台账 facts from the same evaluation: what `mzpolicy batch --format csv`
# and the roster reports read, at a fraction of a whole decision's cost.
package mz.medins.batch

import data.mz.medins.lib.request
import data.mz.medins.rules.contribution
import data.mz.medins.rules.eligibility

# METADATA
# title: 批量参保缴费决定
# description: One answer per request of input.requests, in order; each is the decision for that request (CONTRACT §3) or a defined error.
# custom:
#   zh: 名册中每名居民的参保、缴费、资助与待遇决定，按名册顺序逐行给出。
#   en: The decision for every resident of a roster, one per request, in roster order.
decisions := _over_bound if {
	_too_many
} else := [one(r) | some r in _requests]

# METADATA
# title: 批量参保缴费决定（调用方已校验）
# description: As decisions, for rows mzpolicy has checked against the same schemas (lib.validation.checked_by_the_wrapper); a service checks nothing and asks `decisions`.
# custom:
#   zh: 名册中每名居民的决定（调用方已按同一模式校验格式）。
#   en: The decision for every resident of a roster whose rows the caller has checked against the same schemas.
checked_decisions := answers if {
	answers := decisions with data.mz.medins.lib.validation.checked_by_the_wrapper as true
}

# METADATA
# title: 单个请求的决定
# custom:
#   zh: 一个请求的决定；决定未定义时给出 undefined 错误而不丢行。
#   en: The decision for one request; an undefined decision is an error answer, never a dropped row.
one(r) := d if {
	d := data.mz.medins.decision with input as r
} else := _undefined

# METADATA
# title: 名册行：决定与免缴台账
# description: For rosters, each request's lean decision (data.mz.medins.lean) with its 免缴台账 facts (the subsidy source, the identities that qualify under it, the list owner and the clause), from one evaluation.
# custom:
#   zh: 名册中每名居民的决定，以及政府全额资助人员的资助来源、身份类别、名单责任部门和依据条款。
#   en: Each resident's decision and, for the fully subsidised, the source, the qualifying identities, the list owner and the clause.
rows := _over_bound if {
	_too_many
} else := [row(r) | some r in _requests]

# METADATA
# title: 名册行（调用方已校验）
# description: As rows, for rows mzpolicy has checked against the same schemas (lib.validation.checked_by_the_wrapper).
# custom:
#   zh: 名册中每名居民的精简决定与免缴台账（调用方已按同一模式校验格式）。
#   en: Each resident's lean decision and 免缴台账 facts, for rows the caller has checked against the same schemas.
checked_rows := answers if {
	answers := rows with data.mz.medins.lib.validation.checked_by_the_wrapper as true
}

# METADATA
# title: 单个请求的名册行
# custom:
#   zh: 一个请求的决定及其免缴台账信息。
#   en: One request's decision and its 免缴台账 facts.
row(r) := {"decision": d, "ledger": l} if {
	[d, l] := [data.mz.medins.lean, _ledger] with input as r
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
#   identities are those the subsidy rule accepted under the chosen source;
#   the list owner of a county subsidy is that of the first qualifying
#   identity in the year's list_owners order; the clause is the subsidy
#   rule's in the year's table. null for everyone else.
# custom:
#   zh: 政府全额资助人员的资助来源、身份类别、名单责任部门及依据条款；其他人员为空。
#   en: For the fully subsidised, the source, the qualifying identities, the list owner and the clause; null otherwise.
ledger := _ledger

_ledger := entry if {
	eligibility.eligible
	assistance := contribution.assistance
	source := assistance.source
	ids := sort(_identities[source])
	owners := [o.code | some o in request.params.list_owners.list; o.source == source; _owns(o, ids)]
	entry := {
		"source": source,
		"amount": assistance.amount,
		"identities": ids,
		"list_owner": owners[0],
		"clause": request.params.rules[_subsidy_rules[source]].clause,
		"rule": _subsidy_rules[source],
	}
} else := null

_identities := {
	"medical_assistance": contribution.medical_assistance_identities,
	"county_government": contribution.county_subsidy_identities,
}

_subsidy_rules := {
	"medical_assistance": "medical_assistance",
	"county_government": "county_full_subsidy",
}

_owns(owner, _) if not owner.identities

_owns(owner, ids) if {
	some i in ids
	i in owner.identities
}
