"""Test helpers shipped with the package: builders and fakes (like structlog.testing)."""
