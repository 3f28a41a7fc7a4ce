"""Three-way diff: desired (planning) vs remote now (Edusign) vs last pushed (state).

Like vdirsyncer's status-based sync: the state says what we wrote last time, so a record
that differs on the target while its desired hash is unchanged was edited by hand (drift),
and a record we never wrote is never ours to delete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hpsync.engine.adopt import (
    OURS,
    Candidates,
    candidates,
    is_foreign,
    keys_of,
    names_agree,
    rank_of,
    token_of,
)
from hpsync.engine.desired import KIND_ORDER, Desired, DesiredSession, DesiredState
from hpsync.engine.gcpause import gc_paused
from hpsync.engine.plan import Action, FieldChange, Plan, PlanItem, Who
from hpsync.engine.remote import RemoteFields, RemoteRecord, RemoteState, sheet_people
from hpsync.hashing import canonical, canonical_and_hash, canonical_values_and_hash, content_hash
from hpsync.model import Kind

PEOPLE = frozenset({Kind.LEARNER, Kind.TRAINER, Kind.TUTOR})


@dataclass(frozen=True, slots=True)
class Pushed:
    """What the state store remembers of one record we wrote."""

    remote_id: str
    content_hash: str


#: what ``_diff_one`` answers, when told to be quiet, for a record left as it is
UNCHANGED_ITEM = PlanItem(Kind.SESSION, Action.UNCHANGED, "")


class PushedIndex(Mapping[tuple[Kind, str], Pushed]):
    """What was pushed, by (kind, source id), held as one dict per kind: no key tuple per
    record (72 bytes each, for every sheet of an XL school's year)."""

    __slots__ = ("_by_kind", "_size")

    def __init__(self) -> None:
        self._by_kind: dict[Kind, dict[str, Pushed]] = {}
        self._size = 0

    def put(self, kind: Kind, sid: str, pushed: Pushed) -> None:
        bucket = self._by_kind.setdefault(kind, {})
        self._size += sid not in bucket
        bucket[sid] = pushed

    def __getitem__(self, key: tuple[Kind, str]) -> Pushed:
        kind, sid = key
        return self._by_kind[kind][sid]

    def get(self, key: tuple[Kind, str], default: Any = None) -> Any:
        bucket = self._by_kind.get(key[0])
        return default if bucket is None else bucket.get(key[1], default)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        bucket = self._by_kind.get(key[0])
        return bucket is not None and key[1] in bucket

    def __iter__(self) -> Iterator[tuple[Kind, str]]:
        for kind, bucket in self._by_kind.items():
            for sid in bucket:
                yield kind, sid

    def __len__(self) -> int:
        return self._size


def _changes(want: dict[str, object], have: Mapping[str, object]) -> tuple[FieldChange, ...]:
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
    adopt_sessions: bool = False,
    unchanged: Counter[Kind] | None = None,
) -> list[PlanItem]:
    """Plan items for every kind, in write order; ``prefix`` marks identities we own.
    Records left as they are are counted in ``unchanged``, not returned."""
    unchanged = Counter() if unchanged is None else unchanged
    written: dict[Kind, set[str]] = {kind: set() for kind in KIND_ORDER}
    for kind, sid in pushed:  # one pass over the state, not one per kind
        written.setdefault(kind, set()).add(sid)
    items: list[PlanItem] = []
    tokens: dict[str, str] = {}  # person sid -> how Edusign's sessions name that person
    for kind in KIND_ORDER:
        adopting = kind in (Kind.LEARNER, Kind.TRAINER) or (kind is Kind.SESSION and adopt_sessions)
        found = _diff_kind(
            kind,
            desired,
            remote,
            pushed,
            written[kind],
            now=now,
            prefix=prefix,
            tokens=tokens if adopting else None,
            unchanged=None if kind in (Kind.TRAINER, Kind.LEARNER) else unchanged,
        )
        if kind in (Kind.TRAINER, Kind.LEARNER):  # the sessions' names of these people
            have = remote.of(kind)
            tokens.update(
                {i.sid: token_of(have[i.remote_id]) for i in found if i.remote_id in have}
            )
            unchanged[kind] += sum(1 for i in found if i.action is Action.UNCHANGED)
            found = [i for i in found if i.action is not Action.UNCHANGED]
        items.extend(found)
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
    tokens: Mapping[str, str] | None = None,
    unchanged: Counter[Kind] | None = None,
) -> list[PlanItem]:
    """Plan items of one kind; ``written`` holds the identities of that kind in ``pushed``;
    with ``tokens`` (trainers as Edusign's sessions name them), records hpsync never wrote
    are adopted when they match a record to create. With ``unchanged``, records left as
    they are are counted there instead of returned."""
    wanted = desired.of(kind)
    have = remote.of(kind)
    read = kind in remote.complete
    by_api: dict[str, RemoteRecord] = {}
    items: list[PlanItem] = []
    foreign: list[RemoteRecord] = []
    settled = remote.settled if kind is Kind.SESSION else {}
    for remote_id in sorted(have):  # keyed by remote id
        record = have[remote_id]
        if is_foreign(record):
            foreign.append(record)
            continue
        if record.api_id in settled:  # its twin was read as pushed, and is the one kept
            if not record.archived:  # an archived twin is history
                items.append(_duplicate(kind, record))
            continue
        previous = by_api.get(record.api_id)
        if previous is not None and (previous.archived or record.archived):
            # An archived twin is history, not a duplicate: the live one wins.
            if previous.archived:
                by_api[record.api_id] = record
            continue
        if previous is not None:
            items.append(_duplicate(kind, record))
            continue
        by_api[record.api_id] = record
    pool = candidates(kind, foreign) if tokens is not None else None
    absent = remote.absent

    def was_read(last: Pushed | None) -> bool:
        # a partial read still knows the records it asked for by id and found gone
        return read or (last is not None and last.remote_id in absent)

    for wanted_sid in sorted(wanted):
        if wanted_sid in settled:  # read as pushed (``engine.settle``): left as it is
            if unchanged is not None:
                unchanged[kind] += 1
                continue
            want = wanted[wanted_sid]
            items.append(
                PlanItem(
                    kind,
                    Action.UNCHANGED,
                    wanted_sid,
                    settled[wanted_sid],
                    content_hash=content_hash(want),
                    record=want,
                )
            )
            continue
        last = pushed.get((kind, wanted_sid))
        item = _diff_one(
            kind,
            wanted[wanted_sid],
            last,
            have,
            by_api,
            read=was_read(last),
            now=now,
            quiet=unchanged is not None,
        )
        if pool is not None and item.action is Action.CREATE:
            item = _adopt(item, wanted[wanted_sid], pool, tokens or {}, now=now)
        if unchanged is not None and item.action is Action.UNCHANGED:
            unchanged[kind] += 1
            continue
        items.append(item)
    # ours and no longer wanted, without a set of every identity held (300k sheets)
    gone_sids = {s for s in written if s not in wanted}
    gone_sids.update(s for s in by_api if s not in wanted and s.startswith(prefix))
    for gone in sorted(gone_sids):
        last = pushed.get((kind, gone))
        item = _removal(kind, gone, last, have, by_api, read=was_read(last), now=now)
        if unchanged is not None and item.action is Action.UNCHANGED:
            unchanged[kind] += 1
            continue
        items.append(item)
    taken = pool.taken if pool is not None else set()
    for record in foreign:
        if record.remote_id in taken or (record.archived and kind is not Kind.SESSION):
            continue
        origin = f"by another tool (external id {record.api_id})" if record.api_id else "by hand"
        items.append(
            PlanItem(
                kind,
                Action.HAND_MADE,
                "",
                record.remote_id,
                summary=_remote_summary(record),
                who=remote_who(record),
                drift="hand_made",
                reason=f"created {origin} in Edusign, not by hpsync: left alone",
            )
        )
    return items


