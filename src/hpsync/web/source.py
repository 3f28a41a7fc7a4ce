"""What the dashboard reads: the read side of the state store, as a Protocol.

The dashboard only reads; any object with these methods (the real ``StateStore``, a test
fake) can be shown. Keeping the surface this small keeps the dashboard harmless.

The send log (notifications), the recorded marks and the audit (run inputs) live in their
own modules as functions over a ``StateStore``; ``notifications_of``, ``marks_of`` and
``inputs_of`` call them for a real store, and the same-named methods (``notifications``,
``marks``, ``run_inputs``) of any other source, or answer nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from hpsync.state import StateStore
from hpsync.state.audit import RunInputsRow
from hpsync.state.marks import MarkRow, NotificationRow
from hpsync.state.rows import LedgerRow, MappingRow, PlanItemRow, RunRow


class DashboardSource(Protocol):
    """The read-only queries of ``hpsync.state.StateStore`` the pages use."""

    def runs(self, account: str | None = None, limit: int = 50) -> Sequence[RunRow]: ...

    def get_run(self, run_id: int) -> RunRow | None: ...

    def plan_items(self, run_id: int) -> Sequence[PlanItemRow]: ...

    def ledger(
        self, account: str, *, status: str | None = None, since: datetime | None = None
    ) -> Sequence[LedgerRow]: ...

    def mappings(self, account: str, kind: str | None = None) -> Sequence[MappingRow]: ...

    def get_meta(self, account: str, key: str) -> str | None: ...


def notifications_of(source: DashboardSource, account: str, limit: int) -> list[NotificationRow]:
    """The account's latest notifications, newest first (any status)."""
    if isinstance(source, StateStore):
        from hpsync.alerts.queries import recent_notifications

        return recent_notifications(source, account, limit)
    reader = getattr(source, "notifications", None)
    return list(reader(account, limit)) if callable(reader) else []


def inputs_of(source: DashboardSource, run_id: int) -> RunInputsRow | None:
    """The inputs a run kept (trust audit), or None (dry run, up flow, pruned)."""
    if isinstance(source, StateStore):
        from hpsync.state.audit import run_inputs

        return run_inputs(source, run_id)
    reader = getattr(source, "run_inputs", None)
    found = reader(run_id) if callable(reader) else None
    return found if isinstance(found, RunInputsRow) else None


def marks_of(source: DashboardSource, account: str, since: datetime) -> list[MarkRow]:
    """The final marks the up flow recorded for sessions since ``since`` (none: empty)."""
    if isinstance(source, StateStore):
        from hpsync.state.marks import marks

        return marks(source, account, since=since)
    reader = getattr(source, "marks", None)
    return list(reader(account, since=since)) if callable(reader) else []
