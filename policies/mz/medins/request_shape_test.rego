# What a service gets when the shape of its POST is wrong (issue 13): no
# input at all, and a batch over its bound, are defined answers, never an
# empty result.
package mz.medins.request_shape_test

import data.mz.medins
import data.mz.medins.batch
import data.mz.medins.lib.fixtures_test as f

# OPA leaves input undefined for a body without the "input" key: {}, the
# bare request, or an empty body.
test_no_input_is_a_defined_error if {
	d := medins.decision
	d.error.code == "no_input"
	contains(d.error.message, `{"input":`)
	not d.error.problems
}

test_an_input_without_the_request_fields_names_them if {
	d := medins.decision with input as {}
	d.error.code == "invalid_input"
	{p.field | some p in d.error.problems} == {"as_of", "resident"}
}

test_a_batch_over_its_bound_is_one_error_document if {
	request := f.on("2024-10-10", f.adult)
	limit := data.mz.schemas.batch.properties.requests.maxItems
	over := {"requests": [request | some _ in numbers.range(0, limit)]}
	answer := batch.decisions with input as over
	answer == {"error": {"code": "invalid_input", "problems": [{
		"field": "requests",
		"message": sprintf("has %d requests, at most %d in one query: split the batch", [limit + 1, limit]),
	}]}}
	batch.rows == answer with input as over
}

test_a_batch_at_its_bound_is_answered_request_by_request if {
	request := f.on("2024-10-10", f.adult)
	answers := batch.decisions with input as {"requests": [request, request, request]}
		with data.mz.schemas.batch.properties.requests.maxItems as 3
	count(answers) == 3
	over := batch.decisions with input as {"requests": [request, request, request, request]}
		with data.mz.schemas.batch.properties.requests.maxItems as 3
	over.error.problems[0].field == "requests"
}
