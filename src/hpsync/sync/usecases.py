"""The two use cases every face runs: ``sync_down`` (planning → Edusign, each account side
by side) and ``write_back`` (attendance → Hyperplanning, previous bases first).

The CLI, the worker, the dashboard's actions and the webhook call them through
``bootstrap.Services``, so a step added here (a base, a notification) reaches every face.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import datetime
from typing import Any

from hpsync import allocator
from hpsync.audit.record import SnapshotBlob
from hpsync.errors import HpsyncError
from hpsync.model import Snapshot
from hpsync.state import StateStore
from hpsync.sync.parallel import each_account
from hpsync.sync.runs import AccountSetup, DownOutcome, run_down
from hpsync.sync.write_back import PreviousOutcome, WriteBack, write_back

__all__ = ["PreviousOutcome", "WriteBack", "sync_down", "write_back"]

Progress = Callable[[int], Callable[[int], None]]


def sync_down(
    store: StateStore,
    setups: Sequence[AccountSetup],
    snapshot: Snapshot,
    *,
    dry_run: bool = False,
    force: bool = False,
    reason: str = "",
    now: datetime | None = None,
    progress_for: Callable[[AccountSetup], Progress | None] | None = None,
    approved_for: Callable[[AccountSetup], dict[str, Any] | None] | None = None,
    side_by_side_sessions: int | None = None,
) -> list[DownOutcome | HpsyncError]:
    """Plan (and unless ``dry_run``, apply) the down flow of every account given, side by
    side; a refused or failed account takes its error's place in the list. On a base of
    more than ``side_by_side_sessions`` sessions the accounts read and plan one at a time
    (what an account holds to plan is released before the next begins); writes still
    run side by side."""
    allocator.release()  # what the base's read built and dropped (SOAP answers, rows)
    stored = SnapshotBlob(snapshot)  # one snapshot blob for the run, whatever the accounts
    big = side_by_side_sessions is not None and len(snapshot.sessions) > side_by_side_sessions
    planning = threading.Lock() if big and len(setups) > 1 else nullcontext()

    def one(setup: AccountSetup) -> DownOutcome:
        return run_down(
            store,
            snapshot,
            setup,
            dry_run=dry_run,
            force=force,
            reason=reason,
            now=now,
            progress=progress_for(setup) if progress_for else None,
            approved=approved_for(setup) if approved_for else None,
            snapshot_blob=stored,
            planning=planning,
        )

    return each_account(setups, one)
