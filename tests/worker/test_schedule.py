"""Scheduling: each account once per slot, down then up, broken configs skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from hpsync.cli import app
from hpsync.config.example import example_config
from hpsync.worker.command import Command, slot_of
from hpsync.worker.schedule import dispatch
from hpsync.worker.settings import WorkerSettings
from hpsync.worker.status import Outcome, StatusBoard

from .conftest import REDIS_URL


def _school(folder: Path, name: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(example_config())
    return path


def test_every_account_is_dispatched_once_per_slot(
    redis_client: Any, prefix: str, tmp_path: Path
) -> None:
    """Each account of each config gets one down-then-up chain per slot; the next slot again."""
    _school(tmp_path, "school-a")
    _school(tmp_path, "school-b")
    (tmp_path / "broken.toml").write_text("this is = not [toml")
    settings = WorkerSettings(prefix=prefix)
    sent: list[list[Command]] = []
    now = 1_699_956_000.0  # 11:00 in Paris: outside the example's quiet hours
    assert dispatch(redis_client, settings, [str(tmp_path)], sent.append, now=now) == 4
    assert {(c[0].account, Path(c[0].config).stem) for c in sent} == {
        (a, s) for a in ("nord", "sud") for s in ("school-a", "school-b")
    }
    assert all([c.flow for c in chain] == ["down", "up"] for chain in sent)
    assert all(c.slot == slot_of(now, 15) for chain in sent for c in chain)
    assert dispatch(redis_client, settings, [str(tmp_path)], sent.append, now=now + 60) == 0
    assert dispatch(redis_client, settings, [str(tmp_path)], sent.append, now=now + 900) == 4


def test_every_overrides_the_interval(redis_client: Any, prefix: str, tmp_path: Path) -> None:
    """With --every 5 a config is due again five minutes later."""
    config = _school(tmp_path, "school-a")
    settings = WorkerSettings(prefix=prefix)
    sent: list[list[Command]] = []
    start = 1_699_956_100.0 - 1_699_956_100.0 % 300  # daytime in Paris
    dispatch(redis_client, settings, [str(config)], sent.append, every=5, now=start)
    dispatch(redis_client, settings, [str(config)], sent.append, every=5, now=start + 300)
    assert len(sent) == 4 and sent[0][0].task_id != sent[2][0].task_id


def test_worker_status_prints_each_accounts_last_outcome(
    redis_client: Any, prefix: str, monkeypatch: Any
) -> None:
    """`hpsync worker status` shows the last outcome of each flow and the last error."""
    board = StatusBoard(redis_client, prefix)
    board.record(Outcome("ok", Command("/srv/a.toml", "nord", "down", 1)))
    board.record(Outcome("failed", Command("/srv/a.toml", "nord", "up", 1), error="503 again"))
    monkeypatch.setenv("HPSYNC_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("HPSYNC_WORKER_PREFIX", prefix)
    result = CliRunner().invoke(app, ["worker", "status"])
    assert result.exit_code == 0, result.output
    assert "nord" in result.output and "down ok" in result.output
    assert "up failed" in result.output and "503 again" in result.output


def test_beat_refuses_to_start_without_a_configuration(tmp_path: Path) -> None:
    """`hpsync beat` on an empty directory is a usage error, not a silent idle scheduler."""
    from hpsync.errors import UsageError

    result = CliRunner().invoke(app, ["beat", "--config-dir", str(tmp_path)])
    assert isinstance(result.exception, UsageError)
