"""Dict-backed fakes of the ports, with fault knobs, for engine tests.

The fake target keeps records in the engine's own terms (fields keyed by source
identity), so engine tests exercise the diff and the executor without any wire format.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from hpsync import clock
from hpsync.attendance.ledger import Key, LedgerEntry
from hpsync.engine.diff import Pushed
from hpsync.engine.plan import Action, PlanItem
from hpsync.engine.remote import RemoteRecord, RemoteState, Settle
from hpsync.errors import SourceError
from hpsync.hashing import canonical
from hpsync.model import HpAbsence, HpDelay, Kind
from hpsync.ports import WriteOutcome


class SimulatedCrash(Exception):
    """The process 'dies' between a remote write and the local commit."""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _overlaps(record: RemoteRecord, since: datetime, until: datetime) -> bool:
    """Whether a session lies (partly) in [since, until]; one without readable times (made
    or edited by hand) is kept."""
    try:
        start = datetime.fromisoformat(str(record.fields["start"]))
        end = datetime.fromisoformat(str(record.fields["end"]))
        return start < until and end > since
    except (KeyError, ValueError, TypeError):
        return True


def _as_read(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields as the Edusign adapter reads them back: e-mail in lower case, tags, tutors
    and learners sorted (Edusign keeps no order for them)."""
    out = dict(fields)
    if isinstance(out.get("email"), str):
        out["email"] = out["email"].lower()
    for name in ("tags", "tutor_sids", "learner_sids"):
        if isinstance(out.get(name), list):
            out[name] = sorted(out[name])
    return out


