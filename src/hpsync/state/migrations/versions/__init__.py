"""Revisions of the state store schema, oldest first (``down_revision`` chains them)."""