def _duplicate(kind: Kind, record: RemoteRecord) -> PlanItem:
    return PlanItem(
        kind,
        Action.PROTECTED,
        record.api_id,
        record.remote_id,
        drift="duplicate",
        reason=f"a second {kind.value} carries the same external id: left alone, "
        "remove it by hand in Edusign",
    )


def _adopt(
    item: PlanItem, want: Desired, pool: Candidates, tokens: Mapping[str, str], *, now: datetime
) -> PlanItem:
    """A record to create that already exists on Edusign, made by someone else: take it over."""
    kind_is_session = isinstance(want, DesiredSession)
    name = str(getattr(want, "name", ""))

    def accept(record: RemoteRecord) -> bool:
        return not kind_is_session or names_agree(name, str(record.fields.get("name") or ""))

    match = pool.find(item.sid, keys_of(want, tokens), accept, rank_of(want, tokens))
    if match is None:
        why = pool.ambiguous.get(item.sid)
        return replace(item, reason=f"{item.reason}; {why}") if why else item
    found, how = match
    fields, digest = canonical_and_hash(want)
    changes = (*_changes(fields, found.fields), FieldChange("api_id", found.api_id, item.sid))
    origin = "another tool" if found.api_id else "hand"
    if kind_is_session and (
        found.locked or found.signed or (found.end is not None and found.end <= now)
    ):
        why = "locked" if found.locked else "signed" if found.signed else "already over"
        return replace(
            item,
            action=Action.ADOPT,
            remote_id=found.remote_id,
            content_hash=digest,
            reason=f"already on Edusign (same {how}, made by {origin}); the sheet is {why}: "
            "adopted as it is, not rewritten",
        )
    return replace(
        item,
        action=Action.ADOPT,
        remote_id=found.remote_id,
        changes=changes,
        content_hash=digest,
        reason=f"already on Edusign (same {how}, made by {origin}): adopted, external id set"
        + (", restored from the archive" if found.archived else ""),
    )


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
    quiet: bool = False,
) -> PlanItem:
    """The fate of one wanted record; ``quiet``: a record left as it is comes back as
    ``UNCHANGED_ITEM`` (only counted), not as an item of its own."""
    sid = want.sid
    found = _find(sid, last, have, by_api)
    if found is None:
        digest = content_hash(want)
    else:
        names, values, digest = canonical_values_and_hash(want)

    def make(action: Action = Action.UNCHANGED, **rest: Any) -> PlanItem:
        # no summary kept: ``PlanItem.title`` makes it from the record when it is read
        return PlanItem(kind, action, sid, content_hash=digest, record=want, **rest)

    if found is None:
        if last is not None and not read:
            # Not read this time (outside the read window): trust the state.
            if last.content_hash == digest:
                return UNCHANGED_ITEM if quiet else make(remote_id=last.remote_id)
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
    have = found.fields
    if type(have) is RemoteFields and have.same(names, values):
        changes: tuple[FieldChange, ...] = ()  # in sync: no dict of either side made
    else:
        changes = _changes(canonical(want), have)
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
            return UNCHANGED_ITEM if quiet else make(remote_id=found.remote_id)
        return make(
            action=Action.ADOPT,
            remote_id=found.remote_id,
            reason="already on Edusign as planned: mapping recorded",
        )
    # A sheet that is over is not rewritten — unless this very sync created it and died
    # before recording it (ours by external id, never journalled, unsigned, unlocked): it
    # is then finished, so that a rerun converges to what one uninterrupted run makes.
    unfinished = last is None and found.api_id == sid
    if kind is Kind.SESSION and (
        found.locked
        or found.signed
        or (found.end is not None and found.end <= now and not unfinished)
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
    summary = _remote_summary(found) if found is not None else ""
    who = remote_who(found) if found is not None else None
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
            summary=summary,
            who=who,
            reason=f"removed from the planning but the sheet is {why}: kept, please check",
        )
    verb = "archived" if kind in {Kind.LEARNER, Kind.TRAINER, Kind.TUTOR} else "deleted"
    return PlanItem(
        kind,
        Action.REMOVE,
        sid,
        found.remote_id,
        summary=summary,
        who=who,
        reason=f"no longer in the planning: {verb}",
    )


