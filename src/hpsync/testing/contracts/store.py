"""The state store suites: the journal of pushes and the attendance ledger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import pytest

from hpsync.attendance.ledger import Key, LedgerEntry, Status
from hpsync.attendance.statuses import MarkKind
from hpsync.engine.diff import Pushed
from hpsync.engine.plan import Action, PlanItem
from hpsync.model import Kind
from hpsync.ports import WriteOutcome
from hpsync.sync.down import PushState
from hpsync.testing.contracts.common import at


class Ledger(Protocol):
    """The attendance ledger of one account, as the up flow uses it."""

    def put(self, entry: LedgerEntry) -> None: ...

    def entries(self) -> dict[Key, LedgerEntry]: ...


def _done(item: PlanItem, remote_id: str | None = None) -> tuple[PlanItem, WriteOutcome]:
    return item, WriteOutcome(item.key, True, item.remote_id if remote_id is None else remote_id)


def _failed(item: PlanItem) -> tuple[PlanItem, WriteOutcome]:
    return item, WriteOutcome(item.key, False, item.remote_id, "refused", retriable=True)


def _plan(kind: Kind, action: Action, sid: str, remote_id: str = "", digest: str = "") -> PlanItem:
    return PlanItem(kind, action, sid, remote_id, content_hash=digest)


class JournalContract:
    """The journal of pushes (``PushState``): ``commit`` one batch's outcomes, ``pushed``
    what was last written per (kind, source identity).

    Hook: ``open_journal``, a callable opening the journal of one account over the same
    storage each time (the store reopens its database: a new process; the memory journal
    is the same object), empty at first.
    """

    @pytest.fixture
    def open_journal(self) -> Callable[[], PushState]:
        raise NotImplementedError("a concrete suite provides the journal under test")

    def test_a_committed_create_is_pushed_with_its_id_and_hash(
        self, open_journal: Callable[[], PushState]
    ) -> None:
        """A successful CREATE is pushed under the remote id its outcome returned, with
        the item's content hash, and stays so once the journal is opened again."""
        journal = open_journal()
        item = _plan(Kind.LEARNER, Action.CREATE, "s:1", digest="h1")
        journal.commit(Kind.LEARNER, [_done(item, "r1")])
        assert journal.pushed() == {(Kind.LEARNER, "s:1"): Pushed("r1", "h1")}
        assert open_journal().pushed() == {(Kind.LEARNER, "s:1"): Pushed("r1", "h1")}

    def test_pushed_in_order_lists_what_was_pushed_by_kind_then_source_id(
        self, open_journal: Callable[[], PushState]
    ) -> None:
        """The rows a run records as its journal: every pushed record once, as (kind, source
        id, remote id, hash), sorted by kind then source id whatever the commit order."""
        journal = open_journal()
        journal.commit(
            Kind.SESSION, [_done(_plan(Kind.SESSION, Action.CREATE, "c:2", digest="h2"), "r2")]
        )
        journal.commit(
            Kind.LEARNER,
            [
                _done(_plan(Kind.LEARNER, Action.CREATE, "s:9", digest="h9"), "r9"),
                _done(_plan(Kind.LEARNER, Action.CREATE, "s:1", digest="h1"), "r1"),
            ],
        )
        journal.commit(
            Kind.SESSION, [_done(_plan(Kind.SESSION, Action.CREATE, "c:1", digest="h1"), "r3")]
        )
        assert list(open_journal().pushed_in_order()) == [
            ("learner", "s:1", "r1", "h1"),
            ("learner", "s:9", "r9", "h9"),
            ("session", "c:1", "r3", "h1"),
            ("session", "c:2", "r2", "h2"),
        ]

    def test_a_failed_outcome_changes_nothing(self, open_journal: Callable[[], PushState]) -> None:
        """A failed CREATE is not recorded; a failed UPDATE or REMOVE leaves what was
        pushed before as it was; the batch's successes are recorded."""
        journal = open_journal()
        journal.commit(
            Kind.LEARNER, [_done(_plan(Kind.LEARNER, Action.CREATE, "s:1", digest="h1"), "r1")]
        )
        journal.commit(
            Kind.LEARNER,
            [
                _failed(_plan(Kind.LEARNER, Action.CREATE, "s:2", digest="h2")),
                _failed(_plan(Kind.LEARNER, Action.UPDATE, "s:1", "r1", "h1b")),
                _done(_plan(Kind.LEARNER, Action.CREATE, "s:3", digest="h3"), "r3"),
            ],
        )
        journal.commit(Kind.LEARNER, [_failed(_plan(Kind.LEARNER, Action.REMOVE, "s:3", "r3"))])
        assert open_journal().pushed() == {
            (Kind.LEARNER, "s:1"): Pushed("r1", "h1"),
            (Kind.LEARNER, "s:3"): Pushed("r3", "h3"),
        }

    def test_an_update_replaces_the_hash(self, open_journal: Callable[[], PushState]) -> None:
        """A successful UPDATE (or ADOPT) records the new content hash under the remote
        id its outcome gave."""
        journal = open_journal()
        journal.commit(
            Kind.SESSION, [_done(_plan(Kind.SESSION, Action.CREATE, "c:1", digest="h1"), "r1")]
        )
        journal.commit(Kind.SESSION, [_done(_plan(Kind.SESSION, Action.UPDATE, "c:1", "r1", "h2"))])
        journal.commit(Kind.SESSION, [_done(_plan(Kind.SESSION, Action.ADOPT, "c:2", "r9", "h9"))])
        assert open_journal().pushed() == {
            (Kind.SESSION, "c:1"): Pushed("r1", "h2"),
            (Kind.SESSION, "c:2"): Pushed("r9", "h9"),
        }

    def test_removed_and_forgotten_records_are_no_longer_pushed(
        self, open_journal: Callable[[], PushState]
    ) -> None:
        """After a successful REMOVE (a session deleted, a learner or trainer archived) or
        FORGET, the record is no longer among the pushed ones; the others stay."""
        journal = open_journal()
        for kind, sid in (
            (Kind.SESSION, "c:1"),
            (Kind.SESSION, "c:2"),
            (Kind.LEARNER, "s:1"),
            (Kind.TRAINER, "t:1"),
            (Kind.LEARNER, "s:2"),
        ):
            journal.commit(kind, [_done(_plan(kind, Action.CREATE, sid, digest="h"), f"r-{sid}")])
        journal.commit(Kind.SESSION, [_done(_plan(Kind.SESSION, Action.REMOVE, "c:1", "r-c:1"))])
        journal.commit(Kind.LEARNER, [_done(_plan(Kind.LEARNER, Action.REMOVE, "s:1", "r-s:1"))])
        journal.commit(Kind.TRAINER, [_done(_plan(Kind.TRAINER, Action.FORGET, "t:1", "r-t:1"))])
        assert open_journal().pushed() == {
            (Kind.SESSION, "c:2"): Pushed("r-c:2", "h"),
            (Kind.LEARNER, "s:2"): Pushed("r-s:2", "h"),
        }

    def test_a_protected_record_is_recorded_only_when_unknown_or_moved(
        self, open_journal: Callable[[], PushState]
    ) -> None:
        """A PROTECTED item (locked, signed, past) found on the account is recorded when
        the journal did not know it; when known under another remote id the id follows
        and the hash stays (its content was not written); otherwise nothing changes."""
        journal = open_journal()
        journal.commit(
            Kind.SESSION, [_done(_plan(Kind.SESSION, Action.CREATE, "c:1", digest="old"), "r1")]
        )
        journal.commit(
            Kind.SESSION,
            [
                _done(_plan(Kind.SESSION, Action.PROTECTED, "c:1", "r1b", "new")),
                _done(_plan(Kind.SESSION, Action.PROTECTED, "c:2", "r2", "h2")),
            ],
        )
        journal.commit(
            Kind.SESSION, [_done(_plan(Kind.SESSION, Action.PROTECTED, "c:2", "r2", "h2b"))]
        )
        assert open_journal().pushed() == {
            (Kind.SESSION, "c:1"): Pushed("r1b", "old"),
            (Kind.SESSION, "c:2"): Pushed("r2", "h2"),
        }

    def test_kinds_are_kept_apart(self, open_journal: Callable[[], PushState]) -> None:
        """The same source identity under two kinds is two entries; removing one keeps
        the other."""
        journal = open_journal()
        journal.commit(
            Kind.LEARNER, [_done(_plan(Kind.LEARNER, Action.CREATE, "x", digest="a"), "r1")]
        )
        journal.commit(
            Kind.TRAINER, [_done(_plan(Kind.TRAINER, Action.CREATE, "x", digest="b"), "r2")]
        )
        journal.commit(Kind.LEARNER, [_done(_plan(Kind.LEARNER, Action.REMOVE, "x", "r1"))])
        assert open_journal().pushed() == {(Kind.TRAINER, "x"): Pushed("r2", "b")}

    def test_an_empty_batch_changes_nothing(self, open_journal: Callable[[], PushState]) -> None:
        """Committing a batch with no item keeps what was pushed."""
        journal = open_journal()
        journal.commit(
            Kind.GROUP, [_done(_plan(Kind.GROUP, Action.CREATE, "g:1", digest="h"), "r")]
        )
        journal.commit(Kind.GROUP, [])
        assert open_journal().pushed() == {(Kind.GROUP, "g:1"): Pushed("r", "h")}


