"""What the dashboard reads: the read side of the state store, as a Protocol.

The dashboard only reads; any object with these methods (the real ``StateStore``, a test
fake) can be shown. Keeping the surface this small keeps the dashboard harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

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
