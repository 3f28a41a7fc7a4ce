"""The yearly planning change: follow next year's base without duplicating anyone."""
