"""The yearly change, pure parts: the matching guard, last year's identities, the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hpsync import clock
from hpsync.attendance.plan import plan_attendance
from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.edusign.courses import windows
from hpsync.model import Kind
from hpsync.ports import Sheet
from hpsync.sync.up import base_aliases
from hpsync.testing.builders import BASE, PARIS, at, small_snapshot
from hpsync.year.guard import KindShare, SwitchThresholds, refusals, shares

LATER = datetime(2026, 9, 30, tzinfo=PARIS)
SESSION = f"hp:{BASE}:session:10-2"  # Monday 08:00-10:00, learners 1 and 2


def test_an_empty_new_base_is_refused_with_the_figures() -> None:
    """Matching none of 7 learners and 4 trainers is refused for both kinds, with counts."""
    found = shares({}, {Kind.LEARNER: 7, Kind.TRAINER: 4})
    reasons = refusals(found, SwitchThresholds())
    assert reasons == [
        "the new base matches 0 of 7 learners (0%), under the 25% required",
        "the new base matches 0 of 4 trainers (0%), under the 50% required",
    ]


def test_shares_at_and_above_the_threshold_pass_and_below_fail() -> None:
    """25 of 100 learners passes at 25 %; 24 of 100 does not; a small kind is only refused
    when none match."""
    thresholds = SwitchThresholds(learners=0.25, trainers=0.5)
    assert refusals([KindShare(Kind.LEARNER, 25, 100)], thresholds) == []
    assert len(refusals([KindShare(Kind.LEARNER, 24, 100)], thresholds)) == 1
    assert refusals([KindShare(Kind.TRAINER, 1, 4)], thresholds) == []  # 4 < 5 people
    assert len(refusals([KindShare(Kind.TRAINER, 0, 4)], thresholds)) == 1
    assert refusals([KindShare(Kind.LEARNER, 0, 0)], thresholds) == []  # nobody carried


def test_aliases_lead_next_years_identity_back_to_last_years_base() -> None:
    """Renames 2025→2026→2027 give each later identity its identity in the base asked."""
    renames = {
        "hp:b25:learner:1": "hp:b26:learner:11",
        "hp:b26:learner:11": "hp:b27:learner:111",
        "hp:b26:learner:12": "hp:b27:learner:112",
    }
    assert base_aliases(renames, "b26") == {
        "hp:b27:learner:111": "hp:b26:learner:11",
        "hp:b27:learner:112": "hp:b26:learner:12",
    }
    assert base_aliases(renames, "b25") == {
        "hp:b26:learner:11": "hp:b25:learner:1",
        "hp:b27:learner:111": "hp:b25:learner:1",
    }
    cycle = {"hp:a:learner:1": "hp:b:learner:1", "hp:b:learner:1": "hp:a:learner:1"}
    assert base_aliases(cycle, "a") == {"hp:b:learner:1": "hp:a:learner:1"}  # ends


def test_a_learner_who_stayed_is_written_back_to_last_years_base() -> None:
    """On last year's sheet the learner who stayed carries next year's identity: the alias
    makes it an absence of last year's learner, not a hand-added stranger."""
    snapshot = small_snapshot()
    next_sid = "hp:ecole-2027:learner:1001"
    sheet = Sheet(SESSION, "c1", True, (SheetMark(SESSION, next_sid, present=False),))
    without = plan_attendance(snapshot, [sheet], {}, FinalPolicy(), now=LATER)
    assert without.changes == [] and len(without.hand_added) == 1
    plan = plan_attendance(
        snapshot, [sheet], {}, FinalPolicy(), now=LATER, aliases={next_sid: f"hp:{BASE}:learner:1"}
    )
    assert [(c.key[1], c.intent.start, c.intent.end) for c in plan.changes if c.intent] == [
        (f"hp:{BASE}:learner:1", at(0, 8), at(0, 10))
    ]
    assert plan.hand_added == []


def test_an_inverted_read_window_is_empty() -> None:
    """Nothing to read yet (every session ahead) is no window at all, not an error."""
    assert windows(date(2026, 11, 30), date(2026, 11, 28)) == []
    assert windows(date(2026, 11, 30), date(2026, 11, 30)) == [
        (date(2026, 11, 30), date(2026, 11, 30))
    ]


def test_the_clock_starts_at_the_instant_set_and_runs_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """HPSYNC_NOW moves every reader of the clock; an anchored value is shared by processes."""
    monkeypatch.setenv(clock.ENV, "2027-07-20T03:00:00+02:00@1000.0")
    monkeypatch.setattr(clock.time, "time", lambda: 1010.0)
    assert clock.now() == datetime(2027, 7, 20, 1, 0, 10, tzinfo=UTC)
    assert clock.today(PARIS) == date(2027, 7, 20)
    assert clock.today(UTC) == date(2027, 7, 20)
    monkeypatch.setenv(clock.ENV, "2027-01-01T00:30:00+01:00@1010.0")
    assert clock.today(PARIS) == date(2027, 1, 1) and clock.today(UTC) == date(2026, 12, 31)


def test_a_clock_without_offset_or_not_an_instant_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A naive or garbled HPSYNC_NOW says how to write it."""
    monkeypatch.setenv(clock.ENV, "2027-07-20T03:00:00")
    with pytest.raises(clock.ClockError, match="offset"):
        clock.now()
    monkeypatch.setenv(clock.ENV, "next tuesday")
    with pytest.raises(clock.ClockError, match="ISO-8601"):
        clock.now()
