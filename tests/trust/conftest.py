"""Fixtures for the trust suite: the state store on both back-ends and a local SMTP server."""

from __future__ import annotations

from alerts.conftest import SmtpServer, smtp
from state.conftest import FakeClock, clock, postgres_database, store, store_url

__all__ = ["FakeClock", "SmtpServer", "clock", "postgres_database", "smtp", "store", "store_url"]