def _entry(
    kind: MarkKind = MarkKind.ABSENCE,
    status: Status = Status.WRITTEN,
    *,
    session: str = "hp:b:session:10-2",
    learner: str = "hp:b:learner:1",
    **extra: object,
) -> LedgerEntry:
    fields: dict[str, object] = {
        "fingerprint": "fp1",
        "start": at(8),
        "end": at(10),
        "justified": False,
        "reason": "",
        "detail": "",
        "attempts": 0,
        **extra,
    }
    return LedgerEntry(session, learner, kind, status, **fields)  # type: ignore[arg-type]


class LedgerContract:
    """The attendance ledger: one entry per (session, learner, mark kind), put and read.

    Hook: ``open_ledger``, a callable opening the ledger of one account over the same
    storage each time (empty at first).
    """

    @pytest.fixture
    def open_ledger(self) -> Callable[[], Ledger]:
        raise NotImplementedError("a concrete suite provides the ledger under test")

    def test_an_entry_put_is_read_back_whole(self, open_ledger: Callable[[], Ledger]) -> None:
        """Every field of an entry put is read back as it was (instants as the same
        instants), also once the ledger is opened again."""
        entry = _entry(justified=True, reason="Maladie", fingerprint="abc", detail="x")
        open_ledger().put(entry)
        assert open_ledger().entries() == {entry.key: entry}

    def test_a_put_replaces_the_entry_of_its_key(self, open_ledger: Callable[[], Ledger]) -> None:
        """Putting an entry of an existing key replaces it: one entry per key."""
        ledger = open_ledger()
        ledger.put(_entry())
        newer = _entry(status=Status.REMOVED, fingerprint="fp2", start=at(9), end=at(11))
        ledger.put(newer)
        assert open_ledger().entries() == {newer.key: newer}

    def test_keys_differ_by_session_learner_and_kind(
        self, open_ledger: Callable[[], Ledger]
    ) -> None:
        """Entries differing only by session, by learner or by mark kind are distinct."""
        ledger = open_ledger()
        entries = [
            _entry(),
            _entry(MarkKind.DELAY, detail="10 min"),
            _entry(MarkKind.EARLY_DEPARTURE, start=at(9), end=at(10)),
            _entry(learner="hp:b:learner:2"),
            _entry(session="hp:b:session:11-1"),
        ]
        for entry in entries:
            ledger.put(entry)
        assert open_ledger().entries() == {e.key: e for e in entries}

    def test_a_failed_entry_keeps_its_attempts_and_message(
        self, open_ledger: Callable[[], Ledger]
    ) -> None:
        """A failed write is kept as FAILED with its message and attempt count; the next
        failure's count replaces it, and a success afterwards replaces the whole entry."""
        ledger = open_ledger()
        ledger.put(_entry(status=Status.FAILED, fingerprint="", detail="refused", attempts=1))
        ledger.put(_entry(status=Status.FAILED, fingerprint="", detail="refused again", attempts=2))
        [failed] = open_ledger().entries().values()
        assert (failed.status, failed.detail, failed.attempts) == (
            Status.FAILED,
            "refused again",
            2,
        )
        ledger.put(_entry())
        [written] = open_ledger().entries().values()
        assert (written.status, written.attempts, written.detail) == (Status.WRITTEN, 0, "")
