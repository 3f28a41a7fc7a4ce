"""The plan: immutable data saying what a sync would write, and why.

The same object is printed by ``plan``, executed by ``sync``, stored with the run, shown
in the report and the dashboard, and hashed so an approved plan can be checked later.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from hpsync.engine.desired import Desired, DesiredSession
from hpsync.hashing import canonical_value
from hpsync.json_stream import Lazy, sha256_hex
from hpsync.model import Kind
from hpsync.rules.outcome import Anomaly


class Action(enum.StrEnum):
    """What the executor does with one record."""

    CREATE = "create"
    UPDATE = "update"
    REMOVE = "remove"  # people archived, groups and sessions deleted
    UNCHANGED = "unchanged"
    ADOPT = "adopt"  # found on the target already matching: record the mapping only
    FORGET = "forget"  # gone on both sides: drop the mapping only
    PROTECTED = "protected"  # should change but must not (locked, signed, past): reported
    HAND_MADE = "hand_made"  # created by hand in Edusign: reported, never touched

    @property
    def writes(self) -> bool:
        return self in {Action.CREATE, Action.UPDATE, Action.REMOVE}


def record_summary(record: Desired) -> str:
    """How people name the record: sessions by title and start, others by name or e-mail."""
    if type(record) is DesiredSession:  # most records: no attribute probing
        when = record.start
        return f"{record.name} @ {_minutes(when, when.fold, when.tzinfo)}"
    name = getattr(record, "name", None)
    if name is not None:
        start = getattr(record, "start", None)
        return f"{name} @ {start.isoformat(timespec='minutes')}" if start else str(name)
    first = getattr(record, "first_name", "")
    last = getattr(record, "last_name", "")
    return f"{first} {last} <{getattr(record, 'email', '')}>"


@lru_cache(maxsize=1 << 16)
def _minutes(start: datetime, fold: int, zone: tzinfo | None) -> str:
    """``start.isoformat(timespec="minutes")``, memoised: sessions share a few thousand starts.

    Equal datetimes may still print apart: in other zones (another offset), or in the
    repeated autumn hour of one zone (another fold); the key tells them apart.
    """
    return start.isoformat(timespec="minutes")


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field's value on the target now, and the value the planning wants."""

    name: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Who:
    """A record as a person knows it: a person's name and e-mail, a session's name and
    start, a group's name. Kept apart from ``summary`` so each face can write the start in
    its reader's zone and language."""

    name: str = ""
    email: str = ""
    start: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One record's fate; ``drift`` says whether the target was edited by hand."""

    kind: Kind
    action: Action
    sid: str
    remote_id: str = ""
    summary: str = ""
    changes: tuple[FieldChange, ...] = ()
    drift: str = ""  # "", "edited", "deleted", "hand_made", "duplicate"
    reason: str = ""
    content_hash: str = ""
    record: Desired | None = None
    who: Who | None = None  # set for records only Edusign still has (removed, hand-made)

    @property
    def writes(self) -> bool:
        """Whether executing the item calls the target: creates, updates, removals, and the
        adoption of a record made by someone else (its external id is set)."""
        return self.action.writes or (self.action is Action.ADOPT and bool(self.changes))

    @property
    def key(self) -> str:
        """Unique key of the item inside a plan."""
        return f"{self.kind.value}:{self.sid or self.remote_id}"

    def title(self) -> str:
        """How people name the record: ``summary``, or made from the record when the item
        carries one (not kept with each of an initial plan's 300k items)."""
        if self.summary or self.record is None:
            return self.summary
        return record_summary(self.record)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "action": self.action.value,
            "sid": self.sid,
            "remote_id": self.remote_id,
            "summary": self.title(),
            "changes": [
                {
                    "field": c.name,
                    "before": canonical_value(c.before),
                    "after": canonical_value(c.after),
                }
                for c in self.changes
            ],
            "drift": self.drift,
            "reason": self.reason,
            "content_hash": self.content_hash,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything one sync of one account would do."""

    account: str
    base_id: str
    items: tuple[PlanItem, ...]
    anomalies: tuple[Anomaly, ...] = ()
    warnings: tuple[str, ...] = ()
    held: dict[str, int] = field(default_factory=dict)  # records the account holds, per kind
    #: records left as they are, per kind: counted, not kept as items (an XL school's resync
    #: would otherwise hold one item per sheet of the year to say that nothing happens)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self) -> dict[str, dict[str, int]]:
        """Counts per kind and action."""
        table: dict[str, Counter[str]] = {}
        for item in self.items:
            table.setdefault(item.kind.value, Counter())[item.action.value] += 1
        for kind, n in self.unchanged.items():
            if n:
                table.setdefault(kind, Counter())[Action.UNCHANGED.value] += n
        return {kind: dict(counter) for kind, counter in table.items()}

    def unchanged_count(self) -> int:
        """How many records the plan leaves as they are."""
        kept = sum(1 for item in self.items if item.action is Action.UNCHANGED)
        return kept + sum(self.unchanged.values())

    def writes(self) -> list[PlanItem]:
        return [item for item in self.items if item.writes]

    def drift(self) -> list[PlanItem]:
        """Records hpsync wrote that were changed by hand in Edusign (not hand-made ones)."""
        return [item for item in self.items if item.drift and item.drift != "hand_made"]

    def hand_made(self) -> list[PlanItem]:
        """Records on Edusign that hpsync never wrote: reported, left alone."""
        return [item for item in self.items if item.action is Action.HAND_MADE]

    def to_json(self) -> dict[str, Any]:
        body = {
            **self._body(),
            "items": [item.to_json() for item in self.items if item.action is not Action.UNCHANGED],
            "counts": self.count(),
        }
        body["plan_hash"] = self.plan_hash
        return body

    def _body(self) -> dict[str, Any]:
        """Everything hashed but the items."""
        return {
            "account": self.account,
            "base_id": self.base_id,
            "unchanged": self.unchanged_count(),
            "anomalies": [
                {
                    "code": a.code.value,
                    "kind": a.kind,
                    "key": a.key,
                    "label": a.label,
                    "message": a.message,
                    "blocks": a.blocks,
                }
                for a in self.anomalies
            ],
            "warnings": list(self.warnings),
        }

    @property
    def plan_hash(self) -> str:
        """``digest`` of ``to_json`` without its counts, written an item at a time: an
        initial plan of an XL school is never held whole as JSON to be hashed."""
        items = Lazy(
            lambda: (
                canonical_value(item.to_json())
                for item in self.items
                if item.action is not Action.UNCHANGED
            )
        )
        body = canonical_value(self._body())
        return sha256_hex({**body, "items": items}, ascii=True, default=str)
