"""`hpsync beat` and `hpsync worker` as an operator starts them: two schools' accounts synced."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hpsync import clock
from hpsync.config.example import example_config

from .conftest import REDIS_URL

PARIS = ZoneInfo("Europe/Paris")
RECORDING = "hpsync.testing.worker_runner"  # the worker's app with a recording runner


def _wait(what: str, condition: Callable[[], bool], deadline: float) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _ends(path: Path) -> list[tuple[str, str, str]]:
    if not path.exists():
        return []
    events = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [
        (Path(e["config"]).stem, e["account"], e["flow"]) for e in events if e["event"] == "end"
    ]


@pytest.mark.redis
@pytest.mark.slow
def test_beat_and_worker_sync_every_account_down_then_up(
    tmp_path: Path, prefix: str, redis_client: Any
) -> None:
    """Beat dispatches each account of each config; the worker runs down then up, once each."""
    schools = tmp_path / "schools"
    schools.mkdir()
    for name in ("school-a", "school-b"):
        (schools / f"{name}.toml").write_text(example_config())
    record = tmp_path / "runs.jsonl"
    env = {
        **os.environ,
        "HPSYNC_REDIS_URL": REDIS_URL,
        "HPSYNC_WORKER_PREFIX": prefix,
        "HPSYNC_WORKER_QUEUE": f"{prefix}-q",
        "HPSYNC_WORKER_TICK_SECONDS": "1",
        "HPSYNC_TEST_RUN_RECORD": str(record),
        "HPSYNC_TEST_RUN_SECONDS": "0.05",
        # a Wednesday 10:00 in Paris: outside the example's quiet hours (22:00-06:00),
        # whatever the machine's clock says
        clock.ENV: clock.environment_value(datetime(2026, 12, 9, 10, 0, tzinfo=PARIS)),
    }
    cli = [sys.executable, "-m", "hpsync"]
    argvs = [
        [*cli, "worker", "--concurrency", "2", "--queues", f"{prefix}-q", "--app", RECORDING],
        [*cli, "beat", "--config-dir", str(schools), "--schedule-file", str(tmp_path / "beat")],
    ]
    procs = []
    try:
        for i, argv in enumerate(argvs):
            log = (tmp_path / f"p{i}.log").open("w")
            procs.append(
                subprocess.Popen(argv, env=env, stdout=log, stderr=log, start_new_session=True)
            )
        expected = {
            (school, account, flow)
            for school in ("school-a", "school-b")
            for account in ("nord", "sud")
            for flow in ("down", "up")
        }
        _wait("all eight runs", lambda: set(_ends(record)) >= expected, 60)
        status = subprocess.run(
            [*cli, "worker", "status"], env=env, capture_output=True, text=True, check=True
        )
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    ends = _ends(record)
    assert sorted(ends) == sorted(expected)
    for school, account in {(s, a) for s, a, _ in expected}:
        flows = [f for s, a, f in ends if (s, a) == (school, account)]
        assert flows == ["down", "up"]
    assert status.stdout.count("down ok") == 4 and status.stdout.count("up ok") == 4
