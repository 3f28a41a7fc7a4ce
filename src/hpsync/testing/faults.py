"""Fault-injecting wrappers around the fakes: a remote that raises a retriable error.

``FakeTarget`` and ``FakeHyperplanningAbsences`` already know how to crash after a write
(``crash_after``) and how to refuse one record (``fail_sids`` / ``fail_learners``); these
wrappers add the third failure a real service shows: a call that raises
``RetriableRemoteError`` (timeout, 5xx), either before anything was written or after the
remote applied the write but before its answer came back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hpsync.engine.plan import PlanItem
from hpsync.engine.remote import RemoteState, Settle
from hpsync.errors import RetriableRemoteError
from hpsync.model import HpAbsence, HpDelay, Kind
from hpsync.ports import WriteOutcome
from hpsync.testing.fakes import FakeHyperplanningAbsences, FakeTarget


@dataclass
class FlakyTarget:
    """A FakeTarget whose chosen ``write`` calls (1-based) raise RetriableRemoteError.

    With ``applied=True`` the inner write happens first: the answer is lost, not the write.
    """

    inner: FakeTarget
    raise_on: set[int] = field(default_factory=set)
    applied: bool = False
    calls: int = 0
    raised: int = 0

    @property
    def name(self) -> str:
        return self.inner.name

    def read(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        sessions: Collection[str] = (),
        settle: Settle | None = None,
    ) -> RemoteState:
        return self.inner.read(
            since=since,
            until=until,
            changed_since=changed_since,
            sessions=sessions,
            settle=settle,
        )

    def write(
        self, kind: Kind, items: Sequence[PlanItem], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        self.calls += 1
        if self.calls not in self.raise_on:
            return self.inner.write(kind, items, ids)
        if self.applied:
            self.inner.write(kind, items, ids)
        self.raised += 1
        raise RetriableRemoteError(
            f"injected timeout on write call {self.calls} ({kind.value})",
            record=f"{len(items)} item(s)",
        )


@dataclass
class FlakyAbsences:
    """FakeHyperplanningAbsences whose chosen write calls (1-based) raise a retriable error."""

    inner: FakeHyperplanningAbsences
    raise_on: set[int] = field(default_factory=set)
    applied: bool = False
    calls: int = 0
    raised: int = 0

    def _maybe_fail(self, what: str) -> bool:
        """True when this call must fail; the caller then applies it first if ``applied``."""
        self.calls += 1
        return self.calls in self.raise_on

    def _raise(self, what: str) -> None:
        self.raised += 1
        raise RetriableRemoteError(f"injected Hyperplanning timeout on {what} (call {self.calls})")

    def absences_between(self, learner_key: int, start: datetime, end: datetime) -> list[HpAbsence]:
        return self.inner.absences_between(learner_key, start, end)

    def delays_between(self, learner_key: int, start: datetime, end: datetime) -> list[HpDelay]:
        return self.inner.delays_between(learner_key, start, end)

    def add_absence(
        self, learner_key: int, start: datetime, end: datetime, *, justified: bool, reason: str = ""
    ) -> None:
        if not self._maybe_fail("add_absence"):
            return self.inner.add_absence(
                learner_key, start, end, justified=justified, reason=reason
            )
        if self.applied:
            self.inner.add_absence(learner_key, start, end, justified=justified, reason=reason)
        self._raise("add_absence")

    def remove_absence(self, learner_key: int, start: datetime, end: datetime) -> None:
        if not self._maybe_fail("remove_absence"):
            return self.inner.remove_absence(learner_key, start, end)
        if self.applied:
            self.inner.remove_absence(learner_key, start, end)
        self._raise("remove_absence")

    def add_delay(
        self, learner_key: int, at: datetime, minutes: int, *, justified: bool, reason: str = ""
    ) -> None:
        if not self._maybe_fail("add_delay"):
            return self.inner.add_delay(
                learner_key, at, minutes, justified=justified, reason=reason
            )
        if self.applied:
            self.inner.add_delay(learner_key, at, minutes, justified=justified, reason=reason)
        self._raise("add_delay")

    def remove_delay(self, learner_key: int, at: datetime) -> None:
        if not self._maybe_fail("remove_delay"):
            return self.inner.remove_delay(learner_key, at)
        if self.applied:
            self.inner.remove_delay(learner_key, at)
        self._raise("remove_delay")
