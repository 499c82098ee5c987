# Entry points; the scripts do the work. `make bench` is a benchmark, not a test.
PY := .venv/bin/python
BENCH_ARGS ?=

.PHONY: setup test eval-sample bench load-bench openapi

setup:
	./scripts/setup

test:
	./scripts/test

# schemas/openapi.bundled.json from openapi.yaml and the JSON Schemas (after a schema changes;
# tests/test_openapi_client.py fails on a stale file).
openapi: setup
	$(PY) scripts/bundle_openapi.py

eval-sample: setup
	.venv/bin/mzpolicy eval fixtures/records/hukou-adult.yaml --as-of 2024-10-10

# Roster throughput and memory (issue #5): opa bench, a naive loop, mzpolicy batch and
# bulk_query_rule on the same synthetic records. BENCH_ARGS="--sample 500 --budget 120" for a shorter run.
bench: setup
	$(PY) bench/bench.py $(BENCH_ARGS)

# Decision service latency (issue #6): a bounded loopback load test of `mzpolicy serve`.
load-bench: setup
	$(PY) bench/load.py
