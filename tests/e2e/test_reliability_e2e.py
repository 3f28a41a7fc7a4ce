"""Runs that outlive their lease keep it, and runs that die are not left 'running'."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from .harness import World, clock_env, world
from .up_helpers import PARIS


def hpsync_env(w: World) -> dict[str, str]:
    first = date.fromisoformat(w.school["base"]["first_day"])
    return clock_env(datetime.combine(first + timedelta(days=14), datetime.min.time(), PARIS))


def test_a_sync_longer_than_a_two_second_lease_completes_and_keeps_it(tmp_path: Path) -> None:
    """At Edusign's real rate limits (24 heavy calls a minute) an S school's first sync of
    one account takes several seconds; with lease_seconds = 2 it completes (exit 0) and
    its run ends ok, the lease renewed meanwhile and released at the end."""
    with world(tmp_path, rate_scale=1.0) as w:
        w.config.write_text("lease_seconds = 2\n" + w.config.read_text())
        cmd = [sys.executable, "-m", "hpsync", "sync", "-a", "nord", "-c", str(w.config)]
        started = time.monotonic()
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=300, env=hpsync_env(w), check=False
        )
        took = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        assert took > 4, f"the sync must outlive its 2 s lease to test anything ({took:.1f} s)"
        listed = subprocess.run(
            [sys.executable, "-m", "hpsync", "runs", "--json", "-c", str(w.config)],
            capture_output=True,
            text=True,
            timeout=60,
            env=hpsync_env(w),
            check=True,
        )
        assert [r["outcome"] for r in json.loads(listed.stdout)] == ["ok"]


def test_a_killed_sync_is_shown_interrupted_not_running(tmp_path: Path) -> None:
    """SIGKILL during a slow sync: `hpsync runs` (nobody holds the account any more)
    shows that run as interrupted, with why."""
    with world(tmp_path, rate_scale=1.0) as w:
        cmd = [sys.executable, "-m", "hpsync", "sync", "-a", "nord", "-c", str(w.config)]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=hpsync_env(w)
        )
        deadline = time.monotonic() + 60
        while w.write_calls() == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(0.2)
        # the dead process's lease (900 s) is reclaimed only by a run on the same host;
        # `runs` must not wait for it: a holder whose process is gone is dead
        listed = subprocess.run(
            [sys.executable, "-m", "hpsync", "runs", "--json", "-c", str(w.config)],
            capture_output=True,
            text=True,
            timeout=60,
            env=hpsync_env(w),
            check=True,
        )
        (run,) = json.loads(listed.stdout)
        assert run["outcome"] == "interrupted" and "process stopped" in run["error"]


def test_an_unknown_account_is_refused_before_any_network_call(tmp_path: Path) -> None:
    """`-a nope` stops with exit 2 naming the configured accounts, and Hyperplanning never
    hears from it (no SOAP call at all)."""
    with world(tmp_path) as w:
        w.hp.reset_stats()
        for command in ("sync", "plan", "attendance", "anomalies"):
            done = subprocess.run(
                [sys.executable, "-m", "hpsync", command, "-a", "nope", "-c", str(w.config)],
                capture_output=True,
                text=True,
                timeout=60,
                env=hpsync_env(w),
                check=False,
            )
            assert done.returncode == 2, (command, done.stderr)
            assert "no account named 'nope'" in done.stderr and "nord, sud" in done.stderr
        assert sum(w.hp.stats.values()) == 0


def test_a_service_down_is_a_failure_not_a_partial_one(tmp_path: Path) -> None:
    """Hyperplanning unreachable: exit 5 (the run failed), distinct from 1 (some records
    failed), with one line saying what to check."""
    with world(tmp_path) as w:
        w.config.write_text(w.config.read_text().replace(w.hp_url, "http://127.0.0.1:9/hpsw/x"))
        done = subprocess.run(
            [sys.executable, "-m", "hpsync", "sync", "-c", str(w.config)],
            capture_output=True,
            text=True,
            timeout=120,
            env=hpsync_env(w),
            check=False,
        )
        assert done.returncode == 5, done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "cannot reach the Hyperplanning Service Web" in errors[0]