def _remote_summary(record: RemoteRecord) -> str:
    """How people name a record found on Edusign (the planning no longer has it)."""
    fields = record.fields
    if "email" in fields or "first_name" in fields:
        first, last = fields.get("first_name", ""), fields.get("last_name", "")
        return f"{first} {last} <{fields.get('email', '')}>".strip()
    name = str(fields.get("name") or "")
    start = fields.get("start")
    return f"{name} @ {str(start)[:16]}" if start else name


def remote_who(record: RemoteRecord) -> Who:
    """The record found on Edusign as a person knows it (the planning no longer has it)."""
    fields = record.fields
    if "email" in fields or "first_name" in fields:
        first, last = fields.get("first_name") or "", fields.get("last_name") or ""
        return Who(f"{first} {last}".strip(), str(fields.get("email") or ""))
    start = fields.get("start")
    when = None
    if isinstance(start, datetime):
        when = start
    elif isinstance(start, str) and start:
        try:
            when = datetime.fromisoformat(start)
        except ValueError:
            when = None
    return Who(str(fields.get("name") or ""), start=when)


def keep_people_of_kept_sheets(
    items: list[PlanItem], remote: RemoteState, *, now: datetime, prefix: str
) -> list[PlanItem]:
    """Never archive a trainer or learner who is still on an open sheet (not over, locked or
    signed) that stays on Edusign — made by hand, or one of ours that this run leaves as it
    is: the sheet would lose its trainer, or a learner who must sign it. Sheets of a
    previous base (``prefix`` names this one) are history and hold nobody back."""
    leaving = {
        i.sid for i in items if i.action is Action.REMOVE and i.kind in (Kind.TRAINER, Kind.LEARNER)
    }
    if not leaving:  # nobody to archive, nobody to keep (every resync without a leaver)
        return items
    planned = {i.remote_id: i for i in items if i.kind is Kind.SESSION and i.remote_id}
    seats: Counter[tuple[str, ...]] = Counter()  # rosters are shared: counted once each
    for record in remote.of(Kind.SESSION).values():
        item = planned.get(record.remote_id)
        if record.archived or (item is not None and item.action is Action.REMOVE):
            continue
        if record.api_id.startswith(OURS) and not record.api_id.startswith(prefix):
            continue
        if record.locked or record.signed or (record.end is not None and record.end <= now):
            continue  # only open sheets, still to be signed, need their people
        if item is not None and item.writes and isinstance(item.record, DesiredSession):
            seats[item.record.trainer_sids] += 1
            seats[item.record.learner_sids] += 1
        else:  # left as it is on Edusign
            seats.update(sheet_people(record))
    seats.update(remote.settled_seats)  # open sheets read as pushed, left as they are
    needed: dict[str, int] = {}
    for people, times in seats.items():
        for sid in people:
            if sid in leaving:
                needed[sid] = needed.get(sid, 0) + times
    if not needed:
        return items
    return [_kept(item, needed) for item in items]


