# Residents and helpers shared by the 2025 unit tests (no test rules here).
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

# The trail entry of a rule in a decision.
entry(decision, rule) := e if {
	some e in decision.trail
	e.rule == rule
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
