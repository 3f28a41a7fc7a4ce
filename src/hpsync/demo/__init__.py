"""``make demo``: emulators, a generated school, a full two-way sync, a readable report."""
