"""Equal values held once, without ever merging two different instants."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hpsync.emulators.generator import generate_school
from hpsync.school.load import snapshot_from_school
from hpsync.shared_values import SharedValues

PARIS = ZoneInfo("Europe/Paris")


def test_equal_values_come_back_as_the_first_one_seen() -> None:
    shared = SharedValues()
    first = shared(tuple([3, 4]))
    assert shared(tuple([3, 4])) is first
    assert shared(frozenset({1})) is shared(frozenset([1]))
    assert shared((3, 5)) is not first


def test_instants_equal_by_comparison_but_apart_stay_apart() -> None:
    shared = SharedValues()
    autumn = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)
    repeated = autumn.replace(fold=1)
    assert autumn == repeated  # same wall time in one zone: equal, yet an hour apart
    summer = datetime(2026, 9, 7, 8, 30, tzinfo=PARIS)
    same_in_utc = summer.astimezone(UTC)
    assert summer == same_in_utc  # one instant, but printed apart
    kept = [shared.instant(d) for d in (autumn, repeated, summer, same_in_utc)]
    assert [d.fold for d in kept] == [0, 1, 0, 0]
    assert kept[3].tzinfo is UTC
    again = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)
    assert shared.instant(again) is autumn


def test_a_snapshots_sessions_share_their_repeated_values() -> None:
    snapshot = snapshot_from_school(generate_school("S", 1, year=2026))
    sessions = list(snapshot.sessions.values())
    for field in ("start", "end", "trainer_keys", "room_keys", "rubric_keys"):
        values = [getattr(s, field) for s in sessions]
        assert len({id(v) for v in values}) == len({(v, getattr(v, "fold", 0)) for v in values})
