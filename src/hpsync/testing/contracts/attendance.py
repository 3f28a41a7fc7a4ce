"""The attendance sink suite: Hyperplanning absences and delays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar, Protocol

import pytest

from hpsync.errors import MissingCapability, SourceError
from hpsync.model import HpAbsence, HpDelay
from hpsync.ports import AttendanceSink
from hpsync.testing.contracts.common import at


class StaffDesk(Protocol):
    """Hyperplanning's own screens: records a member of staff enters, not through the port."""

    def enter_absence(
        self, learner_key: int, start: datetime, end: datetime, *, justified: bool, reason: str
    ) -> None: ...


def spans(absences: Sequence[HpAbsence]) -> list[tuple[datetime, datetime, bool]]:
    """Absences as (start, end, justified), in time order: what a user sees in a planning."""
    return sorted((a.start, a.end, a.justified) for a in absences)


def moments(delays: Sequence[HpDelay]) -> list[tuple[datetime, int, bool]]:
    """Delays as (instant, minutes, justified), in time order."""
    return sorted((d.at, d.minutes, d.justified) for d in delays)


class AttendanceSinkContract:
    """The ``AttendanceSink`` port: a learner's absences (intervals) and delays (instants).

    Hooks: ``sink`` (the implementation, knowing learners ``LEARNER`` and ``OTHER`` and not
    ``UNKNOWN``, holding no absence or delay on the week of ``DAY``) and ``staff`` (a way
    to enter an absence as staff would, behind the port's back). ``stores_reasons``: the
    service has a motif setter (``ModifierMotif…``, [I]); ``removes_delays``: it has a
    delay removal (``SupprimerRetardEtudiant``, [I]). The public profile has neither.
    """

    LEARNER: ClassVar[int] = 1
    OTHER: ClassVar[int] = 2
    UNKNOWN: ClassVar[int] = 999_999
    stores_reasons: ClassVar[bool] = True
    removes_delays: ClassVar[bool] = True

    @pytest.fixture
    def sink(self) -> AttendanceSink:
        raise NotImplementedError("a concrete suite provides the AttendanceSink under test")

    @pytest.fixture
    def staff(self) -> StaffDesk:
        raise NotImplementedError("a concrete suite provides the way staff enter absences")

    def day(self, sink: AttendanceSink, learner: int | None = None) -> list[HpAbsence]:
        return sink.absences_between(learner or self.LEARNER, at(0), at(0, day=1))

    # -- absences: writing and reading ------------------------------------------------------
    def test_an_added_absence_is_read_back_over_its_interval(self, sink: AttendanceSink) -> None:
        """An absence added from 08:00 to 10:00 is read back with that interval, that
        justified flag and that learner."""
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        [absence] = self.day(sink)
        assert (absence.learner_key, absence.start, absence.end, absence.justified) == (
            self.LEARNER,
            at(8),
            at(10),
            False,
        )

    def test_a_read_window_returns_the_absences_overlapping_it_only(
        self, sink: AttendanceSink
    ) -> None:
        """A window returns an absence it overlaps (inside it, or crossing a bound); one that
        only touches it (ends at its start, starts at its end) or lies another day is not
        returned."""
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        assert spans(sink.absences_between(self.LEARNER, at(9), at(9, 30))) == [
            (at(8), at(10), False)
        ]
        assert len(sink.absences_between(self.LEARNER, at(7), at(8, 30))) == 1
        assert len(sink.absences_between(self.LEARNER, at(9, 30), at(12))) == 1
        assert sink.absences_between(self.LEARNER, at(10), at(12)) == []
        assert sink.absences_between(self.LEARNER, at(6), at(8)) == []
        assert sink.absences_between(self.LEARNER, at(8, day=1), at(10, day=1)) == []

    def test_another_learners_absences_are_not_returned(self, sink: AttendanceSink) -> None:
        """A learner's window never returns the absence of another learner at that time."""
        sink.add_absence(self.OTHER, at(8), at(10), justified=True)
        assert self.day(sink) == []
        assert spans(self.day(sink, self.OTHER)) == [(at(8), at(10), True)]

    def test_adding_the_same_absence_twice_keeps_one(self, sink: AttendanceSink) -> None:
        """Adding an absence already there (same interval, same flag) leaves a single one."""
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        assert spans(self.day(sink)) == [(at(8), at(10), False)]

    def test_readding_an_absence_with_the_other_flag_replaces_the_flag(
        self, sink: AttendanceSink
    ) -> None:
        """Adding the exact interval of an absence with the other justified flag changes
        that absence in place: still one absence, now with the new flag (and back again)."""
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        sink.add_absence(self.LEARNER, at(8), at(10), justified=True)
        assert spans(self.day(sink)) == [(at(8), at(10), True)]
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        assert spans(self.day(sink)) == [(at(8), at(10), False)]

    def test_the_reason_is_set_when_the_service_can_set_one(self, sink: AttendanceSink) -> None:
        """With a motif setter the reason given is read back, and re-adding the absence
        with the other flag but no reason keeps it; without one the absence is written all
        the same, with no reason (never a failure)."""
        sink.add_absence(self.LEARNER, at(8), at(10), justified=True, reason="Maladie")
        [absence] = self.day(sink)
        assert absence.reason == ("Maladie" if self.stores_reasons else "")
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        [again] = self.day(sink)
        assert (again.justified, again.reason) == (
            False,
            "Maladie" if self.stores_reasons else "",
        )

    def test_an_absence_overlapping_another_interval_is_added_beside_it(
        self, sink: AttendanceSink, staff: StaffDesk
    ) -> None:
        """An absence over 08:00-10:00 added where staff entered 07:00-19:00 is a second
        absence: both are read back, the staff's one unchanged (no merge)."""
        staff.enter_absence(self.LEARNER, at(7), at(19), justified=True, reason="Maladie")
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        assert spans(self.day(sink)) == [(at(7), at(19), True), (at(8), at(10), False)]

    def test_an_interval_that_does_not_end_after_it_starts_is_refused(
        self, sink: AttendanceSink
    ) -> None:
        """An absence whose end is not after its start is a SourceError; nothing is added."""
        with pytest.raises(SourceError):
            sink.add_absence(self.LEARNER, at(10), at(9), justified=False)
        with pytest.raises(SourceError):
            sink.add_absence(self.LEARNER, at(10), at(10), justified=False)
        assert self.day(sink) == []

    # -- absences: removal ------------------------------------------------------------------
    def test_a_removal_where_only_our_absence_lies_removes_it(self, sink: AttendanceSink) -> None:
        """Removing 08:00-10:00 where only that absence lies removes it; the learner's
        absence of another day and another learner's absence at that time stay."""
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        sink.add_absence(self.LEARNER, at(8, day=1), at(10, day=1), justified=False)
        sink.add_absence(self.OTHER, at(8), at(10), justified=False)
        sink.remove_absence(self.LEARNER, at(8), at(10))
        assert self.day(sink) == []
        assert spans(sink.absences_between(self.LEARNER, at(0, day=1), at(0, day=2))) == [
            (at(8, day=1), at(10, day=1), False)
        ]
        assert spans(self.day(sink, self.OTHER)) == [(at(8), at(10), False)]

    def test_a_removal_over_a_staff_absence_keeps_its_parts_outside_the_interval(
        self, sink: AttendanceSink, staff: StaffDesk
    ) -> None:
        """Removing 08:00-10:00 inside an absence staff entered over 07:00-19:00 clears
        that interval only: our absence there is gone, the staff's one is split into
        07:00-08:00 and 10:00-19:00, both keeping its justified flag and reason.
        (hpsync's write-back never asks for this: it holds the change, docs/attendance.md.)"""
        staff.enter_absence(self.LEARNER, at(7), at(19), justified=True, reason="Maladie")
        sink.add_absence(self.LEARNER, at(8), at(10), justified=False)
        sink.remove_absence(self.LEARNER, at(8), at(10))
        left = self.day(sink)
        assert spans(left) == [(at(7), at(8), True), (at(10), at(19), True)]
        assert {a.reason for a in left} == {"Maladie"}
        assert sink.absences_between(self.LEARNER, at(8), at(10)) == []

    def test_a_removal_trims_an_absence_crossing_a_bound(
        self, sink: AttendanceSink, staff: StaffDesk
    ) -> None:
        """An absence crossing a bound of the removed interval keeps the part outside it:
        09:00-12:00 less 08:00-10:00 is 10:00-12:00; 07:00-09:00 less 08:00-10:00 is
        07:00-08:00."""
        staff.enter_absence(self.LEARNER, at(9), at(12), justified=False, reason="")
        staff.enter_absence(self.LEARNER, at(7, day=1), at(9, day=1), justified=True, reason="")
        sink.remove_absence(self.LEARNER, at(8), at(10))
        sink.remove_absence(self.LEARNER, at(8, day=1), at(10, day=1))
        assert spans(self.day(sink)) == [(at(10), at(12), False)]
        assert spans(sink.absences_between(self.LEARNER, at(0, day=1), at(0, day=2))) == [
            (at(7, day=1), at(8, day=1), True)
        ]

    def test_a_removal_leaves_absences_that_only_touch_the_interval(
        self, sink: AttendanceSink, staff: StaffDesk
    ) -> None:
        """Absences ending at the interval's start or starting at its end are untouched."""
        staff.enter_absence(self.LEARNER, at(7), at(8), justified=True, reason="")
        staff.enter_absence(self.LEARNER, at(10), at(11), justified=False, reason="")
        sink.remove_absence(self.LEARNER, at(8), at(10))
        assert spans(self.day(sink)) == [(at(7), at(8), True), (at(10), at(11), False)]

    def test_a_removal_where_nothing_lies_is_not_an_error(self, sink: AttendanceSink) -> None:
        """Removing an interval without any absence does nothing and raises nothing."""
        sink.remove_absence(self.LEARNER, at(8), at(10))
        assert self.day(sink) == []

    # -- delays -----------------------------------------------------------------------------
    def test_an_added_delay_is_read_back(self, sink: AttendanceSink) -> None:
        """A delay of 10 minutes at 08:00 is read back at that instant with 10 minutes."""
        sink.add_delay(self.LEARNER, at(8), 10, justified=False)
        [delay] = sink.delays_between(self.LEARNER, at(7), at(9))
        assert (delay.learner_key, delay.at, delay.minutes, delay.justified) == (
            self.LEARNER,
            at(8),
            10,
            False,
        )

    def test_a_delay_read_window_includes_both_bounds(self, sink: AttendanceSink) -> None:
        """A window returns the delays whose instant lies in [start, end], both bounds
        included; a delay before or after it, or of another learner, is not returned."""
        sink.add_delay(self.LEARNER, at(8), 10, justified=False)
        sink.add_delay(self.OTHER, at(8, 30), 5, justified=False)
        assert moments(sink.delays_between(self.LEARNER, at(8), at(8))) == [(at(8), 10, False)]
        assert len(sink.delays_between(self.LEARNER, at(7), at(8))) == 1
        assert len(sink.delays_between(self.LEARNER, at(8), at(9))) == 1
        assert sink.delays_between(self.LEARNER, at(8, 1), at(9)) == []
        assert sink.delays_between(self.LEARNER, at(7), at(7, 59)) == []
        assert sink.delays_between(self.LEARNER, at(8, 1), at(8, 59)) == []

    def test_a_delay_at_an_instant_holding_one_replaces_it(self, sink: AttendanceSink) -> None:
        """A delay added at an instant where the learner already has one updates that
        delay: still one delay there, with the new minutes and justified flag."""
        sink.add_delay(self.LEARNER, at(8), 10, justified=False)
        sink.add_delay(self.LEARNER, at(8), 15, justified=True)
        assert moments(sink.delays_between(self.LEARNER, at(7), at(9))) == [(at(8), 15, True)]

    def test_delays_at_other_instants_are_kept_apart(self, sink: AttendanceSink) -> None:
        """Delays at 08:00 and 14:00 the same day are two delays."""
        sink.add_delay(self.LEARNER, at(8), 10, justified=False)
        sink.add_delay(self.LEARNER, at(14), 20, justified=True)
        assert moments(sink.delays_between(self.LEARNER, at(0), at(23))) == [
            (at(8), 10, False),
            (at(14), 20, True),
        ]

    def test_a_delay_reason_is_set_when_the_service_can_set_one(self, sink: AttendanceSink) -> None:
        """With a motif setter a delay's reason is read back; without one the delay is
        written with no reason."""
        sink.add_delay(self.LEARNER, at(8), 10, justified=True, reason="Transport")
        [delay] = sink.delays_between(self.LEARNER, at(8), at(8))
        assert delay.reason == ("Transport" if self.stores_reasons else "")

    def test_removing_a_delay_deletes_that_instant_only(self, sink: AttendanceSink) -> None:
        """Removing the delay at 08:00 deletes it and keeps the one at 14:00; a service
        without a delay removal raises MissingCapability and keeps both."""
        sink.add_delay(self.LEARNER, at(8), 10, justified=False)
        sink.add_delay(self.LEARNER, at(14), 20, justified=False)
        if self.removes_delays:
            sink.remove_delay(self.LEARNER, at(8))
            assert moments(sink.delays_between(self.LEARNER, at(0), at(23))) == [
                (at(14), 20, False)
            ]
        else:
            with pytest.raises(MissingCapability):
                sink.remove_delay(self.LEARNER, at(8))
            assert len(sink.delays_between(self.LEARNER, at(0), at(23))) == 2

    def test_removing_a_delay_where_none_lies_is_not_an_error(self, sink: AttendanceSink) -> None:
        """Removing a delay at an instant without one does nothing and raises nothing."""
        sink.add_delay(self.LEARNER, at(14), 20, justified=False)
        sink.remove_delay(self.LEARNER, at(8))
        assert len(sink.delays_between(self.LEARNER, at(0), at(23))) == 1

    # -- unknown learner ---------------------------------------------------------------------
    def test_an_unknown_learner_is_a_source_error(self, sink: AttendanceSink) -> None:
        """Every call about a learner the base does not know raises SourceError (the
        write-back reports that record and goes on), not a missing capability."""
        calls: list[Callable[[], object]] = [
            lambda: sink.absences_between(self.UNKNOWN, at(0), at(23)),
            lambda: sink.add_absence(self.UNKNOWN, at(8), at(10), justified=False),
            lambda: sink.remove_absence(self.UNKNOWN, at(8), at(10)),
            lambda: sink.delays_between(self.UNKNOWN, at(0), at(23)),
            lambda: sink.add_delay(self.UNKNOWN, at(8), 10, justified=False),
            lambda: sink.remove_delay(self.UNKNOWN, at(8)),
        ]
        for call in calls:
            with pytest.raises(SourceError) as raised:
                call()
            assert not isinstance(raised.value, MissingCapability)
