"""Beat leaves an account alone during its quiet hours, and uses its own interval."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hpsync.worker.schedule import accounts_of

CONFIG = """
[hyperplanning]
url = "http://127.0.0.1:9/hpsw"
user = "ws"
password = "env:HPSYNC_Q_HP"

[[accounts]]
name = "night"
api_key = "env:HPSYNC_Q_KEY"
[accounts.schedule]
every_minutes = 30
quiet_hours = "22:00-06:00"

[[accounts]]
name = "always"
api_key = "env:HPSYNC_Q_KEY"
"""


def test_quiet_hours_and_interval(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 23:30 Paris only the account without quiet hours is due; at noon both, at 30 min."""
    monkeypatch.setenv("HPSYNC_Q_HP", "hp-pass-123")
    monkeypatch.setenv("HPSYNC_Q_KEY", "key-12345678")
    path = tmp_path / "hpsync.toml"
    path.write_text(CONFIG)
    night = datetime(2026, 11, 30, 22, 30, tzinfo=UTC).timestamp()  # 23:30 in Paris
    noon = datetime(2026, 11, 30, 11, 0, tzinfo=UTC).timestamp()
    assert [name for name, _ in accounts_of(path, None, night)] == ["always"]
    assert dict(accounts_of(path, None, noon)) == {"night": 30, "always": 15}
