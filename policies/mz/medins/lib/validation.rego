# Format checks of the request, the same as the CLI's (CONTRACT §3): the
# shared JSON Schemas through json.match_schema, then what a schema cannot
# say (GB 11643 check digit, a real birth date in the ID number and its
# agreement with birth_date). Nothing here depends on the policy year.
#
# The schemas' bounds on counts come first (lib/bounds.rego): a request over
# one is answered with that alone, and nothing else here runs on it.
package mz.medins.lib.validation

import data.mz.medins.lib.bounds
import data.mz.medins.lib.dates
import data.mz.medins.lib.fastcheck
import data.mz.medins.lib.request

problems := set() if {
	checked_by_the_wrapper
	count(bounds.problems) == 0
} else := set() if {
	fastcheck.plainly_valid
} else := bounds.problems if {
	count(bounds.problems) > 0
} else := _format_problems

# METADATA
# title: 已由调用方按同一模式校验
# description: |
#   True only inside the batch entrypoints for mzpolicy's own roster path
#   (batch.checked_*), whose rows the wrapper has checked against the same
#   schemas, check digit and dates (mzpolicy.records.problems; the property
#   tests hold the two validators together): there the schema walk is not
#   repeated, and only the cheap bounds on counts stay. Every other path,
#   the REST decision above all, checks everything.
default checked_by_the_wrapper := false

_format_problems contains {"field": "(input)", "message": "the request must be a JSON object"} if not is_object(input)

_format_problems contains problem if {
	is_object(input)
	[valid, errors] := json.match_schema(bounds.request_view, data.mz.schemas.request)
	not valid
	some error in errors
	problem := _schema_problem(error, "")
}

_format_problems contains problem if {
	is_object(input.resident)
	[valid, errors] := json.match_schema(bounds.resident_view, data.mz.schemas.resident)
	not valid
	some error in errors
	problem := _schema_problem(error, "resident.")
}

_format_problems contains {"field": "as_of", "message": sprintf("%s is not a real date", [input.as_of])} if {
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, input.as_of)
	not dates.valid(input.as_of)
}

_check_digit_types := {"resident_id", "hmt_residence_permit", "foreign_permanent_residence"}

_weights := [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

_check_characters := ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

# GB 11643-1999: the 18th character is the ISO 7064 MOD 11-2 check of the 17 before it.
check_digit(id_number) := _check_characters[total % 11] if {
	total := sum([p | some i, w in _weights; p := to_number(substring(id_number, i, 1)) * w])
}

_eighteen_character_id if {
	input.resident.id_type in _check_digit_types
	regex.match(`^[0-9]{17}[0-9X]$`, input.resident.id_number)
}

_format_problems contains problem if {
	_eighteen_character_id
	id := input.resident.id_number
	expected := check_digit(id)
	expected != substring(id, 17, 1)
	problem := {
		"field": "resident.id_number",
		"message": sprintf("check digit is %s, GB 11643 gives %s for the first 17 characters", [substring(id, 17, 1), expected]),
	}
}

_format_problems contains problem if {
	_eighteen_character_id
	not _real_date(request.id_birth_date(input.resident.id_number))
	problem := {
		"field": "resident.id_number",
		"message": sprintf("positions 7-14 (%s) are not a real birth date", [substring(input.resident.id_number, 6, 8)]),
	}
}

_format_problems contains problem if {
	_eighteen_character_id
	derived := request.id_birth_date(input.resident.id_number)
	_real_date(derived)
	is_string(input.resident.birth_date)
	input.resident.birth_date != derived
	problem := {
		"field": "resident.birth_date",
		"message": sprintf("%s disagrees with the ID number, which gives %s", [input.resident.birth_date, derived]),
	}
}

_format_problems contains problem if {
	is_string(input.as_of)
	born := request.birth_date
	_real_date(born)
	_real_date(input.as_of)
	born > input.as_of
	problem := {
		"field": "resident.birth_date",
		"message": sprintf("%s is after as_of %s", [born, input.as_of]),
	}
}

# A real calendar date of years 0001-9999, as Python's datetime.date has it;
# not dates.valid, whose nanosecond clock ends at 1678 and 2262.
_real_date(date) if {
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, date)
	y := to_number(substring(date, 0, 4))
	m := to_number(substring(date, 5, 2))
	d := to_number(substring(date, 8, 2))
	y >= 1
	m >= 1
	m <= 12
	d >= 1
	d <= dates.days_in_month(y, m)
}

