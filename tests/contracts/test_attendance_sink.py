"""The attendance sink contract on the fake and on the real client over the emulator."""

from __future__ import annotations

from datetime import datetime

import pytest

from contracts.conftest import EmulatorStaff, HyperplanningWorld
from hpsync.model import HpAbsence
from hpsync.ports import AttendanceSink
from hpsync.testing.contracts import AttendanceSinkContract, StaffDesk
from hpsync.testing.fakes import FakeHyperplanningAbsences


class FakeStaff:
    """Staff entering an absence straight into the fake's list."""

    def __init__(self, fake: FakeHyperplanningAbsences) -> None:
        self.fake = fake

    def enter_absence(
        self, learner_key: int, start: datetime, end: datetime, *, justified: bool, reason: str
    ) -> None:
        key = 1000 + len(self.fake.absences)
        self.fake.absences.append(HpAbsence(key, learner_key, start, end, justified, reason))


class TestFakeHyperplanningAbsences(AttendanceSinkContract):
    """``testing.fakes.FakeHyperplanningAbsences`` (reasons and delay removal supported)."""

    @pytest.fixture
    def fake(self) -> FakeHyperplanningAbsences:
        return FakeHyperplanningAbsences(learners={self.LEARNER, self.OTHER})

    @pytest.fixture
    def sink(self, fake: FakeHyperplanningAbsences) -> AttendanceSink:
        return fake

    @pytest.fixture
    def staff(self, fake: FakeHyperplanningAbsences) -> StaffDesk:
        return FakeStaff(fake)


class TestHyperplanningClientFull(AttendanceSinkContract):
    """The real client on the emulator's ``full`` profile (motif setters, delay removal)."""

    profile = "full"

    @pytest.fixture
    def sink(self, hyperplanning: HyperplanningWorld) -> AttendanceSink:
        return hyperplanning.client

    @pytest.fixture
    def staff(self, hyperplanning: HyperplanningWorld) -> StaffDesk:
        return EmulatorStaff(hyperplanning.emulator)


class TestHyperplanningClientPublic(TestHyperplanningClientFull):
    """The real client on the ``public`` profile: only publicly attested operations, so
    no motif setter and no delay removal ([I] operations absent)."""

    profile = "public"
    stores_reasons = False
    removes_delays = False