def _kept(item: PlanItem, needed: Mapping[str, int]) -> PlanItem:
    if not (
        item.action is Action.REMOVE
        and item.kind in (Kind.TRAINER, Kind.LEARNER)
        and item.sid in needed
    ):
        return item
    return PlanItem(
        item.kind,
        Action.PROTECTED,
        item.sid,
        item.remote_id,
        summary=item.title(),
        who=item.who,
        reason=f"no longer in the planning, but still on {needed[item.sid]} open sheet(s) that "
        "stay on Edusign: not archived, please check",
    )


@gc_paused
def build_plan(
    desired: DesiredState,
    remote: RemoteState,
    pushed: Mapping[tuple[Kind, str], Pushed],
    *,
    now: datetime,
    adopt_sessions: bool = False,
) -> Plan:
    """The full plan of one account; ``adopt_sessions``: take over matching sessions made
    by hand or by another connector (``adopt_existing_sessions``)."""
    prefix = f"hp:{desired.base_id}:"
    # Sessions and groups of a previous base (last year) are history: never touched.
    # People carry over (the year switch re-keys them); a leaver's old identity stays ours.
    if not all(sid.startswith(prefix) or kind in PEOPLE for kind, sid in pushed):
        pushed = {  # a copy only when there is history to leave out
            (kind, sid): row
            for (kind, sid), row in pushed.items()
            if sid.startswith(prefix) or kind in PEOPLE
        }
    unchanged: Counter[Kind] = Counter()
    items = keep_people_of_kept_sheets(
        diff_account(
            desired,
            remote,
            pushed,
            now=now,
            prefix=prefix,
            adopt_sessions=adopt_sessions,
            unchanged=unchanged,
        ),
        remote,
        now=now,
        prefix=prefix,
    )
    per_kind = Counter(kind for kind, _sid in pushed)
    held = {kind.value: per_kind[kind] for kind in KIND_ORDER}
    return Plan(
        account=desired.account,
        base_id=desired.base_id,
        items=tuple(items),
        anomalies=tuple(desired.anomalies),
        warnings=tuple(sorted(set(desired.warnings))),
        held=held,
        unchanged={kind.value: unchanged[kind] for kind in KIND_ORDER if unchanged[kind]},
    )
