"""Rosters: reading and writing them (io), deciding them through OPA in
batches (engine), counting decided rows (tally) and what the reports count
and name (reports). Every figure comes from the decisions OPA makes."""
