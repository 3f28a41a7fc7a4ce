"""Reading attendance sheets from Edusign: what an incremental read lists and fetches, and
when it falls back to reading every sheet (src/hpsync/edusign/sheets.py).

The client here is an in-memory Edusign that honours (or ignores) the course list's
``dateUpdated`` filter and records the windows listed. The down flow's read of what changed
(``EdusignAccount.read`` with ``changed_since``) is checked on it too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from hpsync.edusign.account import EdusignAccount
from hpsync.edusign.models import AbsenceReason, Course, Group, JustifiedAbsence, Professor, Student
from hpsync.edusign.sheets import SheetReader
from hpsync.errors import RecordError
from hpsync.model import Kind


def t(day: int, hour: int = 8) -> datetime:
    return datetime(2026, 9, day, hour, tzinfo=UTC)


def course(cid: str, day: int, updated: int, students: tuple[str, ...] = ("s1",)) -> Course:
    return Course.model_validate(
        {
            "ID": cid,
            "API_ID": f"hp:b:session:{cid}",
            "START": t(day).isoformat(),
            "END": t(day, 10).isoformat(),
            "DATE_UPDATED": t(updated).isoformat(),
            "STUDENTS": [{"studentId": s} for s in students],
            "LOCKED": True,
        }
    )


class Edusign:
    """Courses, one student, justifications; ``honours_filter`` False plays a service that
    answers every course whatever ``dateUpdated`` says."""

    def __init__(self, courses: list[Course], *, honours_filter: bool = True) -> None:
        self.courses = {c.id: c for c in courses}
        self.honours_filter = honours_filter
        self.absences: list[JustifiedAbsence] = []
        self.listed: list[tuple[date, date, bool]] = []  # start, end, filtered
        self.fetched: list[str] = []

    def list_students(self, include_archived: bool = False) -> list[Student]:
        return [Student.model_validate({"ID": "s1", "API_ID": "hp:b:learner:1"})]

    def absence_reasons(self) -> list[AbsenceReason]:
        return [AbsenceReason.model_validate({"ID": "r1", "NAME": "Maladie"})]

    def list_justified_absences(self) -> list[JustifiedAbsence]:
        return list(self.absences)

    def server_time(self) -> datetime:
        return t(20, 12)

    def list_courses(self, start: date, end: date, **filters: Any) -> list[Course]:
        updated = filters.get("date_updated")
        self.listed.append((start, end, updated is not None))
        out = [c for c in self.courses.values() if c.start and start <= c.start.date() <= end]
        if updated is not None and self.honours_filter:
            lo = date.fromisoformat(updated[0])
            out = [c for c in out if c.date_updated and c.date_updated.date() >= lo]
        return out

    def iter_courses(self, start: date, end: date, **filters: Any) -> Iterator[Course]:
        return iter(self.list_courses(start, end, **filters))

    def get_course(self, course_id: str) -> Course:
        self.fetched.append(course_id)
        if course_id not in self.courses:
            raise RecordError(f"course {course_id} not found")
        return self.courses[course_id]


def reader(edusign: Edusign) -> SheetReader:
    return SheetReader(edusign)  # type: ignore[arg-type]


def ids(got: Any) -> set[str]:
    return {s.remote_id for s in got.sheets}


ALL = [course("c1", 1, 2), course("c2", 3, 19), course("c3", 10, 10), course("c4", 15, 15)]


def test_without_a_mark_every_sheet_of_the_window_is_read() -> None:
    edusign = Edusign(ALL)
    got = reader(edusign).read(since=t(1, 0), until=t(20, 0))
    assert got.whole and ids(got) == {"c1", "c2", "c3", "c4"}
    assert got.watermark == t(20, 12)  # the service's clock, not this machine's


def test_a_read_of_changes_lists_what_changed_relists_recent_days_and_fetches_asked() -> None:
    edusign = Edusign(ALL)
    got = reader(edusign).read(
        since=t(1, 0), until=t(20, 0), changed_since=t(19, 9), relist_from=t(15, 0), sheets={"c1"}
    )
    assert not got.whole
    # c2 changed on the 19th, c4 lies in the days listed again, c1 was asked; c3 is settled.
    assert ids(got) == {"c1", "c2", "c4"}
    assert (date(2026, 9, 15), date(2026, 9, 20), False) in edusign.listed
    assert edusign.fetched == ["c1"]


def test_an_asked_sheet_deleted_on_edusign_is_left_out() -> None:
    edusign = Edusign(ALL)
    got = reader(edusign).read(
        since=t(1, 0), until=t(20, 0), changed_since=t(19), relist_from=t(20, 0), sheets={"gone"}
    )
    assert "gone" not in ids(got) and edusign.fetched == ["gone"]


def test_a_justification_made_since_lists_the_days_it_covers() -> None:
    edusign = Edusign(ALL)
    edusign.absences = [
        JustifiedAbsence.model_validate(
            {
                "ID": "a1",
                "STUDENT_ID": "s1",
                "TYPE": "r1",
                "DATE_CREATION": t(20, 9).isoformat(),
                "START": t(10, 0).isoformat(),
                "END": t(10, 23).isoformat(),
            }
        )
    ]
    got = reader(edusign).read(
        since=t(1, 0), until=t(20, 0), changed_since=t(20, 9), relist_from=t(20, 0)
    )
    assert "c3" in ids(got)  # its update date did not move: the justification's days did


def test_a_service_ignoring_the_update_filter_gives_a_whole_read() -> None:
    edusign = Edusign(ALL, honours_filter=False)
    got = reader(edusign).read(
        since=t(1, 0), until=t(20, 0), changed_since=t(19, 9), relist_from=t(20, 0)
    )
    assert got.whole and ids(got) == {"c1", "c2", "c3", "c4"}
    assert len(edusign.listed) == 1  # what it answered is every sheet: not listed twice


def test_a_justification_without_dates_gives_a_whole_read() -> None:
    edusign = Edusign(ALL)
    edusign.absences = [
        JustifiedAbsence.model_validate(
            {
                "ID": "a1",
                "STUDENT_ID": "s1",
                "START": t(3, 0).isoformat(),
                "END": t(3, 9).isoformat(),
            }
        )
    ]
    got = reader(edusign).read(
        since=t(1, 0), until=t(20, 0), changed_since=t(19, 9), relist_from=t(20, 0)
    )
    assert got.whole and ids(got) == {"c1", "c2", "c3", "c4"}


# -- the down flow's read of what changed ----------------------------------------------
class PeopleLess(Edusign):
    def list_groups(self) -> list[Group]:
        return []

    def list_professors(self, include_archived: bool = False) -> list[Professor]:
        return []


def account(edusign: Edusign) -> EdusignAccount:
    return EdusignAccount("nord", edusign)  # type: ignore[arg-type]


def sessions(state: Any) -> set[str]:
    return set(state.of(Kind.SESSION))


def test_a_sync_reads_the_changed_and_the_asked_sheets_and_marks_gone_ones() -> None:
    edusign = PeopleLess(ALL)
    state = account(edusign).read(
        since=t(1, 0), until=t(20, 0), changed_since=t(19, 9), sessions={"c1", "gone"}
    )
    assert sessions(state) == {"c1", "c2"}  # c2 changed on the 19th; c1 was asked
    assert state.absent == {"gone"}
    assert Kind.SESSION not in state.complete  # not a whole read: no removal decided from it


def test_a_sync_on_a_service_ignoring_the_update_filter_reads_every_sheet() -> None:
    edusign = PeopleLess(ALL, honours_filter=False)
    state = account(edusign).read(since=t(1, 0), until=t(20, 0), changed_since=t(19, 9))
    assert sessions(state) == {"c1", "c2", "c3", "c4"}
    assert Kind.SESSION in state.complete
