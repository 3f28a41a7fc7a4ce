"""The state store seen through the engine's small interfaces (journal, ledger)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime

from hpsync.attendance.ledger import Key, LedgerEntry, Status
from hpsync.attendance.statuses import MarkKind
from hpsync.engine.diff import Pushed, PushedIndex
from hpsync.engine.plan import Action, PlanItem
from hpsync.model import Kind
from hpsync.ports import WriteOutcome
from hpsync.state import LedgerRow, MappingRow, StateStore

Clock = Callable[[], datetime]


class StoreJournal:
    """Push bookkeeping of one account: one transaction per committed batch."""

    def __init__(
        self, store: StateStore, account: str, *, run_id: int | None, clock: Clock
    ) -> None:
        self.store = store
        self.account = account
        self.run_id = run_id
        self.clock = clock

    def pushed(self) -> PushedIndex:
        kinds = {kind.value: kind for kind in Kind}
        intern = sys.intern  # one string per identity and id: the planning's, Edusign's
        index = PushedIndex()
        for kind, sid, remote_id, digest in self.store.active_mappings(self.account):
            index.put(kinds[kind], intern(sid), Pushed(intern(remote_id), digest))
        return index

    def pushed_in_order(self) -> Iterator[tuple[str, str, str, str]]:
        """``(kind, source id, remote id, hash)`` of what was pushed, streamed from the store
        in (kind, source id) order: recorded with the run, never held whole."""
        return self.store.active_mappings(self.account)

    def commit(self, kind: Kind, results: Sequence[tuple[PlanItem, WriteOutcome]]) -> None:
        now = self.clock()
        known = (
            {(Kind(r.kind), r.source_id): r for r in self.store.mappings(self.account, kind.value)}
            if any(item.action is Action.PROTECTED for item, _ in results)
            else {}
        )
        upserts: list[MappingRow] = []
        forget: list[str] = []
        for item, outcome in results:
            if not outcome.ok:
                continue
            if item.action is Action.PROTECTED:
                row = known.get((kind, item.sid))
                if item.remote_id and item.sid and row is None:
                    upserts.append(
                        MappingRow(
                            self.account,
                            kind.value,
                            item.sid,
                            item.remote_id,
                            item.content_hash,
                            now,
                        )
                    )
                elif item.remote_id and row is not None and row.remote_id != item.remote_id:
                    # found under another Edusign id (recreated, answer lost): follow it
                    upserts.append(replace(row, remote_id=item.remote_id, pushed_at=now))
                continue
            if item.action in (Action.CREATE, Action.UPDATE, Action.ADOPT):
                upserts.append(
                    MappingRow(
                        self.account,
                        kind.value,
                        item.sid,
                        outcome.remote_id,
                        item.content_hash,
                        now,
                    )
                )
            elif (
                item.action in (Action.REMOVE, Action.FORGET)
                and kind in (Kind.LEARNER, Kind.TRAINER, Kind.TUTOR)
                and item.remote_id
            ):
                upserts.append(
                    MappingRow(
                        self.account,
                        kind.value,
                        item.sid,
                        item.remote_id,
                        "",
                        now,
                        state="archived",
                    )
                )
            elif item.action in (Action.REMOVE, Action.FORGET):
                forget.append(item.sid)
        with self.store.transaction():
            if upserts:
                self.store.put_mappings(self.account, upserts)
            if forget:
                self.store.delete_mappings(self.account, kind.value, forget)
            if self.run_id is not None:
                self.store.set_item_outcomes(
                    self.run_id,
                    {item.key: ("done" if o.ok else "failed", o.message) for item, o in results},
                )


class StoreLedger:
    """The attendance ledger of one account."""

    def __init__(self, store: StateStore, account: str, *, clock: Clock) -> None:
        self.store = store
        self.account = account
        self.clock = clock

    def entries(self) -> dict[Key, LedgerEntry]:
        out: dict[Key, LedgerEntry] = {}
        for row in self.store.ledger(self.account):
            entry = LedgerEntry(
                row.session_sid,
                row.learner_sid,
                MarkKind(row.mark_kind),
                Status(row.status),
                row.fingerprint,
                row.hp_start,
                row.hp_end,
                row.justified,
                row.reason,
                row.detail,
                row.attempts,
            )
            out[entry.key] = entry
        return out

    def put(self, entry: LedgerEntry) -> None:
        self.store.ledger_put(
            LedgerRow(
                self.account,
                entry.session_sid,
                entry.learner_sid,
                entry.kind.value,
                entry.status.value,
                entry.fingerprint,
                entry.start,
                entry.end,
                entry.justified,
                entry.reason,
                entry.detail,
                entry.attempts,
                self.clock(),
            )
        )
