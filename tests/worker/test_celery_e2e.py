"""Real Celery worker processes on real Redis: every account once, none twice, none lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from hpsync import clock
from hpsync.worker.app import make_app
from hpsync.worker.command import Command
from hpsync.worker.settings import WorkerSettings

from .conftest import REDIS_URL

ACCOUNTS = [f"acct{i:02d}" for i in range(20)]
RUN_SECONDS = 1.0


def _wait(what: str, condition: Callable[[], bool], deadline: float) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def workers(tmp_path: Path, prefix: str) -> Iterator[tuple[WorkerSettings, list[Any], Path]]:
    """Two worker processes (prefork, 2 children each) on a queue of their own."""
    settings = WorkerSettings(
        redis_url=REDIS_URL,
        prefix=prefix,
        queue=f"{prefix}-q",
        lease_seconds=2,
        visibility_timeout=4,
        restore_interval=1,
    )
    record = tmp_path / "runs.jsonl"
    env = {
        **os.environ,
        "HPSYNC_REDIS_URL": settings.redis_url,
        "HPSYNC_WORKER_PREFIX": settings.prefix,
        "HPSYNC_WORKER_QUEUE": settings.queue,
        "HPSYNC_WORKER_LEASE_SECONDS": "2",
        "HPSYNC_WORKER_VISIBILITY_TIMEOUT": "4",
        "HPSYNC_WORKER_RESTORE_INTERVAL": "1",
        "HPSYNC_TEST_RUN_RECORD": str(record),
        "HPSYNC_TEST_RUN_SECONDS": str(RUN_SECONDS),
    }
    procs = []
    for i in (1, 2):
        log = (tmp_path / f"w{i}.log").open("w")
        argv = [sys.executable, "-m", "celery", "-A", "hpsync.testing.worker_runner", "worker"]
        argv += ["-Q", settings.queue, "-c", "2", "-n", f"w{i}-{prefix}@%h", "-l", "info"]
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        procs.append(
            subprocess.Popen(argv, env=env, stdout=log, stderr=log, start_new_session=True)
        )
    try:
        logs = [tmp_path / f"w{i}.log" for i in (1, 2)]
        _wait("both workers ready", lambda: all("ready." in p.read_text() for p in logs), 45)
        yield settings, procs, record
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.mark.redis
@pytest.mark.slow
def test_twenty_accounts_once_each_despite_a_killed_worker(
    workers: tuple[WorkerSettings, list[Any], Path], redis_client: Any, tmp_path: Path
) -> None:
    """20 accounts synced exactly once, never two at a time, although one worker is kill -9'd."""
    settings, procs, record = workers
    app = make_app(settings)
    config = str(tmp_path / "school.toml")
    commands = [Command(config, name, "down", 4242) for name in ACCOUNTS]
    for command in commands:
        app.hpsync_send([command])
    for command in commands[:5]:  # duplicate deliveries of the same slot
        app.hpsync_send([command])

    victim = procs[0]
    _wait(
        "the first worker to start a run",
        lambda: any(e["pgid"] == victim.pid for e in _events(record)),
        30,
    )
    os.killpg(victim.pid, signal.SIGKILL)
    killed_at = clock.timestamp()  # the runner's clock
    victim.wait(timeout=10)

    celery_prefix = f"{settings.prefix}:celery:"

    def drained() -> bool:
        ended = {e["account"] for e in _events(record) if e["event"] == "end"}
        return (
            ended == set(ACCOUNTS)
            and redis_client.llen(celery_prefix + settings.queue) == 0
            and redis_client.hlen(celery_prefix + "unacked") == 0
        )

    _wait("every account done and the queue drained", drained, 45)

    events = _events(record)
    ends = [e["account"] for e in events if e["event"] == "end"]
    assert sorted(ends) == sorted(ACCOUNTS)  # exactly once each
    cut = [
        e
        for e in events
        if e["event"] == "start"
        and e["pgid"] == victim.pid
        and not any(
            x["event"] == "end" and x["pid"] == e["pid"] and x["account"] == e["account"]
            for x in events
        )
    ]
    assert cut, "the kill landed between runs: nothing was interrupted"
    for name in ACCOUNTS:
        spans = []
        mine = [e for e in events if e["account"] == name]
        for start in (e for e in mine if e["event"] == "start"):
            end = next(
                (e["t"] for e in mine if e["event"] == "end" and e["pid"] == start["pid"]),
                killed_at,
            )
            spans.append((start["t"], end))
        spans.sort()
        for (_, end), (next_start, _) in pairwise(spans):
            assert next_start >= end, f"{name} was synced by two workers at once"
    rows = {row["account"]: row for row in _board(redis_client, settings)}
    assert set(rows) == set(ACCOUNTS) and all(r["down_status"] == "ok" for r in rows.values())


def _board(redis_client: Any, settings: WorkerSettings) -> list[dict[str, str]]:
    from hpsync.worker.status import StatusBoard

    return StatusBoard(redis_client, settings.prefix).rows()
