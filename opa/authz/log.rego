# METADATA
# title: mzpolicy serve - what a decision log may not hold
# description: |
#   OPA evaluates data.system.log.mask for every decision it logs
#   (opa/config.yaml: decision_logs.mask_decision). A decision log must not
#   leak a resident's ID number or name: every `id_number` and `name` key in
#   the logged input is erased, wherever it sits (input.resident for one
#   decision, input.requests[i].resident for a batch of data.mz.medins.batch,
#   or any other shape a client sends). The erased paths are listed in the
#   log entry's `erased` field. The decision itself (result) carries neither.
package system.log

personal_keys := {"id_number", "name"}

# Paths (arrays of keys and indices) of every personal key in the input.
personal_paths contains path if {
	walk(input.input, [path, _])
	count(path) > 0
	path[count(path) - 1] in personal_keys
}

# Each path as the JSON pointer OPA's mask takes, when every segment is a
# plain key or an index (any key of the request schema is).
mask contains pointer if {
	_plain_pointers
	some path in personal_paths
	pointer := concat("/", array.concat(["", "input"], [_segment(p) | some p in path]))
}

# A key OPA's pointer syntax cannot address: replace the whole input by a
# copy without the personal keys instead.
mask contains {"op": "upsert", "path": "/input", "value": json.remove(input.input, _string_paths)} if {
	count(personal_paths) > 0
	not _plain_pointers
}

# json.remove takes an array index as a string.
_string_paths := {[_key(p) | some p in path] | some path in personal_paths}

_key(p) := format_int(p, 10) if is_number(p)

_key(p) := p if is_string(p)

_plain_pointers if {
	every path in personal_paths {
		every p in path {
			_segment(p)
		}
	}
}

_segment(p) := p if {
	is_string(p)
	regex.match(`^[A-Za-z0-9_.-]+$`, p)
}

_segment(p) := format_int(p, 10) if is_number(p)
