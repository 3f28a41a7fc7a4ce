"""Three-way diff: desired (planning) vs remote now (Edusign) vs last pushed (state).

Like vdirsyncer's status-based sync: the state says what we wrote last time, so a record
that differs on the target while its desired hash is unchanged was edited by hand (drift),
and a record we never wrote is never ours to delete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from hpsync.engine.desired import KIND_ORDER, Desired, DesiredSession, DesiredState
from hpsync.engine.gcpause import gc_paused
from hpsync.engine.plan import Action, FieldChange, Plan, PlanItem
from hpsync.engine.remote import RemoteRecord, RemoteState
from hpsync.hashing import canonical_and_hash, content_hash
from hpsync.model import Kind

PEOPLE = frozenset({Kind.LEARNER, Kind.TRAINER, Kind.TUTOR})


@dataclass(frozen=True, slots=True)
class Pushed:
    """What the state store remembers of one record we wrote."""

    remote_id: str
    content_hash: str


def _summary(record: Desired) -> str:
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


def _changes(want: dict[str, object], have: dict[str, object]) -> tuple[FieldChange, ...]:
    if want == have:  # the usual case once in sync: no field to look at one by one
        return ()
    return tuple(
        FieldChange(name, have.get(name), value)
        for name, value in sorted(want.items())
        if name in have and have[name] != value
    )


def diff_account(
    desired: DesiredState,
    remote: RemoteState,
    pushed: Mapping[tuple[Kind, str], Pushed],
    *,
    now: datetime,
    prefix: str,
) -> list[PlanItem]:
    """Plan items for every kind, in write order; ``prefix`` marks identities we own."""
    written: dict[Kind, set[str]] = {kind: set() for kind in KIND_ORDER}
    for kind, sid in pushed:  # one pass over the state, not one per kind
        written.setdefault(kind, set()).add(sid)
    items: list[PlanItem] = []
    for kind in KIND_ORDER:
        items.extend(
            _diff_kind(kind, desired, remote, pushed, written[kind], now=now, prefix=prefix)
        )
    return items


def _diff_kind(
    kind: Kind,
    desired: DesiredState,
    remote: RemoteState,
    pushed: Mapping[tuple[Kind, str], Pushed],
    written: set[str],
    *,
    now: datetime,
    prefix: str,
) -> list[PlanItem]:
    """Plan items of one kind; ``written`` holds the identities of that kind in ``pushed``."""
    wanted = desired.of(kind)
    have = remote.of(kind)
    read = kind in remote.complete
    by_api: dict[str, RemoteRecord] = {}
    items: list[PlanItem] = []
    for remote_id in sorted(have):  # keyed by remote id
        record = have[remote_id]
        if not record.api_id:
            items.append(
                PlanItem(
                    kind,
                    Action.HAND_MADE,
                    "",
                    record.remote_id,
                    summary=str(record.fields.get("name") or record.fields.get("email") or ""),
                    drift="hand_made",
                    reason="created by hand in Edusign: left alone",
                )
            )
            continue
        previous = by_api.get(record.api_id)
        if previous is not None and (previous.archived or record.archived):
            # An archived twin is history, not a duplicate: the live one wins.
            if previous.archived:
                by_api[record.api_id] = record
            continue
        if previous is not None:
            items.append(
                PlanItem(
                    kind,
                    Action.PROTECTED,
                    record.api_id,
                    record.remote_id,
                    drift="duplicate",
                    reason=f"a second {kind.value} carries the same external id: left alone, "
                    "remove it by hand in Edusign",
                )
            )
            continue
        by_api[record.api_id] = record
    for wanted_sid in sorted(wanted):
        items.append(
            _diff_one(
                kind,
                wanted[wanted_sid],
                pushed.get((kind, wanted_sid)),
                have,
                by_api,
                read=read,
                now=now,
            )
        )
    ours = written | {s for s in by_api if s.startswith(prefix)}
    for gone in sorted(ours - set(wanted)):
        items.append(
            _removal(kind, gone, pushed.get((kind, gone)), have, by_api, read=read, now=now)
        )
    return items


def _find(
    sid: str,
    last: Pushed | None,
    have: Mapping[str, RemoteRecord],
    by_api: Mapping[str, RemoteRecord],
) -> RemoteRecord | None:
    if last is not None and last.remote_id in have:
        return have[last.remote_id]
    return by_api.get(sid)


def _diff_one(
    kind: Kind,
    want: Desired,
    last: Pushed | None,
    have: Mapping[str, RemoteRecord],
    by_api: Mapping[str, RemoteRecord],
    *,
    read: bool,
    now: datetime,
) -> PlanItem:
    sid = want.sid
    summary = _summary(want)
    found = _find(sid, last, have, by_api)
    if found is None:
        digest = content_hash(want)
    else:
        fields, digest = canonical_and_hash(want)

    def make(action: Action = Action.UNCHANGED, **rest: Any) -> PlanItem:
        return PlanItem(
            kind, action, sid, summary=summary, content_hash=digest, record=want, **rest
        )

    if found is None:
        if last is not None and not read:
            # Not read this time (outside the read window): trust the state.
            if last.content_hash == digest:
                return make(remote_id=last.remote_id)
            return make(
                action=Action.UPDATE,
                remote_id=last.remote_id,
                reason="changed in Hyperplanning",
            )
        drift = "deleted" if last is not None else ""
        reason = (
            "deleted by hand in Edusign: recreated" if last is not None else "new in Hyperplanning"
        )
        return make(action=Action.CREATE, drift=drift, reason=reason)
    changes = _changes(fields, found.fields)
    if found.api_id != sid:
        # Found through our mapping under another external id (re-keyed by the yearly
        # switch): rewrite the external id so lookups by it keep working.
        changes = (*changes, FieldChange("api_id", found.api_id, sid))
    if found.archived:
        return make(
            action=Action.UPDATE,
            remote_id=found.remote_id,
            changes=changes,
            drift="edited" if last is not None else "",
            reason="archived on Edusign but in the planning: restored",
        )
    if not changes:
        if last is not None and last.remote_id == found.remote_id and last.content_hash == digest:
            return make(remote_id=found.remote_id)
        return make(
            action=Action.ADOPT,
            remote_id=found.remote_id,
            reason="already on Edusign as planned: mapping recorded",
        )
    if kind is Kind.SESSION and (
        found.locked or found.signed or (found.end is not None and found.end <= now)
    ):
        why = "locked" if found.locked else "signed" if found.signed else "already over"
        by_hand = last is not None and last.content_hash == digest
        return make(
            action=Action.PROTECTED,
            remote_id=found.remote_id,
            changes=changes,
            drift="edited" if by_hand else "",
            reason=f"{'edited by hand in Edusign; ' if by_hand else ''}"
            f"the sheet is {why}: not rewritten",
        )
    edited = last is not None and last.content_hash == digest
    return make(
        action=Action.UPDATE,
        remote_id=found.remote_id,
        changes=changes,
        drift="edited" if edited else "",
        reason="edited by hand in Edusign: planning restored"
        if edited
        else "changed in Hyperplanning",
    )


def _removal(
    kind: Kind,
    sid: str,
    last: Pushed | None,
    have: Mapping[str, RemoteRecord],
    by_api: Mapping[str, RemoteRecord],
    *,
    read: bool,
    now: datetime,
) -> PlanItem:
    found = _find(sid, last, have, by_api)
    if found is not None and found.archived:
        if last is not None:  # archived, but the journal never heard (its answer was lost)
            return PlanItem(kind, Action.FORGET, sid, found.remote_id, reason="already archived")
        return PlanItem(kind, Action.UNCHANGED, sid, found.remote_id, reason="already archived")
    if found is None:
        if last is not None and not read:
            return PlanItem(
                kind, Action.REMOVE, sid, last.remote_id, reason="no longer in the planning"
            )
        return PlanItem(
            kind, Action.FORGET, sid, last.remote_id if last else "", reason="gone from both sides"
        )
    if kind is Kind.SESSION and (
        found.locked or found.signed or (found.end is not None and found.end <= now)
    ):
        why = "locked" if found.locked else "signed" if found.signed else "already over"
        return PlanItem(
            kind,
            Action.PROTECTED,
            sid,
            found.remote_id,
            reason=f"removed from the planning but the sheet is {why}: kept, please check",
        )
    verb = "archived" if kind in {Kind.LEARNER, Kind.TRAINER, Kind.TUTOR} else "deleted"
    return PlanItem(
        kind, Action.REMOVE, sid, found.remote_id, reason=f"no longer in the planning: {verb}"
    )


@gc_paused
def build_plan(
    desired: DesiredState,
    remote: RemoteState,
    pushed: Mapping[tuple[Kind, str], Pushed],
    *,
    now: datetime,
) -> Plan:
    """The full plan of one account."""
    prefix = f"hp:{desired.base_id}:"
    # Sessions and groups of a previous base (last year) are history: never touched.
    # People carry over (the year switch re-keys them); a leaver's old identity stays ours.
    pushed = {
        (kind, sid): row
        for (kind, sid), row in pushed.items()
        if sid.startswith(prefix) or kind in PEOPLE
    }
    items = diff_account(desired, remote, pushed, now=now, prefix=prefix)
    per_kind = Counter(kind for kind, _sid in pushed)
    held = {kind.value: per_kind[kind] for kind in KIND_ORDER}
    return Plan(
        account=desired.account,
        base_id=desired.base_id,
        items=tuple(items),
        anomalies=tuple(desired.anomalies),
        warnings=tuple(sorted(set(desired.warnings))),
        held=held,
    )
