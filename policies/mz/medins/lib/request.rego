# The request as the rules see it: the policy year (CONTRACT §1), the
# resident with every default of CONTRACT §2 applied and the birth date
# derived from the ID number, and the year's parameters. A service that
# POSTs a record exactly as a person wrote it gets the same defaults as the CLI.
package mz.medins.lib.request

import data.mz.medins.lib.dates

as_of := input.as_of

# CONTRACT §1: a request without a year takes it from as_of; the collection
# window of year Y opens in the autumn of Y-1.
policy_year := input.policy_year if {
	is_number(input.policy_year)
} else := _as_of_parts[0] + 1 if {
	_as_of_parts[1] >= 9
} else := _as_of_parts[0]

_as_of_parts := dates.parts(input.as_of)

year_key := format_int(policy_year, 10)

loaded_years := sort([to_number(k) | some k, _ in data.params; regex.match(`^[0-9]{4}$`, k)])

year_loaded if policy_year in loaded_years

params := data.params[year_key]

document := params.document

_resident_defaults := {
	"employed": false,
	"employee_insurance": false,
	"resident_insurance_elsewhere": false,
	"rural": false,
	"relative_employee_account": false,
	"identities": [],
	"events": {},
	"repaired_years": [],
}

_student_defaults := {"full_time": false, "migrant_worker_child": false}

# Where the ID number carries the birth date (the 18-character forms) it is
# the birth date; validation has already refused a record where a given
# birth_date disagrees with it.
id_birth_date(id_number) := concat("-", [substring(id_number, 6, 4), substring(id_number, 10, 2), substring(id_number, 12, 2)]) if {
	regex.match(`^[0-9]{17}[0-9X]$`, id_number)
}

birth_date := id_birth_date(input.resident.id_number) if {
	input.resident.id_type in {"resident_id", "hmt_residence_permit", "foreign_permanent_residence"}
} else := input.resident.birth_date

_with_student := object.union(
	object.union(_resident_defaults, input.resident),
	{"student": object.union(_student_defaults, input.resident.student)},
) if {
	is_object(input.resident.student)
} else := object.union(_resident_defaults, input.resident)

resident := object.union(_with_student, {"birth_date": birth_date})

identities := {i | some i in resident.identities}

events := resident.events

# Coverage history is known only when the record lists it (CONTRACT §2).
default history_known := false

history_known if is_array(input.resident.enrolled_years)

enrolled_years := {y | some y in input.resident.enrolled_years}

repaired_years := {y | some y in resident.repaired_years}
