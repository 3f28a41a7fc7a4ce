"""A recorded run of an M school, replayed from its stored inputs, gives the same writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hpsync.audit.replay import replay_run
from hpsync.config import load_config
from hpsync.state import StateStore

from .m_world import synced_m_world
from .test_down_flow import sync_all

# M-school size, not calendar: left out of the fixed-instant passes (`make test`)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # an M school, CPU bound


def test_replay_of_an_m_school_run_reproduces_its_writes(tmp_path: Path, synced_m: Path) -> None:
    """Both the first sync and a drift-restoring one replay to the same plan hash (the first
    sync is the session's one M sync, m_world.py, recorded in the copied state)."""
    with synced_m_world(tmp_path, synced_m) as w:
        client = w.client("nord")
        victim = next(s for s in client.list_students() if s.api_id)
        client.archive_student(victim.id)  # a hand edit the second run restores
        client.close()
        sync_all(w)
        cfg = load_config(w.config)
        with StateStore.open(cfg.state_url) as store:
            runs = [r for r in store.runs("nord") if r.flow == "down" and not r.dry_run]
            assert len(runs) == 2
            for run in runs:
                report = replay_run(store, run.run_id)
                assert report.replayed_hash == report.recorded_hash, report.differences[:5]
                assert not report.differences
        done = subprocess.run(
            [sys.executable, "-m", "hpsync", "replay", str(runs[0].run_id), "-c", str(w.config)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-1000:] + done.stderr[-1000:]
