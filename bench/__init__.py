"""Benchmarks: spytrace against Amnesty's MVT and against the raw-read limit."""
