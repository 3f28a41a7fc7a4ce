"""Wire records: Edusign's field names become typed snake_case records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from edusign_client.conftest import MakeClient
from edusign_client.fakes import FakeEdusign
from hpsync.edusign import Course, GroupInput, JustifiedAbsence, Student, StudentInput

COURSE = {
    "ID": "0athprkic9ed79ba6",
    "id": "0athprkic9ed79ba6",
    "NAME": "Algèbre",
    "START": "2025-12-11T08:00:00.000Z",
    "END": "2025-12-11T10:00:00",
    "PROFESSOR": "p1",
    "PROFESSOR_3": "p3",
    "PROFESSOR_2": "p2",
    "PROFESSOR_SIGNATURE": "data:image/png;base64,xx",
    "SCHOOL_GROUP": "g1",
    "LOCKED": 1,
    "NEED_STUDENTS_SIGNATURE": 0,
    "API_ID": 123,
    "STUDENTS": [
        {
            "_id": "r1",
            "studentId": "s1",
            "state": True,
            "signature": "https://cdn/sig.png",
            "timestamp": "2025-12-11T08:03:00.000Z",
            "delay": 3,
            "earlyDeparture": None,
            "excluded": None,
            "comment": "",
            "absenceId": None,
        },
        {
            "studentId": "s2",
            "state": False,
            "signature": None,
            "comment": "malade",
            "absenceId": "ja1",
            "earlyDeparture": "2025-12-11T09:30:00.000Z",
        },
    ],
}


def test_course_with_attendance_records_is_parsed() -> None:
    """Professors are ordered, flags coerced, times aware UTC, attendance typed."""
    course = Course.from_wire(COURSE)
    assert course.professor_ids == ["p1", "p2", "p3"]
    assert course.school_group == ["g1"] and course.locked and not course.need_students_signature
    assert course.api_id == "123"
    assert course.end == datetime(2025, 12, 11, 10, tzinfo=UTC)
    signed, absent = course.students
    assert (signed.student_id, signed.state, signed.delay, signed.record_id) == (
        "s1",
        True,
        3,
        "r1",
    )
    assert signed.signature == "https://cdn/sig.png"
    assert signed.timestamp == datetime(2025, 12, 11, 8, 3, tzinfo=UTC)
    assert absent.signature is None and absent.absence_id == "ja1" and absent.comment == "malade"
    assert absent.early_departure == datetime(2025, 12, 11, 9, 30, tzinfo=UTC)


def test_records_are_frozen() -> None:
    """Records read from Edusign cannot be mutated by accident."""
    student = Student.model_validate({"ID": "s1", "FIRSTNAME": "A", "GROUPS": None})
    assert student.groups == []
    with pytest.raises(ValidationError, match="frozen"):
        student.first_name = "B"  # type: ignore[misc]


def test_justified_absence_is_parsed() -> None:
    """A justified absence keeps its student, reason and period."""
    absence = JustifiedAbsence.model_validate(
        {"ID": "ja1", "STUDENT_ID": "s2", "TYPE": "r1", "START": "2025-12-11T00:00:00.000Z",
         "END": "2025-12-12T00:00:00.000Z", "COMMENT": "certificat"}
    )  # fmt: skip
    assert (absence.student_id, absence.type, absence.comment) == ("s2", "r1", "certificat")
    assert absence.end == datetime(2025, 12, 12, tzinfo=UTC)


def test_group_lifecycle_and_archived_people(fake: FakeEdusign, make_client: MakeClient) -> None:
    """Groups are created, updated (membership replaced) and deleted; archived students hide."""
    client = make_client()
    sid = client.create_student(StudentInput("A", "B", "a@example.org", api_id="hp:x:learner:1"))
    gid = client.create_group(GroupInput("L1", student_ids=(sid,), api_id="hp:x:group:1"))
    assert client.get_group(gid).students == [sid]
    client.update_group(gid, GroupInput("L1 bis", student_ids=(), api_id="hp:x:group:1"))
    assert [(g.name, g.students) for g in client.list_groups()] == [("L1 bis", [])]
    client.delete_group(gid)
    assert client.list_groups() == []
    client.archive_student(sid)
    assert client.list_students() == []
    assert client.get_student(sid).hidden
