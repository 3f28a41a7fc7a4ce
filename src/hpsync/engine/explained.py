"""One explanation of a plan item for every face: the CLI, ``--json``, the dashboard and
the e-mails.

A live ``PlanItem`` or a stored one (a run's plan item row) becomes an ``Explained``: its
kind, the record as a person knows it (a learner's or trainer's name and e-mail, a
session's name and local start, a group's name), the action, why, the field changes
before → after, and what happened to it. ``lines`` is its one text form, in the reader's
language and zone; ``as_json`` its one dict form. A face shows those and formats nothing
itself, so a person reads the same item wherever they look.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from hpsync.engine.desired import DesiredSession
from hpsync.engine.plan import PlanItem, Who
from hpsync.hashing import canonical_value
from hpsync.labels import action_label, kind_label, outcome_label
from hpsync.locale import Reader

MAX_VALUE = 60  # a field value longer than this is cut: the line must stay readable
_UTC_TEXT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)$")
# Outcomes worth a word on the item's line: the rest (pending, noop) say nothing new.
_TOLD_OUTCOMES = frozenset({"done", "failed"})


class StoredItem(Protocol):
    """What the store keeps of an item (``hpsync.state.rows.PlanItemRow``): read only."""

    @property
    def item_key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def source_id(self) -> str: ...
    @property
    def remote_id(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def details_json(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def message(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Change:
    """One field: the value Edusign has, the value the planning wants (JSON values)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Explained:
    """A plan item as a person reads it (an anomaly too: its record, problem and label)."""

    key: str
    kind: str
    action: str
    source_id: str
    remote_id: str
    who: Who
    summary: str  # the engine's own one-line name: the fallback when ``who`` is empty
    reason: str
    drift: str
    changes: tuple[Change, ...]
    outcome: str
    message: str

    @property
    def is_drift(self) -> bool:
        """Written by hpsync, then changed by hand (a hand-made record is not drift)."""
        return bool(self.drift) and self.drift != "hand_made"

    def name(self, reader: Reader) -> str:
        """The record as a person knows it; a session's start in the reader's zone."""
        who = self.who
        if who.email:
            return f"{who.name} <{who.email}>" if who.name else f"<{who.email}>"
        if who.name and who.start is not None:
            return f"{who.name}, {reader.when(who.start)}"
        return who.name or self.summary or self.source_id or self.remote_id

    def change_texts(self, reader: Reader) -> list[tuple[str, str, str]]:
        """``(field, before, after)`` as a reader sees them: times local, long values cut."""
        return [(c.field, _text(c.before, reader), _text(c.after, reader)) for c in self.changes]

    def line(self, reader: Reader) -> str:
        """The item on one line: kind, name, action, why, and what happened if it is news."""
        if self.kind == "anomaly":
            return f"{self.source_id}: {self.summary}" + (
                f" ({self.message})" if self.message else ""
            )
        text = (
            f"{kind_label(self.kind, reader, one=True)} {self.name(reader)}"
            f" — {action_label(self.action, reader)}"
        )
        if self.reason:
            text += f": {self.reason}"
        if self.outcome in _TOLD_OUTCOMES:
            text += f" — {outcome_label(self.action, self.outcome, self.reason, reader)}"
        if self.message:
            text += f" ({self.message})"
        return text

    def what(self, reader: Reader) -> str:
        """The action and its field changes on one line: ``update (room: B12 → C07)``, for
        the lines that set two versions of an item side by side (replay, approved plan)."""
        changes = "; ".join(f"{f}: {b} → {a}" for f, b, a in self.change_texts(reader))
        return self.action + (f" ({changes})" if changes else "")

    def lines(self, reader: Reader, indent: str = "    ") -> list[str]:
        """``line`` and one line per field change, ``field: before → after``."""
        return [self.line(reader)] + [
            f"{indent}{name}: {before} → {after}"
            for name, before, after in self.change_texts(reader)
        ]

    def as_json(self, reader: Reader | None = None) -> dict[str, Any]:
        """The dict form for ``--json``; with a reader, ``text`` is the item's lines."""
        body: dict[str, Any] = {
            "key": self.key,
            "kind": self.kind,
            "action": self.action,
            "source_id": self.source_id,
            "remote_id": self.remote_id,
            "name": self.who.name or self.summary,
            "email": self.who.email,
            "start": self.who.start.isoformat() if self.who.start else None,
            "reason": self.reason,
            "drift": self.drift,
            "changes": [
                {"field": c.field, "before": c.before, "after": c.after} for c in self.changes
            ],
            "outcome": self.outcome,
            "message": self.message,
        }
        if reader is not None:
            body["text"] = self.lines(reader)
        return body


