"""Pure rules: which records an account gets and how they look there (no I/O)."""
