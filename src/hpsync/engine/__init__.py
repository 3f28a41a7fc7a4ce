"""The sync engine: desired state, three-way diff, plan, guards, apply."""
