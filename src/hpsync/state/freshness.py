"""Freshness of an account, read from the state store: what ``hpsync status`` prints and
the dashboard shows (a read-side query: faces share it, none owns it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

#: outcomes of a run that count as "ran well" (a partial run did its work but some items)
GOOD = ("ok", "partial")


def freshness(store: Any, account: str, now: datetime) -> dict[str, Any]:
    """Time since the last good run per flow, and the lag of the newest mark written back."""
    runs = [r for r in store.runs(account, limit=500) if not r.dry_run]
    out: dict[str, Any] = {"account": account, "base": store.get_meta(account, "base_id")}
    for flow in ("down", "up"):
        good = [r for r in runs if r.flow == flow and r.outcome in GOOD and r.finished_at]
        last = max((r.finished_at for r in good), default=None)
        out[f"{flow}_last_good"] = last.isoformat() if last else None
        out[f"{flow}_age_seconds"] = int((now - last).total_seconds()) if last else None
        failing = [r for r in runs if r.flow == flow][:1]
        out[f"{flow}_last_outcome"] = failing[0].outcome if failing else None
    written = [row for row in store.ledger(account) if row.status == "written"]
    newest = max((row.hp_end for row in written), default=None)
    out["newest_mark_written"] = newest.isoformat() if newest else None
    out["mark_lag_seconds"] = int((now - newest).total_seconds()) if newest else None
    out["failed_marks"] = sum(1 for row in store.ledger(account) if row.status == "failed")
    return out
