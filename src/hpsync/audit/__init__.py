"""Audit of runs: what each run read and decided, recorded so it can be replayed and compared."""
