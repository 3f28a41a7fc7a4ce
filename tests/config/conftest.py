"""Shared pieces of the configuration tests: a minimal valid file and its secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

BASE = """
[hyperplanning]
url = "http://127.0.0.1:9/hpsw"
user = "ws"
password = "env:HPSYNC_T_HP"
"""
ACCOUNT = """
[[accounts]]
name = "nord"
api_key = "env:HPSYNC_T_KEY"
"""


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HPSYNC_T_HP", "hp-pass-123")
    monkeypatch.setenv("HPSYNC_T_KEY", "edu-key-456")


def write(tmp_path: Path, text: str, name: str = "hpsync.toml") -> Path:
    """Write ``text`` as a configuration file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
