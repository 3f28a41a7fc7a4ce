"""The rows the state store reads and writes: frozen records, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAPPING_STATES = ("active", "archived")
MARK_KINDS = ("absence", "delay", "early_departure")
LEDGER_STATUSES = ("written", "removed", "pending", "failed")


@dataclass(frozen=True, slots=True)
class MappingRow:
    """One record we pushed: its remote id and the hash of what we last wrote."""

    account: str
    kind: str
    source_id: str
    remote_id: str
    content_hash: str
    pushed_at: datetime
    state: str = "active"
    remote_fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run of a flow on one account, with its outcome once finished."""

    run_id: int
    account: str
    flow: str
    dry_run: bool
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlanItemRow:
    """One planned change of a run, and what happened to it."""

    item_key: str
    kind: str
    action: str
    source_id: str
    remote_id: str
    summary: str
    details_json: str
    outcome: str = "pending"
    message: str = ""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """What hpsync last wrote into Hyperplanning for one (session, learner, mark kind)."""

    account: str
    session_sid: str
    learner_sid: str
    mark_kind: str
    status: str
    fingerprint: str
    hp_start: datetime
    hp_end: datetime
    justified: bool
    reason: str
    detail: str
    attempts: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Lease:
    """The right to sync one account until ``expires_at``; ``token`` fences stale holders."""

    account: str
    holder: str
    token: int
    expires_at: datetime
