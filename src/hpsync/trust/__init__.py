"""Trust features: audit and replay of runs, per-kind guards' alerts, digests, schedules."""
