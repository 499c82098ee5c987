package mz.medins.lib.bounds_test

import data.mz.medins.lib.bounds
import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.lib.validation

_problems(resident) := problems if {
	problems := validation.problems with input as f.on("2024-10-10", resident)
}

_fields(resident) := {p.field | some p in _problems(resident)}

# Stands in for json.match_schema where a test shows that it is not run.
_schema_ran(_, _) := [false, [{"field": "(root)", "type": "ran", "desc": "json.match_schema ran"}]]

_ran(resident) if {
	some p in validation.problems with input as f.on("2024-10-10", resident) with json.match_schema as _schema_ran
	p.message == "json.match_schema ran"
}

test_a_long_year_list_is_refused_without_the_schema_check if {
	resident := f.plus(f.adult, {"enrolled_years": [y | some y in numbers.range(1, 101)]})
	_problems(resident) == {{"field": "resident.enrolled_years", "message": "has 101 items, at most 100"}}
	not _ran(resident)
}

test_ten_thousand_equal_years_are_one_problem if {
	resident := f.plus(f.adult, {"repaired_years": [2020 | some _ in numbers.range(1, 10000)]})
	_problems(resident) == {{"field": "resident.repaired_years", "message": "has 10000 items, at most 100"}}
}

test_identities_are_at_most_the_number_of_codes if {
	codes := data.mz.schemas.resident.properties.identities.items.enum
	data.mz.schemas.resident.properties.identities.maxItems == count(codes)
	_fields(f.plus(f.adult, {"identities": array.concat(codes, ["orphan"])})) == {"resident.identities"}
}

test_unknown_keys_over_the_bound_are_one_problem if {
	many := {sprintf("k%d", [i]): i | some i in numbers.range(1, 100)}
	_problems(object.union(f.adult, many)) == {{"field": "resident", "message": "has 105 keys, at most 64"}}
	not _ran(object.union(f.adult, many))
}

test_nested_objects_and_the_request_are_bounded if {
	events := {sprintf("e%d", [i]): "2024-01-01" | some i in numbers.range(1, 17)}
	_fields(f.plus(f.adult, {"events": events})) == {"resident.events"}
	_fields(f.plus(f.adult, {"student": {sprintf("s%d", [i]): true | some i in numbers.range(1, 17)}})) == {"resident.student"}
	_fields(f.plus(f.adult, {"payment": {sprintf("p%d", [i]): 1 | some i in numbers.range(1, 9)}})) == {"resident.payment"}
	request := object.union(f.on("2024-10-10", f.adult), {sprintf("r%d", [i]): i | some i in numbers.range(1, 14)})
	validation.problems == {{"field": "(input)", "message": "has 16 keys, at most 15"}} with input as request
		with data.mz.schemas.request.maxProperties as 15
}

test_bounds_are_the_schema_s_own_numbers if {
	resident := f.plus(f.adult, {"enrolled_years": [2020, 2021, 2022, 2023]})
	_problems(resident) == set()
	problems := validation.problems with input as f.on("2024-10-10", resident)
		with data.mz.schemas.resident.definitions.years.maxItems as 3
	problems == {{"field": "resident.enrolled_years", "message": "has 4 items, at most 3"}}
}

test_within_the_bounds_the_schema_still_names_every_field if {
	resident := f.plus(f.adult, {"enrolled_years": [2020, 2020], "hukou": "441402", "events": {"deth": "2024-01-01"}})
	_fields(resident) == {"resident.enrolled_years", "resident.hukou", "resident.events.deth"}
}

# A big value where the schema does not look costs nothing: the schema sees
# an empty value of the same type and gives the same errors.
test_the_schema_sees_empty_values_where_it_does_not_look if {
	nested := [[i, [i]] | some i in numbers.range(1, 50)]
	resident := f.plus(f.adult, {"x": nested, "hukou_region": nested, "student": {"level": nested, "school_region": "441402"}})
	view := bounds.resident_view with input as f.on("2024-10-10", resident)
	view.x == []
	view.hukou_region == []
	view.student == {"level": [], "school_region": "441402"}
	_fields(resident) == {"resident.x", "resident.hukou_region", "resident.student.level", "resident.student.full_time"}
	request_view := bounds.request_view with input as object.union(f.on("2024-10-10", resident), {"y": {"a": nested}})
	request_view == {"as_of": "2024-10-10", "resident": {}, "y": {}}
}

test_list_items_keep_their_duplicates if {
	distinct := bounds.resident_view.enrolled_years with input as f.on("2024-10-10", f.plus(f.adult, {"enrolled_years": [[1], [2], {"a": 1}, 2020]}))
	distinct == [[0], [1], {"item": 2}, 2020]
	same := bounds.resident_view.enrolled_years with input as f.on("2024-10-10", f.plus(f.adult, {"enrolled_years": [[1], [1], {"a": 1}]}))
	same == [[], [], {}]
	"resident.enrolled_years" in _fields(f.plus(f.adult, {"enrolled_years": [[1], [1]]}))
	not "resident.enrolled_years" in _fields(f.plus(f.adult, {"enrolled_years": [[1], [2]]}))
}

# The view looks one level below the resident: that is as deep as the schema goes.
test_the_schema_holds_only_scalars_below_its_objects_and_lists if {
	scalars := {"string", "integer", "number", "boolean"}
	every schema in bounds.resident_fields {
		schema.type in (scalars | {"object", "array"})
		every _, nested in object.get(schema, "properties", {}) {
			bounds.resolved(nested).type in scalars
		}
		bounds.resolved(object.get(schema, "items", {"type": "string"})).type in scalars
	}
}

test_every_string_list_and_object_of_the_schemas_is_bounded if {
	every node in _schema_nodes {
		_bounded(node)
	}
	count(_schema_nodes) >= 20
}

_schema_nodes contains node if {
	some name in ["request", "resident", "batch"]
	walk(data.mz.schemas[name], [_, node])
	is_object(node)
	is_string(node.type)
}

_bounded(node) if not node.type in {"string", "array", "object"}

_bounded(node) if {
	node.type == "string"
	node.maxLength
}

_bounded(node) if {
	node.type == "array"
	node.maxItems
}

_bounded(node) if {
	node.type == "object"
	node.maxProperties
}

# Where unknown keys are not errors (the batch's other keys, the resident as
# the request schema sees it) they cost the schema check nothing.
_bounded(node) if {
	node.type == "object"
	object.get(node, "additionalProperties", true) != false
}
