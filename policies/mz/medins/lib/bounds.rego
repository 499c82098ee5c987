# The cheap checks that come before json.match_schema (issue 13). What makes
# a schema check expensive is the size of the input, not its errors: a
# `uniqueItems` list is compared pair by pair (10,000 equal years cost 38 s),
# gojsonschema formats one error per unknown key or bad item (100,000 unknown
# keys cost 33 s), and every value it is handed is converted first, whether
# the schema looks into it or not (a 4 MiB list under one unknown key, 4 s).
#
# So the counts are compared with the schema's own maxProperties and
# maxItems first, in time proportional to the known fields (count of an
# object or array is O(1); nothing walks the input), and when one is over,
# its field is the answer and the schema is not checked at all. Otherwise
# the schema checks a view of the request in which every value it does not
# look into is an empty value of the same JSON type: the same errors on the
# same fields, at the cost of the known fields only.
package mz.medins.lib.bounds

import data.mz.schemas

problems contains _too_many_keys("(input)", input, schemas.request) if {
	is_object(input)
	count(input) > schemas.request.maxProperties
}

problems contains _too_many_keys("resident", input.resident, schemas.resident) if {
	is_object(input.resident)
	count(input.resident) > schemas.resident.maxProperties
}

# The resident's own keys, once their count is within its bound (else that
# is the problem): a record has a handful, never more than maxProperties.
problems contains problem if {
	is_object(input.resident)
	count(input.resident) <= schemas.resident.maxProperties
	some name, value in input.resident
	problem := _over(concat(".", ["resident", name]), value, resident_fields[name])
}

# The resident's fields with their schemas, definitions resolved.
resident_fields[name] := resolved(schema) if some name, schema in schemas.resident.properties

# A property's schema with its $ref to the definitions resolved.
resolved(schema) := schemas.resident.definitions[trim_prefix(schema["$ref"], "#/definitions/")] if {
	schema["$ref"]
} else := schema

# A schema without the bound leaves count(...) > undefined undefined: no problem.
_over(field, list, schema) := problem if {
	is_array(list)
	count(list) > schema.maxItems
	problem := {"field": field, "message": sprintf("has %d items, at most %d", [count(list), schema.maxItems])}
}

_over(field, object, schema) := _too_many_keys(field, object, schema) if {
	is_object(object)
	count(object) > schema.maxProperties
}

_too_many_keys(field, object, schema) := {
	"field": field,
	"message": sprintf("has %d keys, at most %d", [count(object), schema.maxProperties]),
}

# The request as the request schema sees it: the resident is checked on its
# own (its field paths read as the record's), so here only its type matters.
request_view := {key: _request_value(key, value) | some key, value in input}

_request_value(key, value) := {} if {
	key == "resident"
	is_object(value)
} else := _opaque(value)

# The resident as the resident schema sees it. Nested objects (student,
# events, payment) and lists (identities, the year lists) hold only scalars in
# the schema (bounds_test checks it), so one level below the resident is all
# the schema looks into.
resident_view := {key: _resident_value(key, value) | some key, value in input.resident}

_resident_value(key, value) := {k: _opaque(v) | some k, v in value} if {
	is_object(value)
	resident_fields[key].type == "object"
} else := _items(value) if {
	is_array(value)
	resident_fields[key].type == "array"
} else := _opaque(value)

# An empty value of the same JSON type: the schema's type, enum and const
# errors read the same as for the value itself.
_opaque(value) := [] if {
	is_array(value)
} else := {} if {
	is_object(value)
} else := value

# Items of a list: a list or object where a scalar belongs is replaced by a
# small one, kept distinct from the others unless two of them were equal, so
# that uniqueItems finds a duplicate exactly when the list has one. The set
# hashes each value once: linear in its size, not a pairwise comparison.
_items(list) := [_item(i, item, duplicated) | some i, item in list] if {
	containers := [item | some item in list; _container(item)]
	duplicated := count({item | some item in containers}) < count(containers)
}

_item(_, item, _) := item if not _container(item)

_item(_, item, true) := _opaque(item) if _container(item)

_item(i, item, false) := [i] if is_array(item)

_item(i, item, false) := {"item": i} if is_object(item)

_container(value) if is_array(value)

_container(value) if is_object(value)
