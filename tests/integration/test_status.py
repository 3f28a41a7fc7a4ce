"""Freshness: time since the last good run per flow and the newest mark written back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hpsync import clock
from hpsync.state import LedgerRow, StateStore
from hpsync.state.freshness import freshness


def test_freshness_reports_last_good_runs_and_mark_lag(tmp_path: Path) -> None:
    """Dry runs and failures do not count as good; the lag is from the newest mark's end."""
    now = clock.now()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        good = store.start_run("nord", "down")
        store.finish_run(good, "ok", {})
        store.finish_run(store.start_run("nord", "down", dry_run=True), "planned", {})
        store.finish_run(store.start_run("nord", "up"), "failed", {}, error="boom")
        end = now - timedelta(hours=3)
        store.ledger_put(
            LedgerRow(
                "nord",
                "hp:b:session:1-1",
                "hp:b:learner:1",
                "absence",
                "written",
                "f",
                end - timedelta(hours=2),
                end,
                False,
                "",
                "",
                0,
                now,
            )
        )
        row = freshness(store, "nord", now)
    assert row["down_last_good"] is not None and row["down_age_seconds"] < 60
    assert row["up_last_good"] is None and row["up_last_outcome"] == "failed"
    assert 3 * 3600 - 5 <= row["mark_lag_seconds"] <= 3 * 3600 + 5