@dataclass
class FakeTarget:
    """An in-memory Edusign account, held to ``TargetAccountContract`` like the real one:
    sessions are read in the window asked for, fields come back as the adapter reads them
    (e-mail in lower case, lists of tags and people sorted), a removed person is archived,
    a second live person with the same e-mail is refused."""

    name: str = "fake"
    records: dict[Kind, dict[str, RemoteRecord]] = field(default_factory=dict)
    fail_sids: set[str] = field(default_factory=set)
    crash_after: int | None = None
    writes: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    #: when each record was last written or edited (remote id -> instant): the update
    #: date Edusign's course list filters on
    updated: dict[str, datetime] = field(default_factory=dict)

    def read(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        sessions: Collection[str] = (),
        settle: Settle | None = None,
    ) -> RemoteState:
        """Every person and group (archived people with ``archived=True``), and the
        sessions overlapping [since, until], as the real account reads them; with
        ``changed_since`` only the sessions written or edited since then, plus those
        asked for by id (the ones gone are ``absent``)."""
        state = RemoteState(watermark=clock.now(), settle=settle)
        for kind in (Kind.TUTOR, Kind.GROUP, Kind.LEARNER, Kind.TRAINER, Kind.SESSION):
            records = self.records.get(kind, {})
            if kind is Kind.SESSION:
                records = {r: s for r, s in records.items() if _overlaps(s, since, until)}
                if changed_since is not None:
                    asked = set(sessions)
                    records = {
                        r: s
                        for r, s in self.records.get(kind, {}).items()
                        if r in asked
                        or (
                            _overlaps(s, since, until)
                            and self.updated.get(r, _EPOCH) >= changed_since
                        )
                    }
                    state.absent = asked - set(records)
                    for record in records.values():
                        state.put(record)
                    continue
            state.records[kind] = {}
            for record in records.values():
                state.put(record)
            state.complete.add(kind)
        return state

    def write(
        self, kind: Kind, items: Sequence[PlanItem], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        with self._lock:  # the executor writes several kinds at once
            return self._write(kind, items)

    def _write(self, kind: Kind, items: Sequence[PlanItem]) -> list[WriteOutcome]:
        outcomes: list[WriteOutcome] = []
        bucket = self.records.setdefault(kind, {})
        # removals, then updates, then creates, as the real adapter does: an archived
        # person, or one whose e-mail changes, frees that e-mail for the one created after
        order = {Action.REMOVE: 0, Action.UPDATE: 1, Action.ADOPT: 1}
        for item in sorted(items, key=lambda i: order.get(i.action, 2)):
            if item.sid in self.fail_sids:
                outcomes.append(
                    WriteOutcome(item.key, False, item.remote_id, "injected failure", True)
                )
                continue
            taken = self._email_taken(kind, item)
            if item.action is Action.CREATE and taken:
                outcomes.append(
                    WriteOutcome(item.key, False, "", f"CREATE_FAILED: {taken} already exists")
                )
                continue
            if item.action is Action.CREATE:
                assert item.record is not None
                rid = f"r{next(self._ids)}"
                bucket[rid] = RemoteRecord(
                    kind,
                    rid,
                    item.sid,
                    _as_read(canonical(item.record)),
                    end=getattr(item.record, "end", None),
                )
            elif item.action is Action.UPDATE or (item.action is Action.ADOPT and item.changes):
                assert item.record is not None
                old = bucket[item.remote_id]
                rid = item.remote_id
                bucket[rid] = replace(
                    old,
                    api_id=item.sid,
                    fields=_as_read(canonical(item.record)),
                    archived=False,
                    end=getattr(item.record, "end", None),
                )
            elif item.action is Action.REMOVE:
                rid = item.remote_id
                if kind in (Kind.LEARNER, Kind.TRAINER, Kind.TUTOR):
                    bucket[rid] = replace(bucket[rid], archived=True)
                else:
                    del bucket[rid]
            else:
                rid = item.remote_id
            self.writes += 1
            self.updated[rid] = clock.now()
            outcomes.append(WriteOutcome(item.key, True, rid))
            if self.crash_after is not None and self.writes >= self.crash_after:
                self.crash_after = None
                raise SimulatedCrash(f"crashed after {self.writes} writes")
        by_key = {o.item_key: o for o in outcomes}
        return [by_key[i.key] for i in items]

    def _email_taken(self, kind: Kind, item: PlanItem) -> str:
        """Edusign refuses a second live learner or trainer with the same e-mail."""
        email = str(getattr(item.record, "email", "") or "").casefold()
        if kind not in (Kind.LEARNER, Kind.TRAINER) or not email:
            return ""
        for record in self.records.get(kind, {}).values():
            if not record.archived and str(record.fields.get("email", "")).casefold() == email:
                return f"a {kind.value} with the e-mail {email}"
        return ""

    # Hand edits, as an administrator would make them in the Edusign UI.
    def edit_by_hand(self, kind: Kind, sid: str, **fields: object) -> None:
        for rid, record in self.records.get(kind, {}).items():
            if record.api_id == sid:
                self.records[kind][rid] = replace(record, fields={**record.fields, **fields})
                self.updated[rid] = clock.now()
                return
        raise KeyError(sid)

    def delete_by_hand(self, kind: Kind, sid: str) -> None:
        bucket = self.records.get(kind, {})
        for rid, record in list(bucket.items()):
            if record.api_id == sid:
                del bucket[rid]
                return
        raise KeyError(sid)

    def create_by_hand(self, kind: Kind, **fields: object) -> str:
        rid = f"h{next(self._ids)}"
        self.records.setdefault(kind, {})[rid] = RemoteRecord(kind, rid, "", dict(fields))
        return rid

    def mark(self, kind: Kind, sid: str, *, locked: bool = False, signed: bool = False) -> None:
        for rid, record in self.records.get(kind, {}).items():
            if record.api_id == sid:
                self.records[kind][rid] = replace(record, locked=locked, signed=signed)
                return
        raise KeyError(sid)

    def live(self, kind: Kind) -> list[RemoteRecord]:
        return [r for r in self.records.get(kind, {}).values() if not r.archived]


@dataclass
class MemoryJournal:
    """The state store's push bookkeeping, in memory: what we last wrote, per record."""

    pushed_rows: dict[tuple[Kind, str], Pushed] = field(default_factory=dict)
    commits: int = 0

    def commit(self, kind: Kind, results: Sequence[tuple[PlanItem, WriteOutcome]]) -> None:
        self.commits += 1
        for item, outcome in results:
            if not outcome.ok:
                continue
            if item.action is Action.PROTECTED:
                known = self.pushed_rows.get((kind, item.sid))
                if item.remote_id and known is None:
                    self.pushed_rows[(kind, item.sid)] = Pushed(item.remote_id, item.content_hash)
                elif item.remote_id and known is not None and known.remote_id != item.remote_id:
                    # found under another Edusign id (recreated, answer lost): follow it
                    self.pushed_rows[(kind, item.sid)] = Pushed(item.remote_id, known.content_hash)
                continue
            if item.action in (Action.CREATE, Action.UPDATE, Action.ADOPT):
                self.pushed_rows[(kind, item.sid)] = Pushed(outcome.remote_id, item.content_hash)
            elif item.action in (Action.REMOVE, Action.FORGET):
                self.pushed_rows.pop((kind, item.sid), None)

    def pushed(self) -> dict[tuple[Kind, str], Pushed]:
        return dict(self.pushed_rows)

    def pushed_in_order(self) -> Iterator[tuple[str, str, str, str]]:
        for (kind, sid), p in sorted(
            self.pushed_rows.items(), key=lambda kv: (kv[0][0].value, kv[0][1])
        ):
            yield kind.value, sid, p.remote_id, p.content_hash


@dataclass
class FakeHyperplanningAbsences:
    """Hyperplanning's absences and delays in memory, with the emulator's semantics
    (docs/hyperplanning.md, "Absences and delays"; pinned by ``testing.contracts``):

    * adding the exact interval of an existing absence of that learner changes it in place
      (the justified flag takes the new value, the reason too when one is given); any other
      interval is a new absence, so overlapping absences coexist;
    * a removal clears [start, end): absences inside are deleted, one crossing a bound is
      trimmed, one covering the whole interval is split in two; nothing there is fine;
    * absences are read when they overlap the window, delays when their instant lies in
      [start, end] (both bounds included);
    * a delay added at an instant where the learner has one updates it in place;
    * an unknown learner (not in ``learners``, when given) or one in ``fail_learners`` is
      a SourceError, as is an absence whose end is not after its start.
    """

    absences: list[HpAbsence] = field(default_factory=list)
    delays: list[HpDelay] = field(default_factory=list)
    fail_learners: set[int] = field(default_factory=set)
    #: the learners the base knows; None: every key is known
    learners: set[int] | None = None
    crash_after: int | None = None
    writes: int = 0
    _keys: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _wrote(self) -> None:
        self.writes += 1
        if self.crash_after is not None and self.writes >= self.crash_after:
            self.crash_after = None
            raise SimulatedCrash(f"crashed after {self.writes} Hyperplanning writes")

    def _check(self, learner_key: int) -> None:
        if learner_key in self.fail_learners or (
            self.learners is not None and learner_key not in self.learners
        ):
            raise SourceError(
                f"l'étudiant {learner_key} n'existe pas", record=f"learner {learner_key}"
            )

    def absences_between(self, learner_key: int, start: datetime, end: datetime) -> list[HpAbsence]:
        self._check(learner_key)
        return [
            a
            for a in self.absences
            if a.learner_key == learner_key and a.start < end and a.end > start
        ]

    def add_absence(
        self, learner_key: int, start: datetime, end: datetime, *, justified: bool, reason: str = ""
    ) -> None:
        self._check(learner_key)
        if end <= start:
            raise SourceError(
                "la date de fin de l'absence doit être postérieure à la date de début",
                record=f"learner {learner_key}",
            )
        for index, a in enumerate(self.absences):
            if a.learner_key == learner_key and a.start == start and a.end == end:
                changed = replace(a, justified=justified, reason=reason or a.reason)
                if changed != a:
                    self.absences[index] = changed
                    self._wrote()
                return
        self.absences.append(
            HpAbsence(next(self._keys), learner_key, start, end, justified, reason)
        )
        self._wrote()

    def remove_absence(self, learner_key: int, start: datetime, end: datetime) -> None:
        self._check(learner_key)
        kept: list[HpAbsence] = []
        for a in self.absences:
            if a.learner_key != learner_key or a.end <= start or a.start >= end:
                kept.append(a)
                continue
            if a.start < start:  # the part before the interval keeps the key
                kept.append(replace(a, end=start))
            if a.end > end:  # the part after it: a new absence when the first part stayed
                key = a.key if a.start >= start else next(self._keys)
                kept.append(replace(a, key=key, start=end))
        self.absences = kept
        self._wrote()

    def delays_between(self, learner_key: int, start: datetime, end: datetime) -> list[HpDelay]:
        self._check(learner_key)
        return [d for d in self.delays if d.learner_key == learner_key and start <= d.at <= end]

    def add_delay(
        self, learner_key: int, at: datetime, minutes: int, *, justified: bool, reason: str = ""
    ) -> None:
        self._check(learner_key)
        for index, d in enumerate(self.delays):
            if d.learner_key == learner_key and d.at == at:
                self.delays[index] = replace(
                    d, minutes=minutes, justified=justified, reason=reason or d.reason
                )
                self._wrote()
                return
        self.delays.append(HpDelay(next(self._keys), learner_key, at, minutes, justified, reason))
        self._wrote()

    def remove_delay(self, learner_key: int, at: datetime) -> None:
        self._check(learner_key)
        self.delays = [d for d in self.delays if not (d.learner_key == learner_key and d.at == at)]
        self._wrote()


class LedgerEntries(dict[Key, LedgerEntry]):
    """A ledger's entries by key, also callable like ``StoreLedger.entries()`` (a copy)."""

    def __call__(self) -> dict[Key, LedgerEntry]:
        return dict(self)


@dataclass
class MemoryLedger:
    """The attendance ledger in memory."""

    entries: LedgerEntries = field(default_factory=LedgerEntries)

    def put(self, entry: LedgerEntry) -> None:
        self.entries[entry.key] = entry
