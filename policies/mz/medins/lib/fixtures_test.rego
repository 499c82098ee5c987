# Residents and helpers shared by the unit tests (no test rules here).
# ID numbers carry valid GB 11643 check digits; positions 7-14 are the birth
# date.
package mz.medins.lib.fixtures_test

# Meijiang hukou, born 1990-01-01, covered in 2024.
adult := {
	"id_type": "resident_id",
	"id_number": "441402199001011237",
	"hukou_region": "441402",
	"residence_region": "441402",
	"enrolled_years": [2024],
}

# Nanning hukou, born 1995-05-20, no Meizhou tie unless a test adds one.
outsider := {
	"id_type": "resident_id",
	"id_number": "450102199505202314",
	"hukou_region": "450102",
	"residence_region": "450102",
}

# Guangzhou hukou, born 2004-03-15.
guangzhou_youth := {
	"id_type": "resident_id",
	"id_number": "440106200403153426",
	"hukou_region": "440106",
}

# Wuhua hukou, born 1970-08-08.
wuhua_adult := {
	"id_type": "resident_id",
	"id_number": "441424197008086724",
	"hukou_region": "441424",
}

# Wuhua hukou girls born 2010-10-10 and 2009-10-10.
girl_2010 := {
	"id_type": "resident_id",
	"id_number": "441424201010107829",
	"hukou_region": "441424",
	"identities": ["two_daughter_girl"],
}

girl_2009 := {
	"id_type": "resident_id",
	"id_number": "441424200910107811",
	"hukou_region": "441424",
	"identities": ["two_daughter_girl"],
}

# Meijiang babies born 2025-02-01 and 2024-11-20.
baby_2025 := {
	"id_type": "resident_id",
	"id_number": "441402202502010114",
	"hukou_region": "441402",
}

baby_2024 := {
	"id_type": "resident_id",
	"id_number": "441402202411200334",
	"hukou_region": "441402",
}

foreigner := {
	"id_type": "foreign_permanent_residence",
	"id_number": "944840198503150129",
	"residence_region": "441402",
}

hmt := {
	"id_type": "hmt_residence_permit",
	"id_number": "810000199203045615",
	"residence_region": "441403",
}

# A request for policy year 2025 (derived from as_of unless given).
on(as_of, resident) := {"as_of": as_of, "resident": resident}

# A request naming policy year 2025 (for dates from September 2025).
on_2025(as_of, resident) := {"as_of": as_of, "policy_year": 2025, "resident": resident}

# `resident` with some fields added or replaced.
plus(resident, extra) := object.union(resident, extra)

# A request for policy year 2023 (its collection window is in 2022).
on_2023(as_of, resident) := {"as_of": as_of, "policy_year": 2023, "resident": resident}

# Year `key`'s resolved table with some top-level fields replaced (not
# merged), for `with data.params[key] as year_with(key, {...})`. Replace the
# whole year: on OPA 1.22, `with data.params["2025"].rules as x` is merged
# with the stored rules when a rule reads the year as data.params[year_key],
# so a key left out of x is not removed.
year_with(key, changes) := object.union(object.remove(data.params[key], object.keys(changes)), changes)

# The decision for a request.
decide(request) := d if {
	d := data.mz.medins.decision with input as request
}

# The trail entry of rule `id` in the decision for a request, undefined when
# the year's trail has none. Rules are tested through the decision, so a test
# holds whatever the rules' internals become.
entry(id, request) := e if {
	d := data.mz.medins.decision with input as request
	some e in d.trail
	e.rule == id
}

# The decision for a request has a trail, and no entry of rule `id` in it:
# the rule does not serve the year, or does not apply. (A bare `not entry`
# would also hold for an error document.)
absent(id, request) if {
	d := data.mz.medins.decision with input as request
	count(d.trail) > 0
	every e in d.trail {
		e.rule != id
	}
}

# Every trail message of a decision, both languages.
messages(decision) := [m | some e in decision.trail; some m in [e.message.zh, e.message.en]]

# No template verb, missing argument or missing variant leaks into a message.
clean(decision) if {
	every m in messages(decision) {
		not contains(m, "%!")
		not contains(m, "(no message for")
	}
}
