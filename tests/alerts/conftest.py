"""Fixtures for the alerts suite: the state store on both back-ends (from the state suite)."""

from __future__ import annotations

from state.conftest import FakeClock, clock, postgres_database, store, store_url

__all__ = ["FakeClock", "clock", "postgres_database", "store", "store_url"]
