# Entry points; the scripts do the work. `make bench` is a benchmark, not a test.
PY := .venv/bin/python
BENCH_ARGS ?=
LOAD_ARGS ?=

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

# The policy's cost against its baseline and the commit before the redesign (issue #12), then
# roster throughput and memory (issue #5), on the same synthetic records (bench/README.md).
# BENCH_ARGS="--quick" for a run of about a minute, "--sample 500 --budget 120" for a shorter full one.
bench: setup
	$(PY) bench/bench.py $(BENCH_ARGS)

# Decision service latency (issues #6, #12): `mzpolicy serve` as in production, on loopback,
# one connection; LOAD_ARGS="--quick" for a short run.
load-bench: setup
	$(PY) bench/load.py $(LOAD_ARGS)
