"""Reading attendance sheets from Edusign, whole or only what changed.

A sheet's marks change when someone signs, an administrator edits it (both bump the
course's update date) or a justification covers it — and nothing says Edusign bumps the
course for that one. So an incremental read lists the courses updated since the last
read, every course from where the caller says to list again (the earliest sheet not final
yet, or the end of the last window), the courses in the period of every justification made
since, and the final sheets the caller still waits for (by id). When the
service ignores the update-date filter, or gives a justification no date, the read is
whole: every sheet of the window, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import date, datetime, timedelta

from hpsync.attendance.statuses import SheetMark
from hpsync.edusign import EdusignClient
from hpsync.edusign.models import Course, JustifiedAbsence
from hpsync.errors import RecordError
from hpsync.logging import get_logger
from hpsync.ports import Sheet, SheetsRead

log = get_logger("hpsync.edusign")

#: Far enough in the future for the upper bound of the update-date filter.
NO_END = date(2099, 12, 31)


class SheetReader:
    """The attendance side of one Edusign account."""

    def __init__(self, client: EdusignClient) -> None:
        self.client = client

    def read(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        relist_from: datetime | None = None,
        sheets: Collection[str] = (),
    ) -> SheetsRead:
        api, justified, absences = self._context()

        def sheet(course: Course) -> Sheet:
            return to_sheet(course, api, justified)

        mark = self.client.server_time()  # before the sheets: later edits are after it
        found, whole = self._changed(
            since, until, changed_since, relist_from, sheets, absences, sheet
        )
        if found is None:  # each course becomes its sheet as its page arrives
            found = {c.id: sheet(c) for c in self.client.iter_courses(since.date(), until.date())}
        return SheetsRead(list(found.values()), whole=whole, watermark=mark)

    def one(self, course_id: str) -> Sheet:
        """One sheet, for a webhook event about it."""
        api, justified, _ = self._context()
        return to_sheet(self.client.get_course(course_id), api, justified)

    def _context(self) -> tuple[dict[str, str], dict[str, str], list[JustifiedAbsence]]:
        """Student ids → external ids, justification ids → reason, the justifications."""
        students = self.client.list_students(include_archived=True)
        api = {s.id: s.api_id for s in students}
        reasons = {r.id: r.name for r in self.client.absence_reasons()}
        absences = self.client.list_justified_absences()
        justified = {a.id: reasons.get(a.type, a.comment) for a in absences}
        return api, justified, absences

    def _changed(
        self,
        since: datetime,
        until: datetime,
        changed_since: datetime | None,
        relist_from: datetime | None,
        asked: Collection[str],
        absences: list[JustifiedAbsence],
        sheet: Callable[[Course], Sheet],
    ) -> tuple[dict[str, Sheet] | None, bool]:
        """The sheets an incremental read needs, by course id, and whether they are every
        sheet of the window (None: only a whole read is safe, still to be made)."""
        if changed_since is None or relist_from is None:
            return None, True
        day = changed_since.date() - timedelta(days=1)  # the filter counts whole days
        periods = list(_new_periods(absences, day, since, until))
        if any(p is None for p in periods):
            log.warning("a justified absence has no date: every sheet is read")
            return None, True
        found: dict[str, Sheet] = {}
        ignored = False
        for course in self.client.iter_courses(
            since.date(), until.date(), date_updated=[day.isoformat(), NO_END.isoformat()]
        ):
            updated = course.date_updated
            ignored = ignored or (updated is not None and updated.date() < day)
            found[course.id] = sheet(course)
        if ignored:
            log.warning("the course list ignores dateUpdated: every sheet was read")
            return found, True  # what it answered is the whole window
        windows = [(max(since, relist_from).date(), until.date())]  # inverted: none
        windows += [p for p in periods if p is not None]
        for lo, hi in _merged(windows):
            for course in self.client.iter_courses(lo, hi):
                if course.id not in found:
                    found[course.id] = sheet(course)
        for course_id in sorted(set(asked) - set(found)):
            try:
                found[course_id] = sheet(self.client.get_course(course_id))
            except RecordError:
                continue  # deleted on Edusign: nothing left to read
        return found, False


def _new_periods(
    absences: list[JustifiedAbsence], day: date, since: datetime, until: datetime
) -> Iterator[tuple[date, date] | None]:
    """The days (within the window) of every justification made or changed since ``day``;
    None for one whose dates are missing (its effect cannot be placed)."""
    for absence in absences:
        changed = absence.changed_at()
        if changed is None or absence.start is None or absence.end is None:
            yield None
            continue
        if changed.date() < day or absence.end < since or absence.start > until:
            continue
        yield max(absence.start, since).date(), min(absence.end, until).date()


def _merged(windows: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping or touching day ranges joined, so each day is listed once."""
    out: list[tuple[date, date]] = []
    for lo, hi in sorted(windows):
        if out and lo <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def to_sheet(course: Course, api: Mapping[str, str], justified: Mapping[str, str]) -> Sheet:
    """One Edusign course as the attendance flow sees it."""
    marks = []
    for record in course.students:
        present = bool(record.state) or record.signature is not None
        reason = justified.get(record.absence_id or "", "") or record.comment
        marks.append(
            SheetMark(
                session_sid=course.api_id,
                learner_sid=api.get(record.student_id, ""),
                present=present,
                delay_minutes=int(record.delay or 0),
                left_at=record.early_departure or record.excluded,
                justified=bool(record.absence_id) or bool(record.comment.strip()),
                reason=reason,
            )
        )
    return Sheet(course.api_id, course.id, bool(course.locked), tuple(marks))
