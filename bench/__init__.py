"""`make bench`: the hub measured against PostgreSQL's own limits, stock xloader and DataPusher
(see `bench.hub_bench` and docs/BENCHMARKS.md). It measures the engine; it is not part of it."""
