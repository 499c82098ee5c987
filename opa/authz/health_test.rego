package system.health_test

import data.system.health

_served := {"/srv/mzpolicy.tar.gz": {"manifest": {"revision": "abc", "roots": ["mz", "params", "system"]}}}

_checkout := {
	"policies": {"manifest": {"revision": "", "roots": ["mz", "params"]}},
	"opa/authz": {"manifest": {"revision": "", "roots": ["system"]}},
}

_up := {"plugin_state": {"decision_logs": "OK", "discovery": "OK"}, "plugins_ready": true}

test_live_while_the_server_evaluates if {
	health.live
}

test_ready_with_the_bundle_and_the_plugins if {
	every bundles in [_served, _checkout] {
		health.bundles with data.system.bundles as bundles
		health.ready with data.system.bundles as bundles with input as _up
	}
}

test_not_ready_before_the_plugins_are if {
	not health.ready with data.system.bundles as _served
		with input as {"plugin_state": {"decision_logs": "NOT_READY"}, "plugins_ready": false}
	not health.ready with data.system.bundles as _served with input as {}
}

test_not_ready_without_the_decision_s_bundle if {
	server_only := {"opa/authz": _checkout["opa/authz"]}
	not health.bundles with data.system.bundles as server_only
	not health.ready with data.system.bundles as server_only with input as _up
	not health.bundles with data.system.bundles as _served with data.mz.medins.loaded_years as []
}
