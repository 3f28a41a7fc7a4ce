"""The state store: id mappings and pushed hashes, runs and plans, the attendance ledger,
per-account meta values and leases; SQLite by default, PostgreSQL for shared deployments.
"""

from __future__ import annotations

from hpsync.state.rows import Lease, LedgerRow, MappingRow, PlanItemRow, RunRow
from hpsync.state.store import StateStore

__all__ = ["Lease", "LedgerRow", "MappingRow", "PlanItemRow", "RunRow", "StateStore"]