# The schema's format "date" (gojsonschema) takes the year 0000; the CLI does not.
_date_fields contains ["as_of", input.as_of]

_date_fields contains ["resident.birth_date", input.resident.birth_date]

_date_fields contains ["resident.payment.date", input.resident.payment.date]

_date_fields contains [concat(".", ["resident.events", name]), date] if {
	is_object(input.resident.events)
	some name, date in input.resident.events
}

_format_problems contains {"field": field, "message": sprintf("%s is not a real date", [date])} if {
	some [field, date] in _date_fields
	is_string(date)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, date)
	not _real_date(date)
}

_format_problems contains problem if {
	amount := input.resident.payment.amount
	is_number(amount)
	_decimals(amount) > 2
	problem := {"field": "resident.payment.amount", "message": sprintf("%v yuan has more than two decimals", [amount])}
}

# Decimal places of the value a number's JSON text writes (0.53: 2, 1.5e-1: 2,
# 4e2: 0, 1000e-4: 1, 0e-5: 0), counted exactly from the digits: OPA
# multiplies in binary floating point, where 0.53 * 100 is
# 52.999999999999999997 and would not round to itself. The digits' trailing
# zeros are no places of the value (400.00 has none).
_decimals(number) := 0 if {
	[_, digits, fraction, _] := _number_parts(number)
	trim_right(concat("", [digits, fraction]), "0") == ""
} else := max([0, (count(fraction) - _exponent(exponent)) - zeros]) if {
	[_, digits, fraction, exponent] := _number_parts(number)
	all := concat("", [digits, fraction])
	zeros := count(all) - count(trim_right(all, "0"))
}

_number_parts(number) := [text, digits, fraction, exponent] if {
	text := json.marshal(number)
	pattern := `^-?([0-9]+)(\.([0-9]*))?([eE]([-+]?[0-9]+))?$`
	[_, digits, _, fraction, _, exponent] := regex.find_all_string_submatch_n(pattern, text, 1)[0]
}

_exponent("") := 0

_exponent(e) := to_number(trim_left(e, "+")) if e != ""

# gojsonschema reports a failed if/then or allOf as an extra summary error
# beside the real one; the real one is enough.
_summary_types := {"condition_then", "condition_else", "number_all_of", "number_any_of", "number_one_of"}

_schema_problem(error, prefix) := {"field": concat("", [prefix, field]), "message": message} if {
	not error.type in _summary_types
	[field, message] := _located(error)
}

_located(error) := [_join(error.field, name), "is not a known field"] if {
	error.type == "additional_property_not_allowed"
	[_, name] := regex.find_all_string_submatch_n(`(?s)^Additional property (.*) is not allowed$`, error.desc, 1)[0]
}

_located(error) := [_join(error.field, name), "is required"] if {
	error.type == "required"
	[_, name] := regex.find_all_string_submatch_n(`^(.+) is required$`, error.desc, 1)[0]
}

_located(error) := [_index_path(error.field), error.desc] if {
	not error.type in {"additional_property_not_allowed", "required"}
}

_join("(root)", name) := name

_join("(Root)", name) := name

_join(parent, name) := concat(".", [_index_path(parent), name]) if not parent in {"(root)", "(Root)"}

# gojsonschema writes identities.0; the CLI writes identities[0].
_index_path(field) := regex.replace(field, `\.([0-9]+)`, "[$1]")

problem_list := [p | some p in problems]
