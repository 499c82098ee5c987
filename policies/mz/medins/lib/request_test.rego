# The request as the rules see it (CONTRACT §1 year, §2 defaults).
package mz.medins.lib.request_test

import data.mz.medins.lib.fixtures_test as f
import data.mz.medins.lib.request
import data.mz.medins.lib.resident

# CONTRACT §1: month >= 9 gives the next year.
test_policy_year_from_as_of if {
	request.policy_year == 2025 with input as f.on("2024-09-01", f.adult)
	request.policy_year == 2024 with input as f.on("2024-08-31", f.adult)
	request.policy_year == 2025 with input as f.on("2025-08-31", f.adult)
	request.policy_year == 2026 with input as f.on("2025-09-01", f.adult)
	request.policy_year == 2025 with input as f.on_2025("2025-12-01", f.adult)
	request.year_key == "2025" with input as f.on("2024-10-10", f.adult)
}

test_loaded_years if {
	2025 in request.loaded_years
	request.year_loaded with input as f.on("2024-10-10", f.adult)
	not request.year_loaded with input as f.on("2030-01-01", f.adult)
}

test_defaults_of_contract_section_2 if {
	r := request.resident with input as f.on("2024-10-10", f.adult)
	r.employed == false
	r.employee_insurance == false
	r.resident_insurance_elsewhere == false
	r.rural == false
	r.relative_employee_account == false
	r.identities == []
	r.events == {}
	r.repaired_years == []
	r.birth_date == "1990-01-01"
	not r.student

	s := request.resident with input as f.on("2024-10-10", f.plus(f.adult, {"student": {"level": "preschool", "school_region": "441402"}}))
	s.student == {"level": "preschool", "school_region": "441402", "full_time": false, "migrant_worker_child": false}
}

test_given_values_win_over_defaults if {
	r := request.resident with input as f.on("2024-10-10", f.plus(f.adult, {"employed": true, "identities": ["orphan"]}))
	r.employed == true
	r.identities == ["orphan"]
	request.identities == {"orphan"} with input as f.on("2024-10-10", f.plus(f.adult, {"identities": ["orphan"]}))
}

test_birth_date if {
	request.birth_date == "1985-03-15" with input as f.on("2024-10-10", f.foreigner)
	request.birth_date == "1992-03-04" with input as f.on("2024-10-10", f.hmt)
	travel := {"id_type": "hmt_travel_permit", "id_number": "H12345678", "birth_date": "1991-07-01"}
	request.birth_date == "1991-07-01" with input as f.on("2024-10-10", travel)
	request.id_birth_date("441402201202290447") == "2012-02-29"
	request.id_birth_date("44140220120229044X") == "2012-02-29"
	not request.id_birth_date("H12345678")
}

test_history if {
	request.history_known with input as f.on("2024-10-10", f.adult)
	request.history_known with input as f.on("2024-10-10", f.plus(f.adult, {"enrolled_years": []}))
	not request.history_known with input as f.on("2024-10-10", object.remove(f.adult, ["enrolled_years"]))
	request.enrolled_years == {2024} with input as f.on("2024-10-10", f.adult)
	request.repaired_years == set() with input as f.on("2024-10-10", f.adult)
}

test_resident_facts if {
	resident.payment_date == "2024-10-10" with input as f.on("2024-10-10", f.adult)
	resident.payment_date == "2024-09-20" with input as f.on("2024-10-10", f.plus(f.adult, {"payment": {"date": "2024-09-20", "amount": 400}}))
	resident.has_payment with input as f.on("2024-10-10", f.plus(f.adult, {"payment": {"date": "2024-09-20", "amount": 400}}))
	not resident.has_payment with input as f.on("2024-10-10", f.adult)
	resident.age_on("2024-12-31") == 34 with input as f.on("2024-10-10", f.adult)
	resident.field("hukou_region") == "441402" with input as f.on("2024-10-10", f.adult)
	resident.field("residence_permit_region") == null with input as f.on("2024-10-10", f.adult)
	resident.hukou_in_meizhou with input as f.on("2024-10-10", f.adult)
	not resident.hukou_in_meizhou with input as f.on("2024-10-10", f.foreigner)
	resident.lives_in_meizhou with input as f.on("2024-10-10", f.foreigner)
}
