# The rule packages written for one notice only, by policy year. A new year
# adds its lines here beside its params/<year>/data.yaml. (A dynamic
# data.mz.medins[...] reference would include the decision itself and is a
# recursion error, hence one explicit map.) Eligibility reads only the
# categories; the decision's trail reads whole year packages.
package mz.medins.lib.years

category_packages["2025"] := data.mz.medins.y2025.categories

category_packages["2023"] := data.mz.medins.y2023.categories

# Named one by one, not data.mz.medins.y2025 as a whole: that tree also
# holds the y2025 *_test packages (see decision.rego, _common_packages).
packages["2025"] := {
	"categories": data.mz.medins.y2025.categories,
	"students": data.mz.medins.y2025.students,
}

packages["2023"] := {
	"categories": data.mz.medins.y2023.categories,
	"students": data.mz.medins.y2023.students,
	"assistance": data.mz.medins.y2023.assistance,
	"duplicates": data.mz.medins.y2023.duplicates,
}
