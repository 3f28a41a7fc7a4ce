"""What an attendance run asks its source for: the whole window, or only what changed.

The source here answers with fixed sheets and records each ask, so the tests check the use
case's memory (src/hpsync/sync/sheet_reads.py): when a run may read only what changed,
which sheets it must still fetch, where it lists again, and when it must read everything.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.engine.guards import GuardPolicy
from hpsync.ports import Sheet, SheetsRead
from hpsync.rules.policy import AccountRules
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, run_up
from hpsync.testing.builders import BASE, at, small_snapshot
from hpsync.testing.fakes import FakeHyperplanningAbsences

S10, S11, S13 = (f"hp:{BASE}:session:{k}-2" for k in (10, 11, 13))
L1, L2 = f"hp:{BASE}:learner:1", f"hp:{BASE}:learner:2"


@dataclass(frozen=True)
class Ask:
    changed_since: datetime | None
    relist_from: datetime | None
    sheets: frozenset[str]


class Source:
    """An Edusign account whose sheets the test sets; it records every read asked."""

    def __init__(self, sheets: list[Sheet]) -> None:
        self.sheets = sheets
        self.asks: list[Ask] = []
        self.clock = at(5, 12)  # the service's own clock, moved by the test

    def read_sheet(self, course_id: str) -> Sheet:
        return next(s for s in self.sheets if s.remote_id == course_id)

    def read_sheets(self, *, since: datetime, until: datetime) -> list[Sheet]:
        return list(self.sheets)

    def read_attendance(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        relist_from: datetime | None = None,
        sheets: Collection[str] = (),
    ) -> SheetsRead:
        self.asks.append(Ask(changed_since, relist_from, frozenset(sheets)))
        whole = changed_since is None
        return SheetsRead(list(self.sheets), whole=whole, watermark=self.clock)

    @property
    def last(self) -> Ask:
        return self.asks[-1]


def absent(session: str, remote: str, learner: str = L1, *, locked: bool = True) -> Sheet:
    return Sheet(session, remote, locked, (SheetMark(session, learner, present=False),))


def setup(source: Source, **changes: object) -> AccountSetup:
    base = AccountSetup("nord", AccountRules("nord"), GuardPolicy(), FinalPolicy(), source)  # type: ignore[arg-type]
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore.open(f"sqlite:///{tmp_path / 's.db'}")


def up(store: StateStore, one: AccountSetup, now: datetime, **kw: object) -> dict[str, int]:
    out = run_up(store, small_snapshot(), one, FakeHyperplanningAbsences(), now=now, **kw)  # type: ignore[arg-type]
    return out.counts


def test_the_first_run_reads_every_sheet_and_the_next_only_what_changed(store: StateStore) -> None:
    source = Source([absent(S10, "c10"), absent(S11, "c11", locked=False)])
    first = up(store, setup(source), at(5, 12))
    assert source.last == Ask(None, None, frozenset())
    assert first["sheets_read"] == 2
    source.clock = at(5, 13)
    second = up(store, setup(source), at(5, 13))
    # Changed since the first read began; listed again from where that window ended; the
    # open sheet (final only once locked, an edit) is not fetched by id.
    assert source.last == Ask(at(5, 12), at(5, 12), frozenset())
    assert second["sheets_read_changed"] == 2


def test_a_sheet_that_time_makes_final_is_listed_again_from_its_start(store: StateStore) -> None:
    hours = FinalPolicy(locked=False, hours_after_end=72)
    source = Source([absent(S10, "c10", locked=False), absent(S13, "c13", locked=False)])
    up(store, setup(source, final=hours), at(5, 12))  # S10 ended 5 days ago, S13 2 days
    up(store, setup(source, final=hours), at(5, 13))
    assert source.last.relist_from == at(3, 8)  # the start of S13, still open


def test_a_learner_missing_in_hyperplanning_keeps_the_sheet_asked_by_id(store: StateStore) -> None:
    stranger = f"hp:{BASE}:learner:999"
    source = Source([absent(S10, "c10"), absent(S11, "c11", stranger)])
    first = up(store, setup(source), at(5, 12))
    assert first["notes"] == 1
    up(store, setup(source), at(5, 13))
    assert source.last.sheets == {"c11"}


def test_a_run_that_did_not_end_reads_every_sheet_next_time(store: StateStore) -> None:
    source = Source([absent(S10, "c10")])
    up(store, setup(source), at(5, 12))

    class Down(FakeHyperplanningAbsences):
        def add_absence(self, *args: object, **kw: object) -> None:
            raise RuntimeError("connection reset")  # the run fails while writing

    with pytest.raises(RuntimeError):
        source.sheets = [absent(S10, "c10"), absent(S11, "c11")]
        run_up(store, small_snapshot(), setup(source), Down(), now=at(5, 13))
    up(store, setup(source), at(5, 14))
    assert source.last.changed_since is None


@pytest.mark.parametrize(
    "change",
    [
        {"final": FinalPolicy(locked=False, hours_after_end=24)},
        {"motifs": {"Maladie": "MAL"}},
        {"full_read_hours": 0},
    ],
    ids=["final policy", "motifs", "no incremental reads"],
)
def test_a_change_of_what_is_written_reads_every_sheet(
    store: StateStore, change: dict[str, object]
) -> None:
    source = Source([absent(S10, "c10")])
    up(store, setup(source), at(5, 12))
    up(store, setup(source, **change), at(5, 13))
    assert source.last.changed_since is None


def test_the_daily_whole_read_and_an_explicit_window(store: StateStore) -> None:
    source = Source([absent(S10, "c10")])
    up(store, setup(source), at(5, 12))
    up(store, setup(source), at(5, 12) + timedelta(hours=23))
    assert source.last.changed_since is not None
    up(store, setup(source), at(5, 12) + timedelta(hours=24))  # full_read_hours = 24
    assert source.last.changed_since is None
    # A run given its own window reads it whole and leaves the memory as it was.
    up(store, setup(source), at(5, 12) + timedelta(hours=25), since=at(0, 0))
    assert source.last.changed_since is None
    up(store, setup(source), at(5, 12) + timedelta(hours=26))
    assert source.last.changed_since == source.clock


def test_a_dry_run_reads_what_changed_and_remembers_nothing(store: StateStore) -> None:
    source = Source([absent(S10, "c10")])
    up(store, setup(source), at(5, 12))
    source.clock = at(5, 13)
    run_up(
        store,
        small_snapshot(),
        setup(source),
        FakeHyperplanningAbsences(),
        now=at(5, 13),
        dry_run=True,
    )
    assert source.last.changed_since == at(5, 12)
    up(store, setup(source), at(5, 14))
    assert source.last.changed_since == at(5, 12)  # still the last real run's mark
