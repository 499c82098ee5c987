"""Rosters: reading and writing them (io), deciding them through OPA in
batches (engine), counting decided rows (tally), what the reports count
and name (reports; the weekly 通报's plan, last week and ranking: weekly)
and what decided a batch output (meta, its sidecar). Every figure comes
from the decisions OPA makes."""
