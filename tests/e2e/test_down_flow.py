"""The down flow over real HTTP against both emulators: exact state, idempotence, kills."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

from hpsync.bootstrap import open_context
from hpsync.config import load_config
from hpsync.engine.desired import build_desired
from hpsync.model import Kind

from .harness import ACCOUNTS, World, clock_env, duplicates, hpsync, world


def third_week(w: World) -> datetime:
    """The instant ``sync_all`` syncs at: midnight (UTC) two weeks after the base's first day."""
    first = datetime.fromisoformat(w.school["base"]["first_day"]).replace(tzinfo=UTC)
    return first + timedelta(days=14)


def sync_all(w: World) -> dict[str, dict[str, int]]:
    """Sync both accounts as of the base's third week (later sessions are in the future)."""
    from hpsync.sync.runs import run_down

    now = third_week(w)
    with open_context(load_config(w.config)) as ctx:
        snapshot = ctx.hyperplanning.read_snapshot()
        return {n: run_down(ctx.store, snapshot, ctx.account(n), now=now).counts for n in ACCOUNTS}


def test_sync_creates_exactly_the_desired_state_then_rerun_writes_nothing(tmp_path: Path) -> None:
    """After sync each account holds what the rules say; a second sync makes 0 write calls."""
    with world(tmp_path) as w:
        first = sync_all(w)
        with open_context(load_config(w.config)) as ctx:
            snapshot = ctx.hyperplanning.read_snapshot()
            desired = {n: build_desired(snapshot, ctx.account(n).rules) for n in ACCOUNTS}
        for name in ACCOUNTS:
            state = w.edusign_state(name)
            assert not duplicates(state)
            live = {row[0] for row in state["students"] if row[2] == "False"}
            assert live == set(desired[name].of(Kind.LEARNER))
            assert {row[0] for row in state["courses"]} == set(desired[name].of(Kind.SESSION))
            assert first[name]["failed"] == 0
        before = w.write_calls()
        second = sync_all(w)
        assert w.write_calls() == before
        assert all(c["writes_planned"] == 0 for c in second.values())


def test_changed_sessions_are_the_only_writes(tmp_path: Path) -> None:
    """Moving a few sessions in Hyperplanning updates exactly those sheets."""
    with world(tmp_path) as w:
        sync_all(w)
        data = httpx.get(
            f"{w.hp_url}/_emulator/data", auth=("ws", os.environ["HPSYNC_E2E_HP"]), timeout=30
        ).json()
        moved = 0
        first = data["base"]["first_day"]
        for course in data["courses"]:
            for seance in course.get("seances", []):
                late = seance["start"][:10] > str(date.fromisoformat(first) + timedelta(days=21))
                if moved < 3 and late and not seance.get("cancelled") and course.get("teachers"):
                    seance["start"] = seance["start"][:11] + "17:30:00"
                    moved += 1
        httpx.post(
            f"{w.hp_url}/_emulator/data",
            json=data,
            auth=("ws", os.environ["HPSYNC_E2E_HP"]),
            timeout=30,
        ).raise_for_status()
        counts = sync_all(w)
        updated = sum(c["updated"] for c in counts.values())
        assert 1 <= updated <= 2 * moved  # a moved session may live in both accounts
        assert all(c["created"] == 0 and c["removed"] == 0 for c in counts.values())


def test_sigkill_at_random_points_then_rerun_converges(tmp_path: Path) -> None:
    """Killing `hpsync sync` mid-run, then rerunning, ends like an uninterrupted sync."""
    rng = random.Random(11)
    clean_dir, killed_dir = tmp_path / "clean", tmp_path / "killed"
    clean_dir.mkdir()
    killed_dir.mkdir()
    with world(clean_dir) as w:
        sync_all(w)
        expected = {n: w.edusign_state(n) for n in ACCOUNTS}
    with world(killed_dir) as w:
        at = third_week(w)  # the reference's instant, not today's
        kills = 0
        for _attempt in range(6):
            proc = subprocess.Popen(
                [sys.executable, "-m", "hpsync", "sync", "-c", str(w.config), "--json"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=clock_env(at),
            )
            target = w.write_calls() + rng.randint(1, 12)  # kill after a random number of writes
            deadline = time.monotonic() + 60
            while proc.poll() is None and w.write_calls() < target:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.005)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=60)
        done = hpsync(w, at, "sync")
        assert done.returncode == 0, done.stderr
        for name in ACCOUNTS:
            state = w.edusign_state(name)
            assert not duplicates(state)
            assert state == expected[name]
        assert kills >= 1


def test_learner_archived_by_hand_is_restored_not_duplicated(tmp_path: Path) -> None:
    """A learner archived by hand in Edusign but still in the planning comes back, once."""
    with world(tmp_path) as w:
        sync_all(w)
        client = w.client("nord")
        victim = next(s for s in client.list_students() if s.api_id)
        client.archive_student(victim.id)
        client.close()
        counts = sync_all(w)
        assert counts["nord"]["updated"] >= 1 and counts["nord"]["created"] == 0
        state = w.edusign_state("nord")
        rows = [row for row in state["students"] if row[0] == victim.api_id]
        assert rows == [(victim.api_id, victim.email, "False", rows[0][3])]
        from hpsync.sync.runs import run_down

        with open_context(load_config(w.config)) as ctx:
            out = run_down(
                ctx.store, ctx.hyperplanning.read_snapshot(), ctx.account("nord"), dry_run=True
            )
        assert [(i.action, i.sid, i.changes, i.reason) for i in out.planned.plan.writes()] == []


def test_accounts_synced_one_at_a_time_hold_what_side_by_side_accounts_hold(
    tmp_path: Path,
) -> None:
    """``side_by_side_sessions`` (docs/config.md) only orders the accounts' reads and plans:
    ``hpsync sync`` with it at 0 (one account at a time) leaves each Edusign account exactly
    as the default (side by side on a small base) does, with no duplicate; a rerun writes
    nothing."""
    states = []
    for n, knob in enumerate(("", "side_by_side_sessions = 0\n")):
        (tmp_path / f"w{n}").mkdir()
        with world(tmp_path / f"w{n}") as w:
            w.config.write_text(knob + w.config.read_text())
            hpsync(w, third_week(w), "sync", ok=True)
            states.append({name: w.edusign_state(name) for name in ACCOUNTS})
            before = w.write_calls()
            hpsync(w, third_week(w) + timedelta(hours=1), "sync", ok=True)
            assert w.write_calls() == before
    side_by_side, one_at_a_time = states
    assert one_at_a_time == side_by_side
    for name in ACCOUNTS:
        assert not duplicates(one_at_a_time[name])
        assert one_at_a_time[name]["courses"] and one_at_a_time[name]["students"]
