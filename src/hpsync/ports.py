"""The ports the core depends on; adapters (real or fake) implement them.

Kept small on purpose: a port speaks the engine's language (source identities, plan
items, domain records), never a wire format.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from hpsync.attendance.statuses import SheetMark
from hpsync.engine.plan import PlanItem
from hpsync.engine.remote import RemoteState, Settle
from hpsync.model import BaseInfo, HpAbsence, HpDelay, Kind, Snapshot


class PlanningSource(Protocol):
    """A Hyperplanning base, read whole."""

    def base_info(self) -> BaseInfo: ...

    def read_snapshot(self) -> Snapshot: ...


class AttendanceSink(Protocol):
    """Where attendance is written back: Hyperplanning absences and delays."""

    def absences_between(
        self, learner_key: int, start: datetime, end: datetime
    ) -> list[HpAbsence]: ...

    def add_absence(
        self, learner_key: int, start: datetime, end: datetime, *, justified: bool, reason: str = ""
    ) -> None: ...

    def remove_absence(self, learner_key: int, start: datetime, end: datetime) -> None: ...

    def delays_between(self, learner_key: int, start: datetime, end: datetime) -> list[HpDelay]: ...

    def add_delay(
        self, learner_key: int, at: datetime, minutes: int, *, justified: bool, reason: str = ""
    ) -> None: ...

    def remove_delay(self, learner_key: int, at: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What happened to one plan item on the target."""

    item_key: str
    ok: bool
    remote_id: str = ""
    message: str = ""
    retriable: bool = False


class TargetAccount(Protocol):
    """One Edusign account, in the engine's terms."""

    name: str

    def read(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        sessions: Collection[str] = (),
        settle: Settle | None = None,
    ) -> RemoteState:
        """Everything the account holds (sessions between since and until).

        With ``changed_since`` the sessions read are only those changed since that instant
        plus those named in ``sessions`` (Edusign ids): the state then says sessions were
        not read whole, and lists the named ones found gone (``absent``).
        With ``settle``, a session it settles is kept as ids only (``RemoteState.put``).
        """
        ...

    def write(
        self, kind: Kind, items: Sequence[PlanItem], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        """Apply one batch of writes of one kind; ``ids`` maps source identities to remote ids."""
        ...


@dataclass(frozen=True, slots=True)
class Sheet:
    """One Edusign attendance sheet we pushed, with its learners' marks."""

    session_sid: str  # the course's external id ("" when created by hand)
    remote_id: str
    locked: bool
    marks: tuple[SheetMark, ...]


class AttendanceSource(Protocol):
    """Where attendance is read: the sheets of one Edusign account."""

    def read_sheets(self, *, since: datetime, until: datetime) -> list[Sheet]: ...

    def read_sheet(self, course_id: str) -> Sheet:
        """One sheet by Edusign id (a webhook told us it changed)."""
        ...


@dataclass(frozen=True, slots=True)
class SheetsRead:
    """The sheets one attendance run read, and whether they are every sheet of its window.

    ``watermark`` is the service's clock when the read began (None when it gives none):
    the next run asks for what changed after it.
    """

    sheets: list[Sheet]
    whole: bool
    watermark: datetime | None = None


@runtime_checkable
class ChangedSheetsSource(Protocol):
    """An attendance source that can list only the sheets changed since an instant."""

    def read_attendance(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        relist_from: datetime | None = None,
        sheets: Collection[str] = (),
    ) -> SheetsRead:
        """Every sheet between since and until, or, with ``changed_since`` and
        ``relist_from``, only those changed since then, every one from ``relist_from`` on,
        those a justification made since then may cover, and those named in ``sheets``
        (Edusign ids; gone ones are left out). ``whole`` says which was done."""
        ...
