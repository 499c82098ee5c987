# METADATA
# title: mzpolicy serve - what the health probes answer
# description: |
#   OPA answers GET /health/<name> with 200 when data.system.health.<name> is
#   true and 500 otherwise (undefined included); the input holds the plugins'
#   states (plugin_state) and whether all of them have been OK once
#   (plugins_ready). GET /health itself is OPA's own check and needs no policy.
#   - /health/live: the server evaluates policies.
#   - /health/bundles: the bundle this service decides from is activated: a
#     bundle holds the roots of the decision, the year parameters and these
#     server policies, and it decides at least one policy year.
#   - /health/ready: live, the bundle activated, and every plugin OK (the
#     decision logger; a bundle download when one is configured).
package system.health

live := true

# The roots of policies/.manifest and opa/authz/.manifest; data.system.bundles
# holds the manifest of every activated bundle, whether served from a path
# (mzpolicy serve) or downloaded.
_roots := {"mz", "params", "system"}

default bundles := false

bundles if {
	activated := {root | some b in data.system.bundles; some root in b.manifest.roots}
	_roots - activated == set()
	count(data.mz.medins.loaded_years) > 0
}

default ready := false

ready if {
	live
	bundles
	input.plugins_ready == true
}
