"""Alembic migrations of the state store, run by ``StateStore.open`` (no alembic.ini)."""