def who_of(item: PlanItem) -> Who:
    """The planned record as a person knows it: from the planning's record when there is
    one, else as Edusign holds it (set by the diff), else the engine's summary."""
    if item.who is not None:
        return item.who
    record = item.record
    if isinstance(record, DesiredSession):
        return Who(record.name, start=record.start)
    if record is not None and hasattr(record, "email"):
        first, last = getattr(record, "first_name", ""), getattr(record, "last_name", "")
        return Who(f"{first} {last}".strip(), str(getattr(record, "email", "")))
    name = getattr(record, "name", None)
    return Who(str(name)) if name else Who(item.title())


def who_json(who: Who) -> dict[str, str]:
    """What the store keeps of ``who`` (inside the item's details)."""
    return {
        "name": who.name,
        "email": who.email,
        "start": who.start.isoformat() if who.start else "",
    }


def _who_from(raw: object, summary: str) -> Who:
    if not isinstance(raw, dict):
        return Who(summary)  # an item stored before names were kept apart
    start = _instant(raw.get("start"))
    return Who(str(raw.get("name") or ""), str(raw.get("email") or ""), start)


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def explain_item(item: PlanItem, *, outcome: str = "", message: str = "") -> Explained:
    """A live plan item, explained."""
    return Explained(
        key=item.key,
        kind=item.kind.value,
        action=item.action.value,
        source_id=item.sid,
        remote_id=item.remote_id,
        who=who_of(item),
        summary=item.title(),
        reason=item.reason,
        drift=item.drift,
        changes=tuple(
            Change(c.name, canonical_value(c.before), canonical_value(c.after))
            for c in item.changes
        ),
        outcome=outcome,
        message=message,
    )


def explain_json(body: dict[str, Any]) -> Explained:
    """An item of a plan's ``to_json`` form (an approved plan file): no ``who`` there, so
    the record is named by its summary."""
    return Explained(
        key=f"{body.get('kind')}:{body.get('sid') or body.get('remote_id')}",
        kind=str(body.get("kind") or ""),
        action=str(body.get("action") or ""),
        source_id=str(body.get("sid") or ""),
        remote_id=str(body.get("remote_id") or ""),
        who=Who(str(body.get("summary") or "")),
        summary=str(body.get("summary") or ""),
        reason=str(body.get("reason") or ""),
        drift=str(body.get("drift") or ""),
        changes=tuple(
            Change(str(c.get("field", "?")), c.get("before"), c.get("after"))
            for c in body.get("changes") or ()
            if isinstance(c, dict)
        ),
        outcome="",
        message="",
    )


def details(raw: str) -> dict[str, Any]:
    """Decode a stored item's details; a damaged row still shows, without its explanation."""
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def explain_row(row: StoredItem) -> Explained:
    """A stored plan item, explained (anomalies too: ``source_id`` names their record)."""
    found = details(row.details_json)
    changes = tuple(
        Change(str(c.get("field", "?")), c.get("before"), c.get("after"))
        for c in found.get("changes") or ()
        if isinstance(c, dict)
    )
    return Explained(
        key=row.item_key,
        kind=row.kind,
        action=row.action,
        source_id=row.source_id,
        remote_id=row.remote_id,
        who=_who_from(found.get("who"), row.summary),
        summary=row.summary,
        reason=str(found.get("reason") or ""),
        drift=str(found.get("drift") or ""),
        changes=changes,
        outcome=row.outcome,
        message=row.message,
    )


def explain_rows(rows: Iterable[StoredItem]) -> list[Explained]:
    """Every stored item of a run, explained, in the order stored."""
    return [explain_row(row) for row in rows]


def _text(value: Any, reader: Reader) -> str:
    """A field value as a reader sees it: strings bare, instants local, the rest as JSON."""
    if value is None:
        return "∅"
    if isinstance(value, str):
        if _UTC_TEXT.match(value):
            moment = _instant(value.replace("Z", "+00:00"))
            if moment is not None:
                return reader.when(moment)
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 3] + "..."
